"""Provincial-level divisions by GB/T 2260 code."""

from __future__ import annotations

from sqlalchemy import select

from admissions.extensions import db
from admissions.models import Province

PROVINCE_NAMES = {
    "110000": "北京市", "120000": "天津市", "130000": "河北省", "140000": "山西省",
    "150000": "内蒙古自治区", "210000": "辽宁省", "220000": "吉林省", "230000": "黑龙江省",
    "310000": "上海市", "320000": "江苏省", "330000": "浙江省", "340000": "安徽省",
    "350000": "福建省", "360000": "江西省", "370000": "山东省", "410000": "河南省",
    "420000": "湖北省", "430000": "湖南省", "440000": "广东省", "450000": "广西壮族自治区",
    "460000": "海南省", "500000": "重庆市", "510000": "四川省", "520000": "贵州省",
    "530000": "云南省", "540000": "西藏自治区", "610000": "陕西省", "620000": "甘肃省",
    "630000": "青海省", "640000": "宁夏回族自治区", "650000": "新疆维吾尔自治区",
}  # fmt: skip


def get_or_create_province(code: str) -> Province:
    """The province with this GB/T 2260 code, created (flushed) if missing."""
    if code not in PROVINCE_NAMES:
        raise ValueError(f"未知的省级行政区划代码：{code}")
    province = db.session.scalar(select(Province).where(Province.code == code))
    if province is None:
        province = Province(code=code, name=PROVINCE_NAMES[code])
        db.session.add(province)
        db.session.flush()
    return province

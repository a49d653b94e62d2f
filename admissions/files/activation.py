"""The activation codes file: ``candidate_no,name,school,code,expires`` as CSV, and one printable
PDF sheet per school (a ZIP of them when several schools are in it)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence

from admissions.files.columns import ExportColumn
from admissions.files.writers import to_csv, to_pdf_table

COLUMNS = (
    ExportColumn("candidate_no", "考生号"),
    ExportColumn("name", "姓名"),
    ExportColumn("school", "学校"),
    ExportColumn("code", "激活码"),
    ExportColumn("expires", "有效期至"),
)
NO_SCHOOL = "未填学校"
HOW_TO = (
    "考生在平台首页点击“激活账号”，填写考生号、身份证号和激活码并设置密码；激活码只能使用一次。"
)


def codes_csv(rows: Sequence[Mapping[str, object]]) -> bytes:
    """The codes file with the English header the command line and scripts rely on."""
    return to_csv(rows, COLUMNS)


def school_sheet(exam_name: str, school: str, rows: Sequence[Mapping[str, object]]) -> bytes:
    """One school's sheet: a table to cut into slips and hand out at the 报名点."""
    return to_pdf_table(
        f"{exam_name} · 账号激活码", rows, COLUMNS, subtitle=f"学校：{school or NO_SCHOOL}",
        footer=HOW_TO,
    )  # fmt: skip


def school_sheets(exam_name: str, rows: Sequence[Mapping[str, object]]) -> tuple[bytes, bool]:
    """(PDF, False) when the rows are of one school; else (ZIP of one PDF per school, True)."""
    by_school: dict[str, list[Mapping[str, object]]] = {}
    for row in rows:
        by_school.setdefault(str(row.get("school") or ""), []).append(row)
    if len(by_school) <= 1:
        school = next(iter(by_school), "")
        return school_sheet(exam_name, school, rows), False
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, (school, school_rows) in enumerate(sorted(by_school.items()), start=1):
            name = f"{number:03d}-{(school or NO_SCHOOL)[:40]}.pdf"
            archive.writestr(name, school_sheet(exam_name, school, school_rows))
    return buffer.getvalue(), True

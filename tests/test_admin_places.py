"""Administrator pages for provinces and exams: create, rename, every refusal, audit, roles."""

import pytest
from sqlalchemy import select

from admissions.models import AuditEvent, Exam, Province
from tests.factories import create_account, create_exam, create_province, csrf_token, login


def _admin(client, db):
    admin = create_account("admin")
    db.session.commit()
    login(client, admin.username)
    return admin


def _post(client, path, **data):
    data["csrf_token"] = csrf_token(client, path)
    return client.post(path, data=data)


def _actions(db) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_create_province_is_listed_and_audited(client, db):
    _admin(client, db)
    response = _post(client, "/admin/provinces", code="370000", name="山东省")
    assert response.status_code == 302
    assert "370000" in client.get("/admin/provinces").get_data(as_text=True)
    province = db.session.scalar(select(Province))
    assert (province.code, province.name) == ("370000", "山东省")
    assert "province.create" in _actions(db)


@pytest.mark.parametrize(
    ("code", "name", "message"),
    [
        ("37000", "山东省", "省份代码应为 6 位"),
        ("370100", "济南市", "后四位为 0000"),
        ("370000", "鲁", "省份名称应为 2 至 40 个字"),
    ],
)
def test_bad_province_input_is_explained(client, db, code, name, message):
    _admin(client, db)
    response = _post(client, "/admin/provinces", code=code, name=name)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(Province)) is None


def test_duplicate_province_code_and_name_are_refused(client, db):
    create_province("370000")
    _admin(client, db)
    html = _post(client, "/admin/provinces", code="370000", name="山东").get_data(as_text=True)
    assert "省份代码 370000 已存在" in html
    html = _post(client, "/admin/provinces", code="320000", name="山东省").get_data(as_text=True)
    assert "名称「山东省」已被省份 370000 使用" in html


def test_rename_province_keeps_code_and_audits_before_after(client, db):
    province = create_province("370000")
    _admin(client, db)
    path = f"/admin/provinces/{province.id}"
    assert "山东省" in client.get(path).get_data(as_text=True)
    assert _post(client, path, name="山东省（测试）").status_code == 302
    db.session.expire_all()
    assert (province.code, province.name) == ("370000", "山东省（测试）")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "province.rename"))
    assert event.before == {"name": "山东省"} and event.after == {"name": "山东省（测试）"}


def test_rename_unknown_province_is_404(client, db):
    _admin(client, db)
    assert client.get("/admin/provinces/999").status_code == 404


def test_create_exam_without_rules(client, db):
    province = create_province("370000")
    _admin(client, db)
    response = _post(
        client, "/admin/exams", province_id=str(province.id), code="SD2027CK",
        name="山东省2027年春季高考", year="2027", track="春季高考",
    )  # fmt: skip
    assert response.status_code == 302
    exam = db.session.scalar(select(Exam))
    assert (exam.code, exam.year, exam.track, exam.province_id) == (
        "SD2027CK", 2027, "春季高考", province.id,
    )  # fmt: skip
    assert exam.current_rules_version is None
    assert "待考试院上传" in client.get("/admin/exams").get_data(as_text=True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "exam.create"))
    assert event.exam_id == exam.id and event.after["province"] == "370000"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"code": "SD 2027"}, "考试代码只能用字母、数字和连字符"),
        ({"code": "EXISTING"}, "考试代码 EXISTING 已存在"),
        ({"code": "existing"}, "考试代码 existing 已存在"),
        ({"year": "1999"}, "年份应在 2000 至 2100 之间"),
        ({"year": "二〇二七"}, "请输入整数年份"),
        ({"name": "考"}, "考试名称应为 2 至 100 个字"),
        ({"province_id": ""}, "请选择省份"),
        ({"province_id": "99999"}, "请选择省份"),
    ],
)
def test_bad_exam_input_is_explained(client, db, fields, message):
    province = create_province("370000")
    create_exam(code="EXISTING")
    _admin(client, db)
    data = {"province_id": str(province.id), "code": "SD2027CK", "name": "山东省2027年春季高考",
            "year": "2027", "track": ""}  # fmt: skip
    data.update(fields)
    response = _post(client, "/admin/exams", **data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(Exam).where(Exam.code == "SD2027CK")) is None


def test_board_loads_rules_into_the_admins_exam(app, client, db, tmp_path):
    from tests.test_compute_support import SHANDONG, run, write_rules

    province = create_province("370000")
    _admin(client, db)
    _post(client, "/admin/exams", province_id=str(province.id), code="SD2026CK",
          name="山东省2026年春季高考", year="2026", track="春季高考")  # fmt: skip
    result = run(app, "exam", "load", str(write_rules(tmp_path, SHANDONG)))
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    exam = db.session.scalar(select(Exam))
    assert exam.current_rules_version == 1 and len(exam.components) == 5


@pytest.mark.parametrize("role", ["board", "university", "student"])
@pytest.mark.parametrize("path", ["/admin/provinces", "/admin/exams"])
def test_other_roles_get_403(client, db, role, path):
    province = create_province("370000")
    account = create_account(role)
    db.session.commit()
    login(client, account.username)
    assert client.get(path).status_code == 403
    token = csrf_token(client, f"/{role}/")  # the log-out form of the header carries one
    response = client.post(path, data={"code": "320000", "name": "江苏省", "csrf_token": token,
                                       "province_id": str(province.id), "year": "2027"})  # fmt: skip
    assert response.status_code == 403
    assert db.session.scalar(select(Province).where(Province.code == "320000")) is None


def test_forms_need_csrf(client, db):
    _admin(client, db)
    response = client.post("/admin/provinces", data={"code": "320000", "name": "江苏省"})
    assert response.status_code == 400
    assert db.session.scalar(select(Province)) is None


def test_exam_without_rules_is_not_offered_for_registration(client, db):
    province = create_province("370000")
    _admin(client, db)
    _post(client, "/admin/exams", province_id=str(province.id), code="SD2027CK",
          name="山东省2027年春季高考", year="2027", track="")  # fmt: skip
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    from flask import g

    g.pop("_login_user", None)  # the tests' app context outlives requests: forget its user
    html = client.get("/register").get_data(as_text=True)
    assert "山东省2027年春季高考" not in html
    create_exam(name="有类别的考试", status="registration_open")
    db.session.commit()
    assert "有类别的考试" in client.get("/register").get_data(as_text=True)

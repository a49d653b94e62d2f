"""Administrator pages for institutions: search, create, edit, all-or-nothing import, roles."""

import io

import pytest
from sqlalchemy import func, select

from admissions.models import AuditEvent, Institution
from tests.factories import create_account, create_institution, csrf_token, login


def _admin(client, db):
    admin = create_account("admin")
    db.session.commit()
    login(client, admin.username)
    return admin


def _post(client, path, **data):
    data["csrf_token"] = csrf_token(client, "/admin/institutions")
    return client.post(path, data=data)


def _upload(client, content: bytes, filename: str = "院校.csv"):
    token = csrf_token(client, "/admin/institutions")
    return client.post(
        "/admin/institutions/import",
        data={"file": (io.BytesIO(content), filename), "csrf_token": token},
        content_type="multipart/form-data",
    )


def _count(db) -> int:
    return db.session.scalar(select(func.count(Institution.id)))


def test_create_and_search(client, db):
    _admin(client, db)
    response = _post(client, "/admin/institutions", code="10001", name="山东职业学院", city="济南")
    assert response.status_code == 302
    create_institution(code="20002", name="淄博职业学院", city="淄博")
    db.session.commit()
    html = client.get("/admin/institutions?q=济南").get_data(as_text=True)
    assert "山东职业学院" in html and "淄博职业学院" not in html
    html = client.get("/admin/institutions?q=2000").get_data(as_text=True)
    assert "淄博职业学院" in html and "山东职业学院" not in html
    assert "没有找到院校「上海」" in client.get("/admin/institutions?q=上海").get_data(as_text=True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "institution.create"))
    assert event.after == {"code": "10001", "name": "山东职业学院", "city": "济南"}


@pytest.mark.parametrize(
    ("code", "name", "message"),
    [
        ("1001", "某学院", "院校代码应为 5 位数字"),
        ("1000A", "某学院", "院校代码应为 5 位数字"),
        ("", "某学院", "院校代码应为 5 位数字"),
        ("10001", "", "请输入院校名称"),
        ("99999", "某学院", "院校代码 99999 已存在"),
    ],
)
def test_bad_institution_input_is_explained(client, db, code, name, message):
    create_institution(code="99999")
    _admin(client, db)
    response = _post(client, "/admin/institutions", code=code, name=name, city="")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _count(db) == 1


def test_edit_changes_name_and_city_not_code(client, db):
    institution = create_institution(code="10001", name="旧名称学院", city="济南")
    _admin(client, db)
    path = f"/admin/institutions/{institution.id}"
    assert "旧名称学院" in client.get(path).get_data(as_text=True)
    response = _post(client, path, code="20002", name="新名称学院", city="青岛")
    assert response.status_code == 302
    db.session.expire_all()
    assert (institution.code, institution.name, institution.city) == ("10001", "新名称学院", "青岛")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "institution.update"))
    assert event.before == {"name": "旧名称学院", "city": "济南"}


def test_import_creates_updates_and_counts(client, db):
    create_institution(code="10001", name="旧名称学院", city="济南")
    create_institution(code="10002", name="不变学院", city="淄博")
    _admin(client, db)
    content = (
        "院校代码,院校名称,所在城市\n10001,新名称学院,济南\n10002,不变学院,淄博\n10003,新学院,\n"
    ).encode("gbk")
    response = _upload(client, content)
    assert response.status_code == 302
    html = client.get("/admin/institutions").get_data(as_text=True)
    assert "新增 1 所，更新 1 所，1 所没有变化" in html
    names = dict(db.session.execute(select(Institution.code, Institution.name)).all())
    assert names == {"10001": "新名称学院", "10002": "不变学院", "10003": "新学院"}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "institution.import"))
    assert event.after["inserted"] == 1 and event.after["updated"] == 1


def test_import_with_english_headers_and_xlsx(client, db):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["code", "name", "city"])
    sheet.append(["10001", "山东职业学院", "济南"])
    buffer = io.BytesIO()
    book.save(buffer)
    _admin(client, db)
    assert _upload(client, buffer.getvalue(), "inst.xlsx").status_code == 302
    assert _count(db) == 1


@pytest.mark.parametrize(
    ("content", "errors"),
    [
        (
            "code,name,city\n1001,甲学院,济南\n10002,乙学院,\n",
            ["院校.csv:2: code: 院校代码应为 5 位数字"],
        ),
        (
            "code,name,city\n10001,甲学院,\n10001,乙学院,\n",
            ["院校.csv:3: code: 院校代码 10001 重复（首次出现在第 2 行）"],
        ),
        ("code,name,town\n10001,甲学院,济南\n", ["院校.csv:1: town: 未知的列"]),
        ("code,city\n10001,济南\n", ["院校.csv:1: name: 缺少必填列"]),
        ("code,name\n10001,\n10002,乙\n", ["院校.csv:2: name: 必填，不能为空"]),
        ("code,name\n", ["院校.csv:1: 文件只有表头"]),
        (
            "code,name,city\n10001,甲学院," + "城" * 41 + "\n",
            ["院校.csv:2: city: 内容过长：41 个字符，最多 40 个"],
        ),
    ],
)
def test_import_errors_write_nothing_and_name_the_line(client, db, content, errors):
    _admin(client, db)
    response = _upload(client, content.encode("utf-8"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "未导入任何数据" in html
    for error in errors:
        file_line, column_message = error.split(": ", 1)
        line = file_line.split(":")[1]
        assert f'<td class="num">{line}</td>' in html
        for part in column_message.split(": "):
            assert part in html
    assert _count(db) == 0
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action == "institution.import"))
        is None
    )


def test_import_without_file_or_with_wrong_type(client, db):
    _admin(client, db)
    token = csrf_token(client, "/admin/institutions")
    response = client.post(
        "/admin/institutions/import", data={"csrf_token": token}, follow_redirects=True
    )
    assert "请选择要导入的文件" in response.get_data(as_text=True)
    response = client.post(
        "/admin/institutions/import",
        data={"file": (io.BytesIO(b"x"), "a.txt"), "csrf_token": token},
        content_type="multipart/form-data", follow_redirects=True,
    )  # fmt: skip
    assert "只接受 CSV 或 XLSX 文件" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["board", "university", "student"])
def test_other_roles_get_403(client, db, role):
    institution = create_institution(code="10001", name="原名学院")
    account = create_account(role)
    db.session.commit()
    login(client, account.username)
    token = csrf_token(client, f"/{role}/")
    before = _count(db)
    assert client.get("/admin/institutions").status_code == 403
    assert client.get(f"/admin/institutions/{institution.id}").status_code == 403
    response = client.post(
        f"/admin/institutions/{institution.id}", data={"name": "改名学院", "csrf_token": token}
    )
    assert response.status_code == 403
    response = client.post(
        "/admin/institutions/import",
        data={"file": (io.BytesIO(b"code,name\n20001,x\n"), "a.csv"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert institution.name == "原名学院" and _count(db) == before


def test_search_treats_percent_and_underscore_as_text(client, db):
    create_institution(code="10001", name="甲_学院")
    create_institution(code="10002", name="乙学院")
    _admin(client, db)
    html = client.get("/admin/institutions?q=_").get_data(as_text=True)
    assert "甲_学院" in html and "乙学院" not in html
    assert "没有找到院校「%」" in client.get("/admin/institutions?q=%25").get_data(as_text=True)


def test_institution_type_on_the_page_and_in_the_import(client, db):
    from admissions.models import Institution
    from admissions.services.admin import institutions as service
    from tests.board_factories import csv_bytes

    institution = service.create_institution(None, "10901", "泰山学院", "泰安", "应用型本科")
    assert institution.institution_type == "应用型本科"
    assert service.update_institution(None, institution, "泰山学院", "泰安", "其他")
    assert institution.institution_type == "其他"
    bad = csv_bytes([["code", "name", "institution_type"], ["10902", "某学院", "双一流"]])
    result = service.import_institutions(None, bad, "i.csv")
    assert [str(e) for e in result.errors] == [
        "i.csv:2: institution_type: 院校类型「双一流」应为 应用型本科、职业本科、高职专科、其他 之一"
    ]
    good = csv_bytes([["院校代码", "院校名称", "院校类型"], ["10902", "某学院", "职业本科"],
                      ["10901", "泰山学院", ""]])  # fmt: skip
    result = service.import_institutions(None, good, "i.csv")
    assert (result.inserted, result.updated, result.unchanged) == (1, 1, 0)
    types = dict(db.session.execute(select(Institution.code, Institution.institution_type)).all())
    assert types == {"10901": "其他", "10902": "职业本科"}

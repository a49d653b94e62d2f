"""Administrator pages for accounts: list/filter, create board/university staff, flags,
deactivate/reactivate, password reset shown once; refusals, audit and roles."""

import re

import pytest
from flask import g
from sqlalchemy import select

from admissions.models import Account, AuditEvent, Role
from admissions.services.admin import accounts as admin_accounts
from tests.factories import (
    PASSWORD,
    create_account,
    create_institution,
    create_province,
    csrf_token,
    login,
)


def _admin(client, db):
    admin = create_account("admin", username="root-admin")
    db.session.commit()
    login(client, admin.username)
    return admin


def _post(client, path, **data):
    data["csrf_token"] = csrf_token(client, "/admin/accounts/new")
    return client.post(path, data=data)


def _new(client, **fields):
    data = {"role": "board", "username": "sd-board", "display_name": "张老师",
            "password": "long-enough-1", "confirm": "long-enough-1"}  # fmt: skip
    data.update(fields)
    return _post(client, "/admin/accounts/new", **data)


def _account(db, username: str) -> Account | None:
    db.session.expire_all()
    return db.session.scalar(select(Account).where(Account.username == username))


def test_create_board_account_then_it_logs_in(client, db):
    province = create_province("370000")
    _admin(client, db)
    response = _new(client, province_id=str(province.id))
    assert response.status_code == 302
    account = _account(db, "sd-board")
    assert (account.role, account.province_id, account.display_name) == (
        Role.BOARD, province.id, "张老师",
    )  # fmt: skip
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "account.create", AuditEvent.object_id == account.id
        )
    )
    assert event.actor.username == "root-admin"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    assert login(client, "sd-board", "long-enough-1").headers["Location"] == "/board/"


def test_create_university_account_with_flags(client, db):
    institution = create_institution(code="10001")
    _admin(client, db)
    response = _new(
        client, role="university", username="u10001", institution_code="10001",
        can_see_full_id="y", is_institution_admin="y", province_id="",
    )  # fmt: skip
    assert response.status_code == 302
    account = _account(db, "u10001")
    assert account.institution_id == institution.id and account.province_id is None
    assert account.can_see_full_id and account.is_institution_admin


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"province_id": ""}, "考试院账号必须选择所属省份"),
        ({"province_id": "12345"}, "考试院账号必须选择所属省份"),
        ({"role": "university", "institution_code": ""}, "高校账号必须填写所属院校代码"),
        ({"role": "university", "institution_code": "1001"}, "院校代码应为 5 位数字"),
        ({"role": "university", "institution_code": "20002"}, "没有院校代码为 20002 的院校"),
        ({"role": "student"}, "请选择角色：考试院或高校"),
        ({"role": "nobody"}, "请选择角色：考试院或高校"),
        ({"username": "root-admin"}, "用户名「root-admin」已被使用"),
        ({"username": "ROOT-ADMIN"}, "用户名「root-admin」已被使用"),
        ({"username": "ab"}, "用户名为 3 至 60 个字符"),
        ({"username": "9user"}, "以字母开头"),
        ({"username": "张三"}, "以字母开头"),
        ({"username": "ks123"}, "留给考生账号"),
        ({"password": "short-1", "confirm": "short-1"}, "密码至少需要8个字符"),
        ({"confirm": "different-9"}, "两次输入的密码不一致"),
        ({"password": "", "confirm": ""}, "请设置密码"),
    ],
)
def test_bad_account_input_is_explained(client, db, fields, message):
    province = create_province("370000")
    create_institution(code="10001")
    _admin(client, db)
    fields.setdefault("province_id", str(province.id))
    response = _new(client, **fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _account(db, "sd-board") is None
    assert db.session.scalar(select(Account).where(Account.role != Role.ADMIN)) is None


def test_list_filters_and_never_shows_hashes(client, db):
    shandong, jiangsu = create_province("370000"), create_province("320000")
    institution = create_institution(code="10001")
    create_account("board", username="sd-board", province_id=shandong.id)
    create_account("board", username="js-board", province_id=jiangsu.id)
    create_account("university", username="u10001", institution_id=institution.id)
    admin = _admin(client, db)
    html = client.get("/admin/accounts").get_data(as_text=True)
    assert all(name in html for name in ("sd-board", "js-board", "u10001", "root-admin"))
    assert "scrypt" not in html and admin.password_hash not in html
    html = client.get(f"/admin/accounts?role=board&province_id={shandong.id}").get_data(
        as_text=True
    )
    assert "sd-board" in html and "js-board" not in html and "u10001" not in html
    html = client.get("/admin/accounts?institution=10001").get_data(as_text=True)
    assert "u10001" in html and "sd-board" not in html
    html = client.get("/admin/accounts?institution=99999").get_data(as_text=True)
    assert "没有院校代码为 99999 的院校" in html and "sd-board" not in html
    html = client.get("/admin/accounts?q=js").get_data(as_text=True)
    assert "js-board" in html and "sd-board" not in html


def _logout(client):
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    g.pop("_login_user", None)  # the tests' app context outlives requests: forget its user


def _login_admin(client):
    g.pop("_login_user", None)
    login(client, "root-admin")


def test_deactivated_account_cannot_log_in_until_reactivated(client, db):
    board = create_account("board", username="sd-board")
    _admin(client, db)
    response = _post(client, f"/admin/accounts/{board.id}/active", active="0")
    assert response.status_code == 302
    assert "账号已停用" in client.get(f"/admin/accounts/{board.id}").get_data(as_text=True)
    _logout(client)
    response = login(client, "sd-board", PASSWORD, follow=True)
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/board/").status_code == 302
    _login_admin(client)
    _post(client, f"/admin/accounts/{board.id}/active", active="1")
    _logout(client)
    assert login(client, "sd-board").headers["Location"] == "/board/"
    actions = db.session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.object_type == "account", AuditEvent.object_id == board.id
        )
    ).all()
    assert "account.deactivate" in actions and "account.reactivate" in actions


def test_deactivation_ends_an_open_session(client, db):
    admin = create_account("admin")
    board = create_account("board", username="sd-board")
    db.session.commit()
    login(client, "sd-board")
    assert client.get("/board/").status_code == 200
    admin_accounts.set_active(admin, board, False)
    db.session.commit()
    g.pop("_login_user", None)
    assert client.get("/board/").status_code == 302


def test_admin_cannot_deactivate_self(client, db):
    admin = _admin(client, db)
    response = _post(client, f"/admin/accounts/{admin.id}/active", active="0")
    assert "不能停用自己的账号" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _account(db, "root-admin").active


def test_bad_active_value_is_400(client, db):
    board = create_account("board")
    _admin(client, db)
    assert _post(client, f"/admin/accounts/{board.id}/active", active="maybe").status_code == 400
    assert _post(client, "/admin/accounts/9999/active", active="0").status_code == 404


def test_reset_password_is_shown_once_and_works(client, db):
    board = create_account("board", username="sd-board", can_see_full_id=True)
    _admin(client, db)
    response = _post(client, f"/admin/accounts/{board.id}/password")
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    temporary = re.search(r'<code id="temporary-password">([^<]+)</code>', html).group(1)
    assert len(temporary) == 12
    # the flags form under it shows the account's flags, not the (empty) reset request's
    assert '<input checked id="can_see_full_id"' in html
    assert temporary not in client.get(f"/admin/accounts/{board.id}").get_data(as_text=True)
    _logout(client)
    assert login(client, "sd-board", PASSWORD).status_code == 200  # old password refused
    assert login(client, "sd-board", temporary).headers["Location"] == "/board/"
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "account.password_reset")
    )
    assert event.object_id == board.id and temporary not in str(event.after)


def test_student_password_is_not_reset_here(client, db):
    student = create_account("student")
    _admin(client, db)
    html = client.get(f"/admin/accounts/{student.id}").get_data(as_text=True)
    assert "考生密码由考试院在核验身份后重置" in html and "重置密码</button>" not in html
    before = _account(db, student.username).password_hash
    response = _post(client, f"/admin/accounts/{student.id}/password")
    assert response.status_code == 302
    assert _account(db, student.username).password_hash == before


def test_update_flags_of_a_university_account(client, db):
    staff = create_account("university", username="u-staff")
    _admin(client, db)
    response = _post(
        client, f"/admin/accounts/{staff.id}", display_name="李老师", is_institution_admin="y"
    )
    assert response.status_code == 302
    account = _account(db, "u-staff")
    assert account.display_name == "李老师" and account.is_institution_admin
    assert not account.can_see_full_id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.update"))
    assert event.before["is_institution_admin"] is False and event.after["is_institution_admin"]


@pytest.mark.parametrize("role", ["board", "university", "student"])
def test_other_roles_get_403(client, db, role):
    target = create_account("board", username="target")
    account = create_account(role)
    db.session.commit()
    login(client, account.username)
    token = csrf_token(client, f"/{role}/")
    for path in ("/admin/accounts", "/admin/accounts/new", f"/admin/accounts/{target.id}"):
        assert client.get(path).status_code == 403
    for path, data in (
        (f"/admin/accounts/{target.id}/active", {"active": "0"}),
        (f"/admin/accounts/{target.id}/password", {}),
        ("/admin/accounts/new", {"role": "board", "username": "x-new", "password": "p" * 9}),
    ):
        assert client.post(path, data={**data, "csrf_token": token}).status_code == 403
    target = _account(db, "target")
    assert target.active and _account(db, "x-new") is None

"""Staff have a password-change page, and a temporary password set by an administrator must be
changed at the next login before anything else."""

import pytest
from sqlalchemy import select

from admissions.models import Account, AuditEvent, Role
from tests.factories import PASSWORD, create_account, create_province, csrf_token, login

NEW = "lantern-river-42"


def _change(client, current: str = PASSWORD, new: str = NEW, confirm: str | None = None):
    data = {"current": current, "new": new, "confirm": confirm or new,
            "csrf_token": csrf_token(client, "/account/password")}  # fmt: skip
    return client.post("/account/password", data=data)


@pytest.mark.parametrize("role", ["board", "university", "admin"])
def test_staff_change_their_own_password(client, db, role):
    account = create_account(role)
    db.session.commit()
    login(client, account.username)
    page = client.get("/account/password")
    assert page.status_code == 200 and "退出所有设备" in page.get_data(as_text=True)
    assert _change(client).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account/password")})
    assert "用户名或密码错误" in login(client, account.username).get_data(as_text=True)
    assert login(client, account.username, NEW).status_code == 302
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "password.change"))


def test_students_use_their_own_page(client, db):
    student = create_account(Role.STUDENT)
    db.session.commit()
    login(client, student.username)
    assert client.get("/account/password").status_code == 403
    assert client.get("/student/password").status_code == 200


@pytest.mark.parametrize(
    ("current", "new", "message"),
    [("wrong-pw-1", NEW, "当前密码不正确"), (PASSWORD, PASSWORD, "不能与当前密码相同"),
     (PASSWORD, "password1", "太容易被猜到")],
)  # fmt: skip
def test_bad_changes_are_refused_with_a_message(client, db, current, new, message):
    account = create_account(Role.BOARD)
    db.session.commit()
    login(client, account.username)
    response = _change(client, current, new)
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def _admin_creates(client, db) -> str:
    admin = create_account(Role.ADMIN)
    province = create_province()
    db.session.commit()
    login(client, admin.username)
    data = {"role": "board", "username": "sd-clerk", "province_id": str(province.id),
            "password": "given-by-admin-7", "confirm": "given-by-admin-7",
            "csrf_token": csrf_token(client, "/admin/accounts/new")}  # fmt: skip
    assert client.post("/admin/accounts/new", data=data).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    return "given-by-admin-7"


def test_a_password_chosen_by_the_administrator_must_be_changed_first(client, db):
    given = _admin_creates(client, db)
    assert login(client, "sd-clerk", given).status_code == 302
    for path in ("/board/", "/", "/board/exams/1"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/account/password"
    page = client.get("/account/password").get_data(as_text=True)
    assert "临时密码" in page
    assert _change(client, given).status_code == 302
    assert client.get("/board/").status_code == 200
    account = db.session.scalar(select(Account).where(Account.username == "sd-clerk"))
    db.session.refresh(account)
    assert account.must_change_password is False


def test_a_reset_password_must_be_changed_at_next_login(client, db):
    admin = create_account(Role.ADMIN)
    staff = create_account(Role.UNIVERSITY)
    db.session.commit()
    login(client, admin.username)
    token = csrf_token(client, f"/admin/accounts/{staff.id}")
    page = client.post(f"/admin/accounts/{staff.id}/password", data={"csrf_token": token})
    temporary = page.get_data(as_text=True).split('id="temporary-password">')[1].split("<")[0]
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login(client, staff.username, temporary)
    assert client.get("/university/").headers["Location"] == "/account/password"
    # Logging out is still possible while the change is pending.
    assert client.post("/logout", data={"csrf_token": csrf_token(client, "/account/password")})
    assert client.get("/university/").headers["Location"].startswith("/login")


def test_the_command_line_can_mark_a_password_temporary(app, client, db):
    create_province("370000")
    db.session.commit()
    result = app.test_cli_runner().invoke(
        args=["account", "create", "--role", "board", "--province", "37", "--temporary",
              "--password-stdin", "sd-2"], input="given-by-it-77\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    login(client, "sd-2", "given-by-it-77")
    assert client.get("/board/").headers["Location"] == "/account/password"

"""Logging in and out: credentials, students' identifiers, CSRF, rate limiting, audit, cookies."""

from sqlalchemy import select

from admissions.models import AuditEvent, Role
from tests.factories import PASSWORD, create_account, create_candidate, csrf_token, login


def _events(db, action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_wrong_password_is_refused_with_a_message_and_audited(client, db):
    account = create_account(Role.ADMIN)
    db.session.commit()
    response = login(client, account.username, "wrong-password")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302
    [event] = _events(db, "login.failure")
    assert event.object_id == account.id and event.actor_id is None
    assert event.ip == "127.0.0.1"


def test_unknown_user_is_refused_like_a_wrong_password(client, db):
    response = login(client, "nobody", "whatever-123")
    assert "用户名或密码错误" in response.get_data(as_text=True)
    [event] = _events(db, "login.failure")
    assert event.object_id is None and event.after == {"login": "nobody"}


def test_success_is_audited(client, db):
    account = create_account(Role.BOARD)
    db.session.commit()
    assert login(client, account.username).status_code == 302
    [event] = _events(db, "login.success")
    assert event.actor_id == account.id


def test_student_logs_in_with_candidate_number_or_id_number(client, db):
    candidate = create_candidate()
    create_account(Role.STUDENT, candidate_id=candidate.id, username="stu-1")
    db.session.commit()
    for identifier in (candidate.candidate_no, candidate.national_id.lower(), "stu-1"):
        response = login(client, identifier)
        assert response.headers["Location"] == "/student/", identifier
        client.post("/logout", data={"csrf_token": csrf_token(client, "/student/")})


def test_candidate_number_does_not_log_in_other_roles(client, db):
    candidate = create_candidate()
    create_account(Role.ADMIN, username="adm")
    db.session.commit()
    assert "用户名或密码错误" in login(client, candidate.candidate_no).get_data(as_text=True)


def test_inactive_account_cannot_log_in(client, db):
    account = create_account(Role.ADMIN, active=False)
    db.session.commit()
    assert "用户名或密码错误" in login(client, account.username).get_data(as_text=True)


def test_password_is_hashed_with_scrypt(db):
    account = create_account(Role.ADMIN)
    assert account.password_hash.startswith("scrypt:")
    assert PASSWORD not in account.password_hash


def test_an_unknown_login_is_checked_against_a_hash_as_costly_as_an_accounts(db):
    from admissions.services.accounts import _DUMMY_HASH, hash_password

    # the same method and scrypt parameters: an unknown name takes as long as a wrong password
    assert _DUMMY_HASH.split("$")[0] == hash_password("any-password").split("$")[0]


def test_short_password_is_refused(db):
    import pytest

    with pytest.raises(ValueError, match="密码至少需要8个字符"):
        create_account(Role.ADMIN, password="short")


def test_login_without_csrf_token_is_rejected(client, db):
    account = create_account(Role.ADMIN)
    db.session.commit()
    response = client.post("/login", data={"username": account.username, "password": PASSWORD})
    assert response.status_code == 400
    assert "安全令牌" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_logout_without_csrf_token_keeps_the_session(client, db):
    account = create_account(Role.ADMIN)
    db.session.commit()
    login(client, account.username)
    assert client.post("/logout").status_code == 400
    assert client.get("/admin/").status_code == 200


def test_logout_ends_the_session_and_is_audited(client, db):
    account = create_account(Role.ADMIN)
    db.session.commit()
    login(client, account.username)
    token = csrf_token(client, "/admin/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/admin/").status_code == 302
    assert len(_events(db, "logout")) == 1


def test_login_is_rate_limited(client, db):
    # The test configuration allows 5 login attempts per minute and address.
    statuses = [login(client, "nobody", "bad-password-1").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    page = client.get("/login")
    assert page.status_code == 200  # reading the form is not limited
    blocked = login(client, "nobody", "bad-password-1")
    assert blocked.status_code == 429
    assert "尝试次数过多" in blocked.get_data(as_text=True)


def test_next_parameter_only_follows_local_paths(client, db):
    account = create_account(Role.ADMIN)
    db.session.commit()
    token = csrf_token(client)
    data = {"username": account.username, "password": PASSWORD, "csrf_token": token}
    response = client.post("/login?next=https://evil.example/", data=data)
    assert response.headers["Location"] == "/admin/"


def test_next_parameter_returns_to_the_requested_page(client, db):
    account = create_account(Role.ADMIN)
    db.session.commit()
    token = csrf_token(client)
    data = {"username": account.username, "password": PASSWORD, "csrf_token": token}
    response = client.post("/login?next=/board/", data=data)
    assert response.headers["Location"] == "/board/"


def test_empty_form_shows_field_errors(client, db):
    token = csrf_token(client)
    response = client.post("/login", data={"username": "", "password": "", "csrf_token": token})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "请输入用户名" in html and "请输入密码" in html


def test_security_headers_and_cookie_flags(client, db):
    response = client.get("/login")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_cookies_are_secure_by_default(app, monkeypatch):
    from admissions.config import from_environment

    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    assert from_environment()["SESSION_COOKIE_SECURE"] is True


def test_account_creation_is_audited_without_the_password(db):
    account = create_account(Role.ADMIN)
    [event] = _events(db, "account.create")
    assert event.object_id == account.id
    assert event.after == {"username": account.username, "role": "admin"}
    assert PASSWORD not in str(event.after)


def test_wrong_passwords_from_other_addresses_do_not_lock_the_owner_out(client, db):
    account = create_account(Role.ADMIN)
    db.session.commit()
    statuses = []
    for n in range(20):  # 20 wrong passwords, each from its own address
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{n + 1}"
        statuses.append(login(client, account.username, "bad-password-1").status_code)
    assert statuses == [200] * 20  # each address's first try is answered
    # The account is now under backoff: the attackers' own pairs are refused...
    client.environ_base["REMOTE_ADDR"] = "10.0.0.3"
    assert login(client, account.username, "bad-password-2").status_code == 429
    assert login(client, account.username).status_code == 429  # no password oracle for them
    # ...while the owner, from a fresh address, gets in with the right password.
    client.environ_base["REMOTE_ADDR"] = "10.0.0.99"
    response = login(client, account.username)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_deactivating_an_account_ends_its_open_sessions(client, db):
    account = create_account(Role.ADMIN)
    db.session.commit()
    login(client, account.username)
    assert client.get("/admin/").status_code == 200
    account.active = False
    db.session.commit()
    assert client.get("/admin/").status_code == 302

"""Sessions end on the server: logout, password change or reset, deactivation, 退出所有设备,
idle time and the longest lifetime all make a copied session cookie stop working."""

import time
from datetime import timedelta

from sqlalchemy import select, update

from admissions.models import AuditEvent, LoginSession, Role, utcnow
from tests.factories import PASSWORD, create_account, create_candidate, csrf_token, login


def _cookie(client) -> str:
    return client.get_cookie("session").value


def _replay(app, cookie: str, path: str) -> int:
    """A fresh browser that presents a copied session cookie; the status of ``path``."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other.get(path).status_code


def _signed_in(app, account, path: str):
    client = app.test_client()
    assert login(client, account.username).status_code == 302
    assert client.get(path).status_code == 200
    return client


def test_a_copied_cookie_works_until_logout_then_never_again(app, client, db):
    account = create_account(Role.ADMIN)
    db.session.commit()
    login(client, account.username)
    copied = _cookie(client)
    assert _replay(app, copied, "/admin/") == 200  # the copy is as good as the original
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    assert client.get("/admin/").status_code == 302
    assert _replay(app, copied, "/admin/") == 302  # refused: sent to the login page
    row = db.session.scalar(select(LoginSession))
    assert row.ended_at is not None


def test_logging_out_on_one_device_keeps_the_others(app, db):
    account = create_account(Role.BOARD)
    db.session.commit()
    laptop = _signed_in(app, account, "/board/")
    phone = _signed_in(app, account, "/board/")
    laptop.post("/logout", data={"csrf_token": csrf_token(laptop, "/board/")})
    assert laptop.get("/board/").status_code == 302
    assert phone.get("/board/").status_code == 200


def test_logout_everywhere_ends_every_session_of_the_account(app, db):
    account = create_account(Role.UNIVERSITY)
    other = create_account(Role.UNIVERSITY)
    db.session.commit()
    laptop = _signed_in(app, account, "/university/")
    phone = _signed_in(app, account, "/university/")
    colleague = _signed_in(app, other, "/university/")
    token = csrf_token(laptop, "/account/password")
    response = laptop.post("/logout/all", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert laptop.get("/university/").status_code == 302
    assert phone.get("/university/").status_code == 302
    assert colleague.get("/university/").status_code == 200
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "logout.all" in actions
    assert login(phone, account.username).status_code == 302  # signing in again works


def test_logout_everywhere_needs_the_csrf_token(app, db):
    account = create_account(Role.ADMIN)
    db.session.commit()
    client = _signed_in(app, account, "/admin/")
    assert client.post("/logout/all").status_code == 400
    assert client.get("/admin/").status_code == 200


def test_own_password_change_ends_the_other_sessions_and_keeps_this_one(app, db):
    candidate = create_candidate()
    account = create_account(Role.STUDENT, candidate_id=candidate.id)
    db.session.commit()
    here = _signed_in(app, account, "/student/")
    elsewhere = _signed_in(app, account, "/student/")
    copied = _cookie(here)
    data = {"current": PASSWORD, "new": "lantern-river-42", "confirm": "lantern-river-42",
            "csrf_token": csrf_token(here, "/student/password")}  # fmt: skip
    assert here.post("/student/password", data=data).status_code == 302
    assert here.get("/student/").status_code == 200
    assert elsewhere.get("/student/").status_code == 302
    assert _replay(app, copied, "/student/") == 302  # the cookie from before the change


def test_an_administrators_reset_ends_the_staff_members_sessions(app, db):
    admin = create_account(Role.ADMIN)
    staff = create_account(Role.BOARD)
    db.session.commit()
    staff_browser = _signed_in(app, staff, "/board/")
    admin_browser = _signed_in(app, admin, "/admin/")
    token = csrf_token(admin_browser, f"/admin/accounts/{staff.id}")
    reset = admin_browser.post(f"/admin/accounts/{staff.id}/password", data={"csrf_token": token})
    assert reset.status_code == 200
    assert staff_browser.get("/board/").status_code == 302


def test_a_board_reset_ends_the_students_sessions(app, db):
    candidate = create_candidate()
    student = create_account(Role.STUDENT, candidate_id=candidate.id)
    board = create_account(Role.BOARD, province_id=candidate.exam.province_id)
    db.session.commit()
    student_browser = _signed_in(app, student, "/student/")
    board_browser = _signed_in(app, board, "/board/")
    path = f"/board/candidates/{candidate.id}/password"
    data = {"reason": "本人持身份证到考试院办理", "csrf_token": csrf_token(board_browser, path)}
    assert board_browser.post(path, data=data).status_code == 200
    assert student_browser.get("/student/").status_code == 302


def test_deactivation_ends_sessions_and_reactivation_does_not_revive_them(app, db):
    admin = create_account(Role.ADMIN)
    staff = create_account(Role.BOARD)
    db.session.commit()
    staff_browser = _signed_in(app, staff, "/board/")
    copied = _cookie(staff_browser)
    admin_browser = _signed_in(app, admin, "/admin/")
    path = f"/admin/accounts/{staff.id}/active"
    for active in ("0", "1"):
        token = csrf_token(admin_browser, f"/admin/accounts/{staff.id}")
        admin_browser.post(path, data={"active": active, "csrf_token": token})
    assert _replay(app, copied, "/board/") == 302
    assert login(app.test_client(), staff.username).status_code == 302  # may sign in anew


def _age_last_seen(client, seconds: int) -> None:
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - seconds


def test_staff_sessions_end_after_eight_idle_hours(app, db):
    account = create_account(Role.BOARD)
    db.session.commit()
    client = _signed_in(app, account, "/board/")
    _age_last_seen(client, 7 * 3600)
    assert client.get("/board/").status_code == 200  # seven hours idle: still signed in
    _age_last_seen(client, 8 * 3600 + 60)
    assert client.get("/board/").status_code == 302


def test_student_sessions_end_after_two_idle_hours(app, db):
    account = create_account(Role.STUDENT)
    db.session.commit()
    client = _signed_in(app, account, "/student/")
    _age_last_seen(client, 2 * 3600 + 60)
    assert client.get("/student/").status_code == 302


def test_a_session_ends_at_its_longest_lifetime_even_when_used(app, db):
    account = create_account(Role.ADMIN)
    db.session.commit()
    client = _signed_in(app, account, "/admin/")
    row = db.session.scalar(select(LoginSession))
    assert row.expires_at - row.created_at == timedelta(hours=12)
    db.session.execute(update(LoginSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.get("/admin/").status_code == 302


def test_a_cookie_without_a_session_token_is_refused(app, client, db):
    account = create_account(Role.ADMIN)
    db.session.commit()
    login(client, account.username)
    with client.session_transaction() as session:
        session["_user_id"] = str(account.id)  # what a cookie looked like before sessions ended
    assert client.get("/admin/").status_code == 302


def _login_remember(client, username: str):
    data = {"username": username, "password": PASSWORD, "remember": "y",
            "csrf_token": csrf_token(client)}  # fmt: skip
    return client.post("/login", data=data)


def test_remember_me_keeps_a_student_for_days_and_logout_still_ends_it(app, client, db):
    account = create_account(Role.STUDENT)
    db.session.commit()
    response = _login_remember(client, account.username)
    assert "Expires=" in response.headers["Set-Cookie"]  # outlives the browser
    row = db.session.scalar(select(LoginSession))
    assert row.remember and row.expires_at - row.created_at == timedelta(days=14)
    _age_last_seen(client, 3 * 24 * 3600)
    assert client.get("/student/").status_code == 200  # three days later, still signed in
    copied = _cookie(client)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/student/")})
    assert _replay(app, copied, "/student/") == 302


def test_remember_me_is_ignored_for_staff(client, db):
    account = create_account(Role.BOARD)
    db.session.commit()
    response = _login_remember(client, account.username)
    assert "Expires=" not in response.headers["Set-Cookie"]
    row = db.session.scalar(select(LoginSession))
    assert not row.remember and row.idle_minutes == 8 * 60


def test_only_the_hash_of_the_session_token_is_stored(client, db):
    account = create_account(Role.ADMIN)
    db.session.commit()
    login(client, account.username)
    with client.session_transaction() as session:
        token = session["_user_id"].split(":", 1)[1]
    row = db.session.scalar(select(LoginSession))
    assert token and row.token_hash != token and len(row.token_hash) == 64

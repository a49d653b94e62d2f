"""The board's password reset of a student: shown once, audited, own exams only, forced change."""

import re

from sqlalchemy import select
from werkzeug.security import check_password_hash

from admissions.models import Account, AuditEvent, Role
from tests.factories import (
    PASSWORD,
    create_account,
    create_candidate,
    create_exam,
    csrf_token,
    login,
)
from tests.student_factories import create_student

TEMPORARY = re.compile(r"<code>([a-z2-9]{10})</code>")


def _board_and_student(db, province="370000"):
    exam = create_exam(province)
    student = create_student(exam, name="张小青")
    board = create_account(Role.BOARD, province_id=exam.province_id)
    db.session.commit()
    return board, student


def _reset(client, student, reason="本人持身份证到考试院办理"):
    path = f"/board/candidates/{student.id}/password"
    return client.post(path, data={"reason": reason, "csrf_token": csrf_token(client, path)})


def _account(db, student):
    return db.session.scalar(select(Account).where(Account.candidate_id == student.id))


def test_reset_shows_a_temporary_password_once_and_audits(client, db):
    board, student = _board_and_student(db)
    login(client, board.username)
    search = client.get(f"/board/exams/{student.exam_id}/candidates?q={student.candidate_no}")
    assert f"/board/candidates/{student.id}/password" in search.get_data(as_text=True)
    page = client.get(f"/board/candidates/{student.id}/password").get_data(as_text=True)
    assert "张小青" in page and student.national_id not in page
    response = _reset(client, student)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = TEMPORARY.search(response.get_data(as_text=True)).group(1)
    account = _account(db, student)
    db.session.refresh(account)
    assert check_password_hash(account.password_hash, password)
    assert not check_password_hash(account.password_hash, PASSWORD)
    assert account.must_change_password
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "password.reset"))
    assert event.actor_id == board.id and event.reason == "本人持身份证到考试院办理"
    assert password not in str(event.after) + str(event.before) + event.reason
    again = client.get(f"/board/candidates/{student.id}/password").get_data(as_text=True)
    assert password not in again


def test_reset_needs_a_reason_and_a_csrf_token(client, db):
    board, student = _board_and_student(db)
    login(client, board.username)
    response = _reset(client, student, reason="  ")
    assert response.status_code == 400 and "请填写重置原因" in response.get_data(as_text=True)
    no_csrf = client.post(f"/board/candidates/{student.id}/password", data={"reason": "x"})
    assert no_csrf.status_code == 400
    assert not _account(db, student).must_change_password
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action == "password.reset")) is None
    )


def test_only_the_candidates_exam_board_may_reset(client, db):
    _, student = _board_and_student(db, "370000")
    other_board = create_account(Role.BOARD, province_id=create_exam("320000").province_id)
    university = create_account(Role.UNIVERSITY)
    db.session.commit()
    path = f"/board/candidates/{student.id}/password"
    login(client, other_board.username)
    assert client.get(path).status_code == 403
    assert client.post(path, data={"reason": "x"}).status_code in (400, 403)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/board/")})
    login(client, university.username)
    assert client.get(path).status_code == 403
    assert client.get("/board/candidates/999999/password").status_code in (403, 404)
    assert not _account(db, student).must_change_password


def test_candidate_without_an_account_is_told_so(client, db):
    exam = create_exam()
    candidate = create_candidate(exam)
    board = create_account(Role.BOARD, province_id=exam.province_id)
    db.session.commit()
    login(client, board.username)
    page = client.get(f"/board/candidates/{candidate.id}/password").get_data(as_text=True)
    assert "该考生没有登录账号" in page
    assert _reset(client, candidate).status_code == 200


def test_student_must_change_the_temporary_password_at_next_login(client, db):
    board, student = _board_and_student(db)
    login(client, board.username)
    password = TEMPORARY.search(_reset(client, student).get_data(as_text=True)).group(1)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/board/")})
    login(client, student.candidate_no, password)
    response = client.get("/student/scores")
    assert response.status_code == 302 and response.headers["Location"] == "/student/password"
    path = "/student/password"
    data = {"current": "wrong-password", "new": "my-own-pass-7", "confirm": "my-own-pass-7"}
    wrong = client.post(path, data={**data, "csrf_token": csrf_token(client, path)})
    assert wrong.status_code == 400 and "当前密码不正确" in wrong.get_data(as_text=True)
    same = {"current": password, "new": password, "confirm": password}
    response = client.post(path, data={**same, "csrf_token": csrf_token(client, path)})
    assert "新密码不能与当前密码相同" in response.get_data(as_text=True)
    mismatch = {"current": password, "new": "my-own-pass-7", "confirm": "my-own-pass-8"}
    response = client.post(path, data={**mismatch, "csrf_token": csrf_token(client, path)})
    assert "两次输入的新密码不一致" in response.get_data(as_text=True)
    data["current"] = password
    response = client.post(path, data={**data, "csrf_token": csrf_token(client, path)})
    assert response.status_code == 302 and response.headers["Location"] == "/student/"
    account = _account(db, student)
    db.session.refresh(account)
    assert not account.must_change_password
    assert check_password_hash(account.password_hash, "my-own-pass-7")
    assert client.get("/student/scores").status_code == 200
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert "password.change" in actions

"""Registration no longer tells anyone which ID numbers have registered, and the board can void a
registration made with another person's number (with a reason, audited)."""

from datetime import date

import pytest
from sqlalchemy import func, select

from admissions.models import (
    Account,
    ActivationCode,
    AuditEvent,
    Candidate,
    ComponentScore,
    LoginSession,
    Role,
)
from admissions.services.students.activation import issue_code
from tests.factories import PASSWORD, create_account, create_exam, csrf_token, login
from tests.student_factories import create_open_exam, create_student

BORN = date(2007, 3, 9)


def _register(client, exam, national_id, password=PASSWORD, name="李小红"):
    data = {
        "national_id": national_id, "name": name, "category_code": "IT",
        "candidate_type": "应届中职毕业生", "track": "三年制", "school": "", "major": "",
        "phone": "13800138000", "password": password, "confirm": password,
        "csrf_token": csrf_token(client, f"/register?exam={exam.id}"),
    }  # fmt: skip
    return client.post(f"/register?exam={exam.id}", data=data)


def test_a_taken_number_with_another_password_is_not_confirmed(client, db):
    exam = create_open_exam()
    first = create_student(exam)
    db.session.commit()
    response = _register(client, exam, first.national_id, "lantern-river-42", name="冒名者")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "未能完成报名" in html
    assert "已在本次考试报名" not in html and first.candidate_no not in html
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "registration.refused")
    )
    assert event.after == {
        "national_id": first.national_id[:6] + "********" + first.national_id[-4:]
    }


def test_the_holder_of_the_number_and_its_password_is_told_and_signed_in(client, db):
    exam = create_open_exam()
    first = create_student(exam)
    db.session.commit()
    response = _register(client, exam, first.national_id, PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/student/"
    page = client.get("/student/").get_data(as_text=True)
    assert "您已报名本次考试" in page
    assert db.session.scalar(select(func.count()).select_from(Candidate)) == 1


def _board_for(db, exam):
    board = create_account(Role.BOARD, province_id=exam.province_id)
    db.session.commit()
    return board


def _void(client, candidate_id: int, reason: str):
    path = f"/board/candidates/{candidate_id}/void"
    return client.post(path, data={"reason": reason, "csrf_token": csrf_token(client, path)})


def test_the_board_voids_a_registration_and_the_rightful_person_registers(app, client, db):
    exam = create_open_exam()
    impostor = create_student(exam, name="冒名者")
    number, impostor_id = impostor.national_id, impostor.id
    board = _board_for(db, exam)
    impostor_browser = app.test_client()
    login(impostor_browser, number)
    login(client, board.username)
    page = client.get(f"/board/candidates/{impostor_id}/void")
    assert page.status_code == 200 and "作废报名" in page.get_data(as_text=True)
    assert number not in page.get_data(as_text=True)  # masked
    response = _void(client, impostor_id, "经核验，该报名冒用他人身份证号")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Candidate, impostor_id) is None
    account = db.session.scalar(select(Account).where(Account.role == Role.STUDENT))
    assert account.active is False and account.candidate_id is None
    assert impostor_browser.get("/student/").status_code == 302  # signed out everywhere
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "registration.void"))
    assert event.reason == "经核验，该报名冒用他人身份证号" and event.actor_id == board.id
    assert number not in str(event.before) and event.before["name"] == "冒名者"
    rightful = app.test_client()
    assert _register(rightful, exam, number, "lantern-river-42").status_code == 302
    assert rightful.get("/student/").status_code == 200


def test_voiding_needs_a_reason(client, db):
    exam = create_open_exam()
    candidate = create_student(exam)
    board = _board_for(db, exam)
    login(client, board.username)
    response = _void(client, candidate.id, "  ")
    assert response.status_code == 400 and "请填写作废原因" in response.get_data(as_text=True)
    assert db.session.get(Candidate, candidate.id) is not None


def test_a_registration_with_scores_cannot_be_voided_here(client, db):
    exam = create_exam()
    candidate = create_student(exam)
    db.session.add(ComponentScore(candidate_id=candidate.id, component_id=exam.components[0].id))
    board = _board_for(db, exam)
    login(client, board.username)
    response = _void(client, candidate.id, "冒用身份证号")
    assert response.status_code == 400 and "不能在此作废" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Candidate, candidate.id) is not None


@pytest.mark.parametrize("role", ["student", "university", "other-board"])
def test_only_the_exams_board_may_void(client, db, role):
    exam = create_open_exam()
    candidate = create_student(exam)
    if role == "other-board":
        account = create_account(Role.BOARD, province_id=create_exam("320000").province_id)
    else:
        account = create_account(role)
    db.session.commit()
    login(client, account.username)
    assert client.get(f"/board/candidates/{candidate.id}/void").status_code == 403
    assert _void(client, candidate.id, "x").status_code == 403
    assert db.session.get(Candidate, candidate.id) is not None


def test_the_voided_accounts_sessions_are_ended_in_the_database(db, client):
    exam = create_open_exam()
    candidate = create_student(exam)
    board = _board_for(db, exam)
    login(client, candidate.candidate_no)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/student/")})
    login(client, board.username)
    _void(client, candidate.id, "冒用身份证号")
    live = select(func.count()).select_from(LoginSession).where(LoginSession.ended_at.is_(None))
    assert db.session.scalar(live) == 1  # the board's own session only


def test_a_candidate_given_activation_codes_can_still_be_voided(app, client, db):
    exam = create_open_exam()
    candidate = create_student(exam)
    board = _board_for(db, exam)
    code = issue_code(board, candidate)
    issue_code(board, candidate)  # a reissue: two rows, the first revoked
    db.session.commit()
    candidate_id, candidate_no, national_id = (
        candidate.id,
        candidate.candidate_no,
        candidate.national_id,
    )
    login(client, board.username)
    assert _void(client, candidate_id, "冒用身份证号").status_code == 302
    db.session.expire_all()
    assert db.session.get(Candidate, candidate_id) is None
    left = select(func.count()).select_from(ActivationCode)
    assert db.session.scalar(left) == 0  # the codes went with the registration
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "registration.void"))
    assert event.before["activation_codes"] == "2" and code not in str(event.before)
    stranger = app.test_client()
    page = stranger.post(
        "/activate",
        data={"candidate_no": candidate_no, "national_id": national_id, "code": code,
              "password": "lantern-river-42", "confirm": "lantern-river-42",
              "csrf_token": csrf_token(stranger, "/activate")},
    )  # fmt: skip
    assert page.status_code == 400  # the old code no longer opens anything
    assert db.session.scalar(select(func.count()).select_from(Account).where(Account.active)) == 1

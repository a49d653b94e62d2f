"""Registration: the form, ID checks, duplicates, the window, edits, the slip, login, resets."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from admissions import idcard
from admissions.models import Account, AuditEvent, Candidate, ExamStatus, Role, utcnow
from admissions.services.students import registration
from admissions.services.students.accounts import PasswordResetError, reset_student_password
from tests.factories import create_account, csrf_token, login, valid_national_id
from tests.student_factories import create_open_exam, create_student

NEW_PASSWORD = "my-secret-pw-1"


def _form(client, exam, **overrides):
    data = {
        "national_id": valid_national_id(born=date(2007, 3, 9)), "name": "李小红",
        "category_code": "IT", "candidate_type": "应届中职毕业生", "track": "三年制",
        "school": "济南信息工程学校",
        "major": "计算机应用", "phone": "13800138000", "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD, "csrf_token": csrf_token(client, f"/register?exam={exam.id}"),
    }  # fmt: skip
    data.update(overrides)
    return data


def _post(client, exam, **overrides):
    return client.post(f"/register?exam={exam.id}", data=_form(client, exam, **overrides))


def _count(db):
    return db.session.scalar(select(func.count()).select_from(Candidate))


def test_registration_creates_candidate_account_and_logs_in(client, db):
    exam = create_open_exam()
    db.session.commit()
    national_id = idcard.make("370102", date(2007, 3, 9), 124)  # even sequence: female
    response = _post(client, exam, national_id=national_id.lower())
    assert response.status_code == 302
    assert response.headers["Location"] == "/student/registered"
    candidate = db.session.scalar(select(Candidate))
    assert candidate.national_id == national_id
    assert candidate.gender == "F" and candidate.birth_date == date(2007, 3, 9)
    assert candidate.category_code == "IT" and candidate.phone == "13800138000"
    assert candidate.candidate_no.startswith(f"2637{exam.id % 100:02d}")
    page = client.get("/student/registered").get_data(as_text=True)
    assert candidate.candidate_no in page and "报名成功" in page
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"registration.create", "account.create"} <= actions


def test_candidate_numbers_are_sequential_within_an_exam(client, db):
    exam = create_open_exam()
    db.session.commit()
    first = _post(client, exam)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/student/")})
    second = _post(client, exam)
    assert first.status_code == second.status_code == 302
    numbers = sorted(db.session.scalars(select(Candidate.candidate_no)))
    assert int(numbers[1]) == int(numbers[0]) + 1


def test_the_slip_is_a_pdf_of_the_registration(client, db):
    exam = create_open_exam()
    db.session.commit()
    _post(client, exam)
    response = client.get("/student/registration/slip.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")


def _bad_ids():
    good = idcard.make("370102", date(2007, 3, 9), 123)
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    bad_date = idcard.make("370102", date(2007, 3, 9), 123)[:10] + "1340" + good[14:]
    return {
        "checksum": (wrong_check, "校验位错误"),
        "date": (bad_date, "出生日期无效"),
        "length": (good[:17], "应为18位"),
        "letters": ("37010220070309A12X", "前17位应为数字"),
    }


@pytest.mark.parametrize("case", ["checksum", "date", "length", "letters"])
def test_invalid_id_numbers_are_refused_with_the_reason(client, db, case):
    exam = create_open_exam()
    db.session.commit()
    number, message = _bad_ids()[case]
    response = _post(client, exam, national_id=number)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _count(db) == 0


def test_second_registration_of_an_id_is_refused_without_revealing_the_first(client, db):
    exam = create_open_exam()
    first = create_student(exam, name="赵大伟", phone="13900000000")
    db.session.commit()
    response = _post(client, exam, national_id=first.national_id, name="冒名者")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "未能完成报名" in page and "已在本次考试报名" not in page
    assert "赵大伟" not in page and first.candidate_no not in page and "13900000000" not in page
    assert _count(db) == 1


def test_registration_outside_the_window_is_refused(client, db):
    now = utcnow()
    closed = create_open_exam(registration_closes_at=now - timedelta(minutes=1))
    later = create_open_exam(registration_opens_at=now + timedelta(days=1))
    db.session.commit()
    for exam in (closed, later):
        response = client.get(f"/register?exam={exam.id}")
        assert response.status_code == 404
        assert "当前没有正在报名的考试" in response.get_data(as_text=True)
    with pytest.raises(registration.RegistrationError, match="不在报名时间内"):
        registration.register(closed, registration.RegistrationInput(
            valid_national_id(), "王五", "IT", "应届中职毕业生", "", "", "13800138000"), NEW_PASSWORD)  # fmt: skip


def test_unknown_category_and_bad_phone_are_refused(client, db):
    exam = create_open_exam()
    db.session.commit()
    assert _post(client, exam, category_code="NOPE").status_code == 400
    response = _post(client, exam, phone="12345")
    assert "请输入11位手机号码" in response.get_data(as_text=True)
    assert _count(db) == 0


@pytest.mark.parametrize("track", ["三二分段", "五年一贯制"])
def test_through_track_students_may_not_register(client, db, track):
    exam = create_open_exam()
    db.session.commit()
    response = _post(client, exam, track=track)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "三二分段、五年一贯制的学生按贯通培养方案转段升学，不能报名参加本考试" in page
    assert _count(db) == 0


def test_the_track_question_must_be_answered_and_the_service_refuses_through_tracks(client, db):
    exam = create_open_exam()
    db.session.commit()
    response = _post(client, exam, track="")
    assert response.status_code == 400 and "请选择就读学制" in response.get_data(as_text=True)
    assert _post(client, exam, track="forged").status_code == 400
    data = registration.RegistrationInput(
        valid_national_id(),
        "王五",
        "IT",
        "应届中职毕业生",
        "",
        "",
        "13800138000",
        track="五年一贯制",
    )
    with pytest.raises(registration.RegistrationError, match="不能报名参加本考试"):
        registration.register(exam, data, NEW_PASSWORD)
    assert _count(db) == 0


def test_post_without_csrf_token_is_refused(client, db):
    exam = create_open_exam()
    db.session.commit()
    data = _form(client, exam)
    del data["csrf_token"]
    response = client.post(f"/register?exam={exam.id}", data=data)
    assert response.status_code == 400
    assert _count(db) == 0


def test_one_open_exam_is_chosen_without_asking(client, db):
    exam = create_open_exam()
    db.session.commit()
    page = client.get("/register").get_data(as_text=True)
    assert exam.name in page and "身份证号" in page


def _edit(client, **fields):
    data = {"name": "李小红", "category_code": "MED", "candidate_type": "往届中职毕业生",
            "school": "新学校", "major": "护理", "phone": "13700000000"}  # fmt: skip
    data.update(fields, csrf_token=csrf_token(client, "/student/registration/edit"))
    return client.post("/student/registration/edit", data=data)


def test_edit_within_the_window_changes_category_and_is_audited(client, db):
    exam = create_open_exam()
    candidate = create_student(exam)
    db.session.commit()
    login(client, candidate.candidate_no)
    assert _edit(client).status_code == 302
    db.session.refresh(candidate)
    assert (candidate.category_code, candidate.school) == ("MED", "新学校")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "registration.update"))
    assert event.before["category_code"] == "IT" and event.after["category_code"] == "MED"


def test_category_is_locked_after_the_window(client, db):
    exam = create_open_exam()
    candidate = create_student(exam)
    db.session.commit()
    login(client, candidate.national_id)
    exam.status = ExamStatus.REGISTRATION_CLOSED
    db.session.commit()
    response = client.post(
        "/student/registration/edit",
        data={"category_code": "MED", "csrf_token": csrf_token(client, "/student/")},
    )
    assert response.status_code == 400
    assert "已锁定" in response.get_data(as_text=True)
    db.session.refresh(candidate)
    assert candidate.category_code == "IT"


def test_brute_force_login_is_rate_limited(client, db):
    candidate = create_student(create_open_exam())
    db.session.commit()
    statuses = [login(client, candidate.candidate_no, "wrong-pass").status_code for _ in range(6)]
    assert statuses[:5] == [200] * 5 and statuses[5] == 429


def test_board_resets_a_student_password_with_an_audit_event(db):
    candidate = create_student()
    board = create_account(Role.BOARD)
    account = reset_student_password(board, candidate, "new-password-9", "本人持身份证到现场办理")
    from werkzeug.security import check_password_hash

    assert check_password_hash(account.password_hash, "new-password-9")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "password.reset"))
    assert event.actor_id == board.id and event.object_id == account.id
    assert event.reason == "本人持身份证到现场办理"
    with pytest.raises(PasswordResetError, match="至少需要8个字符"):
        reset_student_password(board, candidate, "short", "原因")
    with pytest.raises(PasswordResetError, match="重置原因"):
        reset_student_password(board, candidate, "long-enough-1", " ")
    assert db.session.scalar(select(func.count()).select_from(Account)) == 2

"""Objects are checked where they are loaded: nobody reaches another's data by changing an id."""

import pytest
from werkzeug.exceptions import Forbidden, NotFound

from admissions import access
from admissions.models import Role
from tests.factories import (
    create_account,
    create_candidate,
    create_exam,
    create_institution,
    create_plan_line,
    login,
)


@pytest.fixture
def two_students(db):
    exam = create_exam()
    mine = create_candidate(exam, name="张三")
    other = create_candidate(exam, name="李四")
    account = create_account(Role.STUDENT, candidate_id=mine.id)
    create_account(Role.STUDENT, candidate_id=other.id)
    db.session.commit()
    return account, mine, other


def test_student_sees_own_registration_with_masked_id(client, two_students):
    account, mine, _ = two_students
    login(client, account.username)
    response = client.get(f"/student/candidates/{mine.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "张三" in html
    assert mine.national_id not in html
    assert mine.national_id[:6] + "********" + mine.national_id[-4:] in html


def test_student_cannot_read_another_student_by_changing_the_id(client, two_students):
    account, _, other = two_students
    login(client, account.username)
    response = client.get(f"/student/candidates/{other.id}")
    assert response.status_code == 404
    assert "李四" not in response.get_data(as_text=True)
    assert client.get("/student/candidates/999999").status_code == 404


def test_student_cannot_change_another_student_by_posting(client, two_students):
    account, _, other = two_students
    login(client, account.username)
    # No write route accepts a candidate id from a student: posting one is refused outright.
    assert client.post(f"/student/candidates/{other.id}").status_code in (400, 405)


def test_other_roles_cannot_use_the_student_page(client, db):
    candidate = create_candidate()
    admin = create_account(Role.ADMIN)
    db.session.commit()
    login(client, admin.username)
    assert client.get(f"/student/candidates/{candidate.id}").status_code == 403


def test_board_reaches_only_its_province_exams(client, db):
    own = create_exam("370000")
    foreign = create_exam("320000")
    board = create_account(Role.BOARD, province_id=own.province_id)
    db.session.commit()
    login(client, board.username)
    assert client.get(f"/board/exams/{own.id}").status_code == 200
    assert client.get(f"/board/exams/{foreign.id}").status_code == 403
    assert client.get("/board/exams/999999").status_code == 404
    home = client.get("/board/").get_data(as_text=True)
    assert own.code in home and foreign.code not in home


def test_admin_reaches_every_exam(client, db):
    foreign = create_exam("320000")
    admin = create_account(Role.ADMIN)
    db.session.commit()
    login(client, admin.username)
    assert client.get(f"/board/exams/{foreign.id}").status_code == 200


def test_university_sees_only_its_own_plan_lines(client, db):
    exam = create_exam()
    own = create_plan_line(exam, program_name="软件技术")
    create_plan_line(exam, program_name="烹饪工艺与营养")
    staff = create_account(Role.UNIVERSITY, institution_id=own.institution_id)
    db.session.commit()
    login(client, staff.username)
    html = client.get("/university/").get_data(as_text=True)
    assert "软件技术" in html and "烹饪工艺与营养" not in html


def test_ownership_helpers_raise_404_or_403(db):
    exam = create_exam("370000")
    line = create_plan_line(exam)
    candidate = create_candidate(exam)
    other_board = create_account(Role.BOARD, province_id=create_exam("320000").province_id)
    other_staff = create_account(Role.UNIVERSITY, institution_id=create_institution().id)
    student = create_account(Role.STUDENT)
    with pytest.raises(Forbidden):
        access.get_exam_for_board(exam.id, other_board)
    with pytest.raises(Forbidden):
        access.get_candidate_for_board(candidate.id, other_board)
    with pytest.raises(Forbidden):
        access.get_plan_line_for_university(line.id, other_staff)
    with pytest.raises(NotFound):
        access.get_candidate_for_student(candidate.id, student)
    assert (
        access.get_candidate_for_student(student.candidate_id, student).id == student.candidate_id
    )
    with pytest.raises(NotFound):
        access.get_plan_line_for_university(999999, other_staff)

"""One password policy everywhere: common passwords, the person's ID number, birth date and
考生号 are refused by registration, password changes, resets and staff accounts."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from admissions.models import Account, Role
from admissions.services.admin.accounts import temporary_password as staff_temporary
from admissions.services.auth.passwords import (
    PasswordPolicyError,
    Person,
    check_password,
    password_problem,
    person_of,
)
from admissions.services.students.accounts import temporary_password as student_temporary
from tests.factories import (
    PASSWORD,
    create_account,
    create_candidate,
    create_province,
    csrf_token,
    login,
    valid_national_id,
)
from tests.student_factories import create_open_exam

BORN = date(2007, 3, 9)
NATIONAL_ID = "37010220070309001X"  # a made-up number; only its shape matters to the policy
PERSON = Person(national_id=NATIONAL_ID, birth_date=BORN, candidate_no="26370100001",
                username="ks12")  # fmt: skip


@pytest.mark.parametrize(
    "weak",
    ["12345678", "aaaaaaaa", "password", "password1", "qwertyuiop", "11111111", "abcd1234",
     "woaini1314", "iloveyou", "88888888", "zhongguo123"],
)  # fmt: skip
def test_common_and_patterned_passwords_are_refused(weak):
    assert "太容易被猜到" in password_problem(weak)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        (NATIONAL_ID, "身份证号"),
        (NATIONAL_ID.lower(), "身份证号"),
        ("my-" + NATIONAL_ID[-6:] + "-pw", "后六位"),
        ("xiaohong20070309", "出生日期"),
        ("hong-070309-ok", "出生日期"),
        ("09032007hongmei", "出生日期"),
        ("26370100001ab", "考生号"),
        ("ks12-lantern-river", "用户名"),
        ("short", "至少需要8个字符"),
        ("x" * 201, "最多200个字符"),
    ],
)
def test_the_persons_own_identifiers_are_refused(password, message):
    with pytest.raises(PasswordPolicyError, match=message):
        check_password(password, PERSON)


@pytest.mark.parametrize("good", [PASSWORD, "lantern-river-42", "Qilu#Spring&Tea9", "bai-he-7394"])
def test_passwords_hard_to_guess_are_accepted(good):
    assert check_password(good, PERSON) == good


@given(st.data())
def test_generated_temporary_passwords_always_pass_the_policy(data):
    maker = data.draw(st.sampled_from([staff_temporary, student_temporary]))
    assert password_problem(maker()) is None


def test_person_of_a_student_account_knows_the_registration(db):
    candidate = create_candidate(national_id=valid_national_id(born=BORN))
    account = create_account(Role.STUDENT, candidate_id=candidate.id)
    person = person_of(account)
    assert (person.national_id, person.birth_date, person.candidate_no) == (
        candidate.national_id, BORN, candidate.candidate_no,
    )  # fmt: skip
    assert person_of(create_account(Role.BOARD)).national_id == ""


def _register(client, exam, national_id, password):
    data = {
        "national_id": national_id, "name": "李小红", "category_code": "IT",
        "candidate_type": "应届中职毕业生", "track": "三年制", "school": "", "major": "",
        "phone": "13800138000", "password": password, "confirm": password,
        "csrf_token": csrf_token(client, f"/register?exam={exam.id}"),
    }  # fmt: skip
    return client.post(f"/register?exam={exam.id}", data=data)


@pytest.mark.parametrize("kind", ["12345678", "aaaaaaaa", "id", "birth"])
def test_registration_refuses_weak_passwords_at_the_password_field(client, db, kind):
    exam = create_open_exam()
    db.session.commit()
    national_id = valid_national_id(born=BORN)
    password = {"id": national_id, "birth": "hong20070309"}.get(kind, kind)
    response = _register(client, exam, national_id, password)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="password-error"' in html
    assert db.session.scalar(select(Account).where(Account.role == Role.STUDENT)) is None
    assert _register(client, exam, national_id, "lantern-river-42").status_code == 302


def test_student_password_change_refuses_the_id_number(client, db):
    candidate = create_candidate()
    account = create_account(Role.STUDENT, candidate_id=candidate.id)
    db.session.commit()
    login(client, account.username)
    new = candidate.national_id
    data = {"current": PASSWORD, "new": new, "confirm": new,
            "csrf_token": csrf_token(client, "/student/password")}  # fmt: skip
    response = client.post("/student/password", data=data)
    assert response.status_code == 400 and "不能包含身份证号" in response.get_data(as_text=True)


def test_admin_page_refuses_a_common_password_for_staff(client, db):
    admin = create_account(Role.ADMIN)
    province = create_province()
    db.session.commit()
    login(client, admin.username)
    data = {"role": "board", "username": "sd-clerk", "province_id": str(province.id),
            "password": "password1", "confirm": "password1",
            "csrf_token": csrf_token(client, "/admin/accounts/new")}  # fmt: skip
    response = client.post("/admin/accounts/new", data=data)
    assert response.status_code == 400 and "太容易被猜到" in response.get_data(as_text=True)
    assert db.session.scalar(select(Account).where(Account.username == "sd-clerk")) is None


def test_command_line_refuses_a_common_password(app, db):
    result = app.test_cli_runner().invoke(
        args=["account", "create-admin", "root", "--password-stdin"], input="12345678\n"
    )
    assert result.exit_code == 1 and "太容易被猜到" in result.output
    assert "Traceback" not in result.output

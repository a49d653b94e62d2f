"""Activation codes: issuing (board page, command line), the /activate page, its throttle."""

import csv
import io
import zipfile
from datetime import timedelta

from sqlalchemy import select

from admissions.models import Account, ActivationCode, AuditEvent, Role, utcnow
from admissions.services.students import activation
from tests.factories import create_account, create_candidate, create_exam, csrf_token, login
from tests.student_factories import create_student

GOOD_PASSWORD = "Qiu-tian-lu-7"


def _issue(db, exam, **scope):
    issued = activation.issue_codes(None, exam, **scope)
    db.session.commit()
    return {code.candidate_no: code for code in issued}


def _activate(client, candidate, code, password=GOOD_PASSWORD, confirm=None, **extra):
    data = {
        "candidate_no": candidate.candidate_no, "national_id": candidate.national_id,
        "code": code, "password": password, "confirm": confirm or password,
        "csrf_token": csrf_token(client, "/activate"),
    }  # fmt: skip
    data.update(extra)
    return client.post("/activate", data=data)


def test_codes_only_for_candidates_without_login_and_stored_hashed(db):
    exam = create_exam()
    imported = create_candidate(exam, school="济南职专")
    create_student(exam)  # registered online: has a login
    codes = _issue(db, exam)
    assert set(codes) == {imported.candidate_no}
    code = codes[imported.candidate_no].code
    stored = db.session.scalars(select(ActivationCode)).one()
    assert code not in stored.code_hash and stored.code_hash == activation.code_hash(code)
    assert len(activation.normalise(code)) == 12


def test_scope_by_category_and_school(db):
    exam = create_exam()
    from admissions.models import Category

    db.session.add(Category(exam_id=exam.id, code="MED", name="医药卫生类"))
    a = create_candidate(exam, school="甲校")
    b = create_candidate(exam, school="乙校")
    c = create_candidate(exam, school="甲校", category_code="MED")
    assert set(_issue(db, exam, school="甲校")) == {a.candidate_no, c.candidate_no}
    assert set(_issue(db, exam, category="MED")) == {c.candidate_no}
    assert set(_issue(db, exam)) == {a.candidate_no, b.candidate_no, c.candidate_no}


def test_activation_creates_login_signs_in_and_code_is_single_use(client, db):
    exam = create_exam()
    candidate = create_candidate(exam)
    code = _issue(db, exam)[candidate.candidate_no].code
    response = _activate(client, candidate, code.lower().replace("-", " "))
    assert response.status_code == 302 and response.headers["Location"].endswith("/student/")
    assert client.get("/student/").status_code == 200
    account = db.session.scalar(select(Account).where(Account.candidate_id == candidate.id))
    assert account.role == Role.STUDENT
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"activation.issue", "activation.done"} <= actions
    other = client.application.test_client()
    again = _activate(other, candidate, code)
    assert again.status_code == 400 and "激活码不正确" in again.get_data(as_text=True)
    assert login(other, candidate.candidate_no, GOOD_PASSWORD).status_code == 302


def test_reissue_invalidates_previous_code(client, db):
    exam = create_exam()
    candidate = create_candidate(exam)
    first = _issue(db, exam)[candidate.candidate_no].code
    second = _issue(db, exam)[candidate.candidate_no].code
    assert _activate(client, candidate, first).status_code == 400
    assert _activate(client, candidate, second).status_code == 302


def test_expired_code_refused(client, db):
    exam = create_exam()
    candidate = create_candidate(exam)
    code = activation.issue_codes(None, exam, now=utcnow() - timedelta(days=31))[0].code
    db.session.commit()
    assert _activate(client, candidate, code).status_code == 400


def test_wrong_data_gets_one_message_whatever_is_wrong(client, db):
    exam = create_exam()
    candidate = create_candidate(exam)
    other = create_candidate(exam)
    code = _issue(db, exam)[candidate.candidate_no].code
    pages = [
        _activate(client, candidate, "AAAA-BBBB-CCCC"),
        _activate(client, candidate, code, national_id=other.national_id),
        _activate(client, candidate, code, candidate_no="26370000000000"),
    ]
    texts = [p.get_data(as_text=True) for p in pages]
    assert all(p.status_code == 400 for p in pages)
    assert all(activation.WRONG_DATA in t for t in texts)
    failures = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "activation.failure")
    ).all()
    assert len(failures) == 3


def test_password_rules_and_confirmation_apply(client, db):
    exam = create_exam()
    candidate = create_candidate(exam)
    code = _issue(db, exam)[candidate.candidate_no].code
    weak = _activate(client, candidate, code, password="12345678")
    assert weak.status_code == 400 and "太容易被猜到" in weak.get_data(as_text=True)
    mismatch = _activate(client, candidate, code, confirm="something-else-1")
    assert mismatch.status_code == 400 and "两次输入的密码不一致" in mismatch.get_data(as_text=True)
    assert _activate(client, candidate, code).status_code == 302  # the code was not used up


def test_attempts_are_throttled_per_candidate_number(client, db):
    exam = create_exam()
    candidate = create_candidate(exam)
    code = _issue(db, exam)[candidate.candidate_no].code
    statuses = [_activate(client, candidate, "WRONG-CODE-000").status_code for _ in range(6)]
    assert statuses[:5] == [400] * 5 and statuses[5] == 429
    assert _activate(client, candidate, code).status_code == 429


def test_board_page_downloads_csv_and_school_sheets(client, db):
    exam = create_exam(name="山东省2026年春季高考")
    create_candidate(exam, school="甲校", name="张三")
    create_candidate(exam, school="乙校", name="李四")
    board = create_account(Role.BOARD, province_id=exam.province_id)
    db.session.commit()
    login(client, board.username)
    page = client.get(f"/board/exams/{exam.id}/activation-codes")
    assert page.status_code == 200 and "没有账号的考生" in page.get_data(as_text=True)
    token = csrf_token(client, f"/board/exams/{exam.id}/activation-codes")
    url = f"/board/exams/{exam.id}/activation-codes"
    got = client.post(url, data={"scope": "all", "format": "csv", "csrf_token": token})
    assert got.status_code == 200 and got.headers["Cache-Control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(got.data.decode("utf-8-sig"))))
    assert sorted(r["name"] for r in rows) == sorted(["张三", "李四"])
    assert list(rows[0]) == ["candidate_no", "name", "school", "code", "expires"]
    both = client.post(url, data={"scope": "all", "format": "pdf", "csrf_token": token})
    names = zipfile.ZipFile(io.BytesIO(both.data)).namelist()
    assert len(names) == 2 and all(n.endswith(".pdf") for n in names)
    one = client.post(url, data={"scope": "school", "school": "甲校", "format": "pdf",
                                 "csrf_token": token})  # fmt: skip
    assert one.data.startswith(b"%PDF")
    bad = client.post(url, data={"scope": "category", "category": "NOPE", "format": "csv",
                                 "csrf_token": token})  # fmt: skip
    assert bad.status_code == 400 and "请选择专业类别" in bad.get_data(as_text=True)


def test_board_of_another_province_is_refused(client, db):
    exam = create_exam()
    board = create_account(Role.BOARD, province_id=create_exam(province_code="320000").province_id)
    db.session.commit()
    login(client, board.username)
    assert client.get(f"/board/exams/{exam.id}/activation-codes").status_code == 403


def test_command_writes_the_codes_file(app, db, tmp_path):
    exam = create_exam(code="SD2026CK")
    candidate = create_candidate(exam, school="甲校")
    db.session.commit()
    out = tmp_path / "codes.csv"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["candidates", "activation-codes", "SD2026CK", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0]["candidate_no"] == candidate.candidate_no and rows[0]["school"] == "甲校"
    bad = runner.invoke(args=["candidates", "activation-codes", "SD2026CK", "--category", "X",
                              "-o", str(out)])  # fmt: skip
    assert bad.exit_code == 1 and "没有专业类别" in bad.output
    missing = runner.invoke(args=["candidates", "activation-codes", "NOPE", "-o", str(out)])
    assert missing.exit_code == 1

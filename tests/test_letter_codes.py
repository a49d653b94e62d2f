"""Verification codes stored on dispatches: set on admission, cleared on rejection, found by index."""

from sqlalchemy import select

from admissions.files.verification import verification_code
from admissions.models import Dispatch, DispatchStatus, Role, RunStatus
from admissions.services.rounds.close import close_round
from admissions.services.rounds.decisions import Decision, decide
from tests.factories import create_account, create_candidate, create_exam, create_plan_line
from tests.student_factories import create_run as create_published_run
from tests.student_factories import dispatch
from tests.university_factories import create_dispatch, create_run

SECRET = "test-secret-key-not-for-production"


def _expected(exam, candidate, line):
    key = f"{line.institution.code}-{line.program_code}"
    return verification_code(SECRET, exam.code, candidate.candidate_no, key)


def _published_dispatch(db):
    exam = create_exam()
    line = create_plan_line(exam, program_name="护理")
    candidate = create_candidate(exam, name="欧阳小明")
    run = create_run(exam, status=RunStatus.PUBLISHED)
    row = create_dispatch(run, candidate, line)
    staff = create_account(Role.UNIVERSITY, institution_id=line.institution_id)
    return exam, line, candidate, row, staff


def test_admission_stores_the_code_and_the_page_finds_it(client, db):
    exam, line, candidate, row, staff = _published_dispatch(db)
    assert row.verification_code is None
    decide(staff, line.institution_id, Decision(row.id, "admit"))
    db.session.commit()
    assert row.verification_code == _expected(exam, candidate, line)
    page = client.get(f"/verify/{row.verification_code}")
    assert page.status_code == 200 and "欧***" in page.get_data(as_text=True)


def test_code_of_a_later_rejected_candidate_no_longer_verifies(client, db):
    exam, line, candidate, row, staff = _published_dispatch(db)
    decide(staff, line.institution_id, Decision(row.id, "admit"))
    db.session.commit()
    code = row.verification_code
    decide(staff, line.institution_id, Decision(row.id, "reject", "考生放弃录取"))
    db.session.commit()
    assert row.verification_code is None
    response = client.get(f"/verify/{code}")
    assert response.status_code == 404 and "未找到" in response.get_data(as_text=True)


def test_tampered_codes_fail(client, db):
    exam, line, candidate, row, staff = _published_dispatch(db)
    decide(staff, line.institution_id, Decision(row.id, "admit"))
    db.session.commit()
    code = row.verification_code
    swapped = ("A" if code[0] != "A" else "B") + code[1:]
    for tampered in (swapped, code[:-1], code + "A", code[::-1], "' OR 1=1 --"):
        assert client.get(f"/verify/{tampered}").status_code == 404


def test_stored_code_of_a_dispatch_not_admitted_does_not_verify(client, db):
    exam, line, candidate, row, _ = _published_dispatch(db)
    row.verification_code = _expected(exam, candidate, line)  # e.g. a stale value
    db.session.commit()
    assert client.get(f"/verify/{row.verification_code}").status_code == 404


def test_closing_a_round_with_pending_admissions_stores_their_codes(db):
    exam = create_exam()
    line = create_plan_line(exam)
    candidate = create_candidate(exam)
    run = create_run(exam)
    row = create_dispatch(run, candidate, line)
    close_round(exam, exam.batches[0], admit_pending=True)
    db.session.refresh(row)
    assert row.status == DispatchStatus.ADMITTED
    assert row.verification_code == _expected(exam, candidate, line)


def test_rows_admitted_before_codes_were_stored_verify_then_backfill(app, client, db):
    exam = create_exam()
    line = create_plan_line(exam)
    candidate = create_candidate(exam, name="李雷")
    row = dispatch(create_published_run(exam, exam.batches[0]), candidate, line)
    db.session.commit()
    code = _expected(exam, candidate, line)
    assert row.verification_code is None
    assert client.get(f"/verify/{code}").status_code == 200
    result = app.test_cli_runner().invoke(args=["letters", "backfill-codes"])
    assert result.exit_code == 0 and "已为 1 条录取记录保存验证码" in result.output
    assert db.session.scalar(select(Dispatch.verification_code)) == code
    assert client.get(f"/verify/{code}").status_code == 200

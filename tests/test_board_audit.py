"""Audit log page: Chinese action names, filters (action, actor, candidate, dates), CSV download."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from admissions.audit_names import ACTION_NAMES, action_name
from admissions.models import AllocationRun, AuditEvent, Dispatch
from admissions.services import audit
from tests.board_factories import create_board_account, create_board_exam
from tests.factories import create_candidate, login


def _setup(db, client):
    exam = create_board_exam()
    account = create_board_account()
    first, second = create_candidate(exam), create_candidate(exam)
    audit.record(account, "score.correct", first, before={"chinese": "80"},
                 after={"chinese": "=1+1"}, reason="=HYPERLINK(1)", exam_id=exam.id)  # fmt: skip
    audit.record(None, "score.import", second, after={"chinese": "70"}, exam_id=exam.id)
    audit.record(account, "exam.custom_thing", exam, exam_id=exam.id)
    db.session.commit()
    login(client, account.username)
    return exam, account, first, second


def _admit(db, exam, account, candidate) -> None:
    """A saved run that dispatched ``candidate``, and the audit event of admitting them."""
    run = AllocationRun(exam_id=exam.id, batch_id=exam.batches[0].id, round_number=1)
    db.session.add(run)
    db.session.flush()
    dispatch = Dispatch(run_id=run.id, candidate_id=candidate.id)
    db.session.add(dispatch)
    db.session.flush()
    audit.record(account, "dispatch.admit", dispatch, exam_id=exam.id)


def test_actions_are_shown_by_chinese_name_with_the_code(client, db):
    exam, *_ = _setup(db, client)
    html = client.get(f"/board/exams/{exam.id}/audit").get_data(as_text=True)
    assert "<td>更正成绩</td>" in html and "score.correct" not in html.split("<tbody>")[1]
    assert '<option value="score.correct">更正成绩</option>' in html
    assert '<option value="exam.custom_thing">exam.custom_thing</option>' in html  # unnamed: raw


def test_every_recorded_action_code_has_a_name():
    codes = {"import.plans", "score.import", "scores.publish", "allocation.run", "round.close",
             "dispatch.admit", "dispatch.reject", "control_line.fix", "exam.rules_version"}  # fmt: skip
    assert codes <= set(ACTION_NAMES) and action_name("nope.x") == "nope.x"


def test_filter_by_candidate_number_includes_their_dispatches(client, db):
    exam, account, first, second = _setup(db, client)
    _admit(db, exam, account, second)
    db.session.commit()
    page = f"/board/exams/{exam.id}/audit?candidate_no={second.candidate_no}"
    html = client.get(page).get_data(as_text=True)
    assert (
        "导入成绩（考生）" in html and "<td>录取</td>" in html and "<td>更正成绩</td>" not in html
    )
    none = client.get(f"/board/exams/{exam.id}/audit?candidate_no=000").get_data(as_text=True)
    assert "没有符合条件的记录" in none


def test_date_range_backwards_is_explained(client, db):
    exam, *_ = _setup(db, client)
    today = datetime.now(UTC).date()
    url = f"/board/exams/{exam.id}/audit?since={today}&until={today - timedelta(days=2)}"
    assert "截止日期不能早于起始日期" in client.get(url).get_data(as_text=True)
    assert client.get(url.replace("/audit?", "/audit.csv?")).status_code == 400


def test_csv_download_follows_the_filter_and_neutralises_formulas(client, db):
    exam, account, *_ = _setup(db, client)
    response = client.get(f"/board/exams/{exam.id}/audit.csv?actor={account.username}")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [r["操作"] for r in rows] == ["exam.custom_thing", "更正成绩"]
    assert rows[1]["操作代码"] == "score.correct" and rows[1]["原因"] == "'=HYPERLINK(1)"
    assert rows[1]["修改后"] == '{"chinese": "=1+1"}' and rows[1]["操作人"] == account.username


def test_csv_is_for_the_exam_board_only(client, db):
    exam = create_board_exam("370000")
    other = create_board_account("320000")
    db.session.commit()
    login(client, other.username)
    assert client.get(f"/board/exams/{exam.id}/audit.csv").status_code == 403


def test_objects_are_named_not_numbered(client, db):
    exam, account, first, second = _setup(db, client)
    _admit(db, exam, account, second)
    db.session.add(
        AuditEvent(**audit.event_row(account, "job.retry", "job", 987654, exam_id=exam.id))
    )
    db.session.commit()
    body = client.get(f"/board/exams/{exam.id}/audit").get_data(as_text=True).split("<tbody>")[1]
    assert f"<td>考生 {first.candidate_no} {first.name}</td>" in body
    assert f"<td>投档记录 {second.candidate_no} {second.name}</td>" in body
    assert f"<td>考试 {exam.name}</td>" in body
    assert "<td>后台任务 #987654</td>" in body  # an object the page cannot name keeps its number
    assert f"#{first.id}<" not in body
    rows = list(csv.DictReader(io.StringIO(
        client.get(f"/board/exams/{exam.id}/audit.csv").data.decode("utf-8-sig")
    )))  # fmt: skip
    assert f"考生 {first.candidate_no} {first.name}" in [r["对象"] for r in rows]

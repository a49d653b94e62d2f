"""Score correction grid, per-candidate history, and the exam's audit log page."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from admissions.models import AuditEvent, ComponentScore
from admissions.services import audit
from admissions.services.imports.pipeline import import_file
from tests.board_factories import create_board_account, create_board_exam, csv_bytes
from tests.factories import create_candidate, csrf_token, login


def _setup(db, client):
    exam = create_board_exam()
    candidate = create_candidate(exam, name="张三")
    account = create_board_account()
    data = csv_bytes([["candidate_no", "chinese", "skill"], [candidate.candidate_no, "90", "200"]])
    assert import_file(exam, "scores", data, "s.csv", None, dry_run=False).ok
    db.session.commit()
    login(client, account.username)
    return exam, candidate, account


def _post(client, candidate, **fields):
    path = f"/board/candidates/{candidate.id}/scores"
    data = {"csrf_token": csrf_token(client, path), **fields}
    return client.post(path, data=data)


def _scores(db, candidate) -> dict[str, tuple]:
    db.session.expire_all()
    rows = db.session.scalars(
        select(ComponentScore).where(ComponentScore.candidate_id == candidate.id)
    )
    return {s.component.code: (s.value, s.grade) for s in rows}


def test_grid_shows_current_scores(client, db):
    _, candidate, _ = _setup(db, client)
    html = client.get(f"/board/candidates/{candidate.id}/scores").get_data(as_text=True)
    assert 'name="score-chinese" value="90"' in html and 'name="score-skill" value="200"' in html


def test_correction_is_saved_and_audited_with_before_after_who_why(client, db):
    _, candidate, account = _setup(db, client)
    response = _post(client, candidate, **{"score-chinese": "91.5", "score-skill": "200",
                                          "score-cert": "a", "reason": "复核更正"})  # fmt: skip
    assert response.status_code == 302
    assert _scores(db, candidate) == {
        "chinese": (Decimal("91.5"), None), "skill": (Decimal(200), None), "cert": (Decimal(45), "A"),
    }  # fmt: skip
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "score.correct"))
    assert event.before == {"chinese": "90", "cert": None}
    assert event.after == {"chinese": "91.5", "cert": "A"}
    assert (event.actor_id, event.reason) == (account.id, "复核更正")
    history = client.get(f"/board/candidates/{candidate.id}/history").get_data(as_text=True)
    assert "复核更正" in history and "import s.csv" in history and account.username in history


def test_reason_is_required_and_nothing_changes(client, db):
    _, candidate, _ = _setup(db, client)
    response = _post(
        client, candidate, **{"score-chinese": "50", "score-skill": "200", "reason": " "}
    )
    assert response.status_code == 422 and "请填写修改原因" in response.get_data(as_text=True)
    assert _scores(db, candidate)["chinese"] == (Decimal(90), None)


def test_invalid_scores_are_shown_per_field_and_nothing_changes(client, db):
    _, candidate, _ = _setup(db, client)
    response = _post(client, candidate, **{"score-chinese": "121", "score-skill": "-1",
                                          "score-cert": "F", "reason": "更正"})  # fmt: skip
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in ("「121」超过满分 120", "「-1」为负数", "等级「F」不在等级表中（A/B/C）"):
        assert message in html
    assert _scores(db, candidate)["chinese"] == (Decimal(90), None)


def test_blank_field_makes_the_score_absent(client, db):
    _, candidate, _ = _setup(db, client)
    _post(client, candidate, **{"score-chinese": "", "score-skill": "200", "reason": "缺考"})
    assert _scores(db, candidate)["chinese"] == (None, None)


def test_correction_without_csrf_is_refused(client, db):
    _, candidate, _ = _setup(db, client)
    response = client.post(f"/board/candidates/{candidate.id}/scores",
                           data={"score-chinese": "1", "reason": "x"})  # fmt: skip
    assert response.status_code == 400 and _scores(db, candidate)["chinese"] == (Decimal(90), None)


def test_other_province_cannot_see_or_correct_a_candidate(client, db):
    exam = create_board_exam("370000")
    candidate = create_candidate(exam)
    other = create_board_account("320000")
    db.session.commit()
    login(client, other.username)
    assert client.get(f"/board/candidates/{candidate.id}/scores").status_code == 403
    assert client.get(f"/board/candidates/{candidate.id}/history").status_code == 403
    assert client.post(f"/board/candidates/{candidate.id}/scores", data={}).status_code in (
        400,
        403,
    )


def test_candidate_search_by_number_and_name(client, db):
    exam, candidate, _ = _setup(db, client)
    html = client.get(f"/board/exams/{exam.id}/candidates?q={candidate.candidate_no}").get_data(
        as_text=True
    )
    assert "张三" in html and f"/board/candidates/{candidate.id}/scores" in html
    html = client.get(f"/board/exams/{exam.id}/candidates?q=李").get_data(as_text=True)
    assert "没有找到考生「李」" in html


def test_audit_log_filters_by_action_actor_and_date(client, db):
    exam, candidate, account = _setup(db, client)
    old = audit.record(account, "exam.note", exam, reason="旧记录", exam_id=exam.id)
    old.at = datetime.now(UTC) - timedelta(days=10)
    db.session.commit()
    page = f"/board/exams/{exam.id}/audit"
    assert "import s.csv" in client.get(page).get_data(as_text=True)
    only_notes = client.get(page + "?action=exam.note").get_data(as_text=True)
    assert "旧记录" in only_notes and "import s.csv" not in only_notes
    by_actor = client.get(page + f"?actor={account.username}").get_data(as_text=True)
    assert "旧记录" in by_actor and "import s.csv" not in by_actor  # the import ran from a script
    recent = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    html = client.get(page + f"?since={recent}").get_data(as_text=True)
    assert "旧记录" not in html and "import s.csv" in html
    bad = client.get(page + "?since=yesterday")
    assert bad.status_code == 200 and "日期格式应为 年-月-日" in bad.get_data(as_text=True)

"""Exam settings page and the lifecycle service: transitions, guards, registration window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from admissions.models import ExamStatus, Role, RoundStatus
from admissions.models.base import utcnow
from admissions.services.exam import lifecycle as exam_lifecycle
from admissions.services.scores.compute import compute_scores
from tests.factories import create_account, create_province, login
from tests.rounds_factories import batch_of, create_rounds_exam, create_scored
from tests.setup_helpers import actions, post, setup_exam_with_board, text

S = ExamStatus


def _page(exam) -> str:
    return f"/board/exams/{exam.id}/setup"


def _to(client, exam, target: ExamStatus, confirm: str = "yes"):
    """Post a status change, confirmed unless ``confirm`` is blank (then the page only asks)."""
    return post(client, _page(exam) + "/status", _page(exam), target=target.value, confirm=confirm)


def test_page_shows_only_the_allowed_next_steps(client, db):
    exam, _ = setup_exam_with_board(client)
    html = text(client.get(_page(exam)))
    assert "报名中" in html and "截止报名" in html
    assert "发布成绩" not in html and "开放志愿填报" not in html


def test_close_registration_audited(client, db):
    exam, board = setup_exam_with_board(client)
    response = _to(client, exam, S.REGISTRATION_CLOSED)
    assert response.status_code == 302
    db.session.refresh(exam)
    assert exam.status == S.REGISTRATION_CLOSED
    assert actions(exam)[-1] == "exam.status"


def test_a_status_change_first_shows_what_it_does(client, db):
    exam, _ = setup_exam_with_board(client)
    create_scored(exam, 80, 150)
    db.session.commit()
    asked = _to(client, exam, S.REGISTRATION_CLOSED, confirm="")
    page = text(asked)
    assert asked.status_code == 200 and "考试状态将由“报名中”变为“报名已截止”" in page
    assert "专业类别锁定" in page and 'name="target" value="registration_closed"' in page
    db.session.refresh(exam)
    assert exam.status == S.REGISTRATION_OPEN and "exam.status" not in actions(exam)


def test_a_refused_status_change_is_refused_before_any_confirmation(client, db):
    exam, _ = setup_exam_with_board(client, status=S.SCORING)
    response = _to(client, exam, S.SCORES_PUBLISHED, confirm="")
    assert response.status_code == 409 and 'name="confirm" value="yes"' not in text(response)


def test_cannot_close_registration_before_it_opens(client, db):
    exam, _ = setup_exam_with_board(client, registration_opens_at=utcnow() + timedelta(days=3))
    response = _to(client, exam, S.REGISTRATION_CLOSED)
    assert response.status_code == 409 and "报名尚未开始" in text(response)
    db.session.refresh(exam)
    assert exam.status == S.REGISTRATION_OPEN
    assert "exam.status" not in actions(exam)


def test_cannot_publish_before_scores_are_computed(client, db):
    exam, _ = setup_exam_with_board(client, status=S.SCORING)
    response = _to(client, exam, S.SCORES_PUBLISHED)
    assert response.status_code == 409 and "尚未按当前规则计算成绩" in text(response)
    db.session.refresh(exam)
    assert exam.status == S.SCORING and exam.scores_published_at is None


def test_publish_from_the_settings_page(client, db):
    exam, _ = setup_exam_with_board(client)
    create_scored(exam, 80, 150)
    compute_scores(exam)
    db.session.commit()
    assert _to(client, exam, S.SCORES_PUBLISHED).status_code == 302
    db.session.refresh(exam)
    assert exam.status == S.SCORES_PUBLISHED and exam.scores_published_at is not None
    assert actions(exam)[-1] == "scores.publish"


def test_cannot_open_preferences_before_publication(client, db):
    exam, _ = setup_exam_with_board(client, status=S.SCORING)
    response = _to(client, exam, S.PREFERENCES_OPEN)
    assert response.status_code == 409 and "成绩尚未发布，不能开放志愿填报" in text(response)


def test_open_preferences_needs_a_round_window(db):
    exam = create_rounds_exam()
    exam.status = S.SCORES_PUBLISHED
    with pytest.raises(exam_lifecycle.TransitionRefused, match="志愿填报时间"):
        exam_lifecycle.transition(exam, S.PREFERENCES_OPEN)
    batch_of(exam, "BK").round_rows[0].prefs_open_at = utcnow()
    exam_lifecycle.transition(exam, S.PREFERENCES_OPEN)
    assert exam.status == S.PREFERENCES_OPEN


def test_cannot_close_preferences_while_a_window_is_open(db):
    exam = create_rounds_exam()
    exam.status = S.PREFERENCES_OPEN
    first = batch_of(exam, "BK").round_rows[0]
    first.prefs_open_at = utcnow() - timedelta(hours=1)
    with pytest.raises(exam_lifecycle.TransitionRefused, match="仍在进行"):
        exam_lifecycle.transition(exam, S.PREFERENCES_CLOSED)
    first.prefs_close_at = utcnow() - timedelta(minutes=1)
    exam_lifecycle.transition(exam, S.PREFERENCES_CLOSED)
    assert exam.status == S.PREFERENCES_CLOSED


def test_cannot_finish_while_a_round_is_not_closed(db):
    exam = create_rounds_exam()
    exam.status = S.ALLOCATION
    exam.scores_published_at = utcnow()
    batch_of(exam, "BK").round_rows[0].status = RoundStatus.ALLOCATED
    with pytest.raises(exam_lifecycle.TransitionRefused, match="本科批第 1 轮尚未结束"):
        exam_lifecycle.transition(exam, S.FINISHED)
    batch_of(exam, "BK").round_rows[0].status = RoundStatus.CLOSED
    exam_lifecycle.transition(exam, S.FINISHED)
    assert exam.status == S.FINISHED and exam_lifecycle.next_steps(exam) == ()


def test_a_jump_not_in_the_table_is_refused(db):
    exam = create_rounds_exam()
    with pytest.raises(exam_lifecycle.TransitionRefused, match="不能直接变为“已结束”"):
        exam_lifecycle.transition(exam, S.FINISHED)


def test_reopen_registration_refused_once_scores_exist(db):
    exam = create_rounds_exam()
    create_scored(exam, 80, 150)
    exam.status = S.REGISTRATION_CLOSED
    with pytest.raises(exam_lifecycle.TransitionRefused, match="已有考生成绩"):
        exam_lifecycle.transition(exam, S.REGISTRATION_OPEN)


def test_start_scoring_needs_candidates(db):
    exam = create_rounds_exam()
    exam.status = S.REGISTRATION_CLOSED
    with pytest.raises(exam_lifecycle.TransitionRefused, match="还没有考生报名"):
        exam_lifecycle.transition(exam, S.SCORING)


def test_unknown_target_is_400(client, db):
    exam, _ = setup_exam_with_board(client)
    assert post(client, _page(exam) + "/status", _page(exam), target="bogus").status_code == 400


def test_registration_window_stored_utc_shown_beijing(client, db):
    exam, _ = setup_exam_with_board(client)
    response = post(
        client, _page(exam) + "/registration", _page(exam),
        opens="2026-03-01T09:00", closes="2026-03-20 17:30",
    )  # fmt: skip
    assert response.status_code == 302
    db.session.refresh(exam)
    assert exam.registration_opens_at == datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
    assert exam.registration_closes_at == datetime(2026, 3, 20, 9, 30, tzinfo=UTC)
    assert "2026-03-01 09:00（北京时间）" in text(client.get(_page(exam)))
    assert actions(exam)[-1] == "exam.registration_window"


@pytest.mark.parametrize(
    ("opens", "closes", "message"),
    [
        ("2026-03-20T09:00", "2026-03-01T09:00", "截止时间必须晚于报名开始时间"),
        ("2026-03-01T09:00", "2026-03-01T09:00", "截止时间必须晚于报名开始时间"),
        ("3月1日", "", "报名开始时间“3月1日”无法识别"),
        ("2026-02-30T09:00", "", "无法识别"),
    ],
)
def test_bad_registration_window(client, db, opens, closes, message):
    exam, _ = setup_exam_with_board(client)
    response = post(client, _page(exam) + "/registration", _page(exam), opens=opens, closes=closes)
    assert response.status_code == 422 and message in text(response)
    db.session.refresh(exam)
    assert exam.registration_opens_at is None
    assert "exam.registration_window" not in actions(exam)


def test_registration_window_locked_once_scoring(client, db):
    exam, _ = setup_exam_with_board(client, status=S.SCORING)
    response = post(client, _page(exam) + "/registration", _page(exam), opens="2026-03-01T09:00")
    assert response.status_code == 422 and "不能再修改报名时间" in text(response)


def test_post_without_csrf_is_refused(client, db):
    exam, _ = setup_exam_with_board(client)
    response = client.post(_page(exam) + "/status", data={"target": "registration_closed"})
    assert response.status_code == 400
    db.session.refresh(exam)
    assert exam.status == S.REGISTRATION_OPEN


def test_other_province_board_403(client, db):
    exam = create_rounds_exam()
    other = create_account(Role.BOARD, province_id=create_province("320000").id)
    db.session.commit()
    login(client, other.username)
    for path in ("", "/structure", "/rounds", "/versions", "/versions/1"):
        assert client.get(_page(exam) + path).status_code == 403
    status = client.post(_page(exam) + "/status", data={"target": "registration_closed"})
    assert status.status_code in (400, 403)
    db.session.refresh(exam)
    assert exam.status == S.REGISTRATION_OPEN


@pytest.mark.parametrize("role", [Role.STUDENT, Role.UNIVERSITY])
def test_other_roles_403(client, db, role):
    exam = create_rounds_exam()
    account = create_account(role)
    db.session.commit()
    login(client, account.username)
    for path in ("", "/structure", "/rounds", "/versions"):
        assert client.get(_page(exam) + path).status_code == 403


def test_anonymous_is_sent_to_login(client, db):
    exam = create_rounds_exam()
    db.session.commit()
    response = client.get(_page(exam) + "/rounds")
    assert response.status_code in (302, 401) and "/login" in response.headers.get(
        "Location", "/login"
    )


def test_missing_exam_404(client, db):
    admin = create_account(Role.ADMIN)
    db.session.commit()
    login(client, admin.username)
    assert client.get("/board/exams/999999/setup").status_code == 404


def test_exam_page_links_to_setup(client, db):
    exam, _ = setup_exam_with_board(client)
    assert _page(exam) in text(client.get(f"/board/exams/{exam.id}"))


@pytest.mark.parametrize(
    "path",
    [
        "/registration",
        "/batches/BK",
        "/categories",
        "/rounds/BK/1/times",
        "/rounds/BK/1/open",
        "/rounds/BK/1/close",
        "/rounds/BK/1/supplementary",
    ],
)
def test_every_setup_form_needs_the_csrf_token(client, db, path):
    exam, _ = setup_exam_with_board(client, scores_published_at=utcnow())
    before = actions(exam)
    data = {"opens": "2030-07-01T09:00", "code": "JX", "name": "机械类", "max_choices": "5"}
    assert client.post(_page(exam) + path, data=data).status_code == 400
    assert actions(exam) == before

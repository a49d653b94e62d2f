"""Rounds page: preference windows and deadlines, open/close now, the supplementary round."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from admissions.models import RoundStatus
from admissions.models.base import utcnow
from admissions.services.exam.state import window_open
from admissions.services.local_time import SHANGHAI
from admissions.services.rounds import windows as round_windows
from admissions.services.rounds.close import close_round
from admissions.services.rounds.run import run_allocation
from tests.rounds_factories import batch_of, create_line, create_scored, submit_flat
from tests.setup_helpers import actions, post, setup_exam_with_board, text


def _page(exam) -> str:
    return f"/board/exams/{exam.id}/setup/rounds"


def _act(client, exam, batch, number, what, **data):
    """Post an action as confirmed (its confirmation page is tested on its own)."""
    url = f"{_page(exam)}/{batch}/{number}/{what}"
    return post(client, url, _page(exam), **{"confirm": "yes", **data})


def _round(exam, batch="BK", number=1):
    from admissions.extensions import db

    db.session.expire_all()
    return round_windows.get_round(exam, batch, number)


def _published(client):
    return setup_exam_with_board(client, scores_published_at=utcnow())


def test_page_lists_every_round(client, db):
    exam, _ = setup_exam_with_board(client)
    html = text(client.get(_page(exam)))
    assert "本科批（BK）：共 2 轮" in html and "专科批（ZK）：共 1 轮" in html
    assert html.count("保存时间") == 3


def test_times_stored_utc_and_shown_in_beijing_time(client, db):
    exam, _ = setup_exam_with_board(client)
    response = _act(
        client, exam, "BK", 1, "times",
        opens="2030-07-01T09:00", closes="2030-07-03 18:00", deadline="2030-07-06T12:00",
    )  # fmt: skip
    assert response.status_code == 302
    r = _round(exam)
    assert r.prefs_open_at == datetime(2030, 7, 1, 1, 0, tzinfo=UTC)
    assert r.prefs_close_at == datetime(2030, 7, 3, 10, 0, tzinfo=UTC)
    assert r.decisions_deadline == datetime(2030, 7, 6, 4, 0, tzinfo=UTC)
    html = text(client.get(_page(exam)))
    assert "2030-07-01 09:00（北京时间）" in html and 'value="2030-07-03T18:00"' in html
    assert "未开始" in html
    assert actions(exam)[-1] == "round.times"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"opens": "2030-07-03T09:00", "closes": "2030-07-01T09:00"}, "截止时间必须晚于开始时间"),
        ({"opens": "2030-07-01T09:00", "closes": "2030-07-01T09:00"}, "截止时间必须晚于开始时间"),
        ({"closes": "2030-07-01T09:00"}, "请先填写志愿填报开始时间"),
        (
            {
                "opens": "2030-07-01T09:00",
                "closes": "2030-07-03T09:00",
                "deadline": "2030-07-02T09:00",
            },
            "院校审核截止时间必须晚于志愿填报截止时间",
        ),
        ({"opens": "明天上午"}, "志愿填报开始时间“明天上午”无法识别"),
        ({"opens": "2030-13-01T09:00"}, "无法识别"),
        (
            {"opens": "2030-07-01T09:00", "deadline": "07/06/2030"},
            "院校审核截止时间“07/06/2030”无法识别",
        ),
    ],
)
def test_bad_times(client, db, data, message):
    exam, _ = setup_exam_with_board(client)
    response = _act(client, exam, "BK", 1, "times", **data)
    assert response.status_code == 422 and message in text(response)
    assert _round(exam).prefs_open_at is None
    assert "round.times" not in actions(exam)


def test_a_window_opening_now_needs_published_scores(client, db):
    exam, _ = setup_exam_with_board(client)
    past = "2020-01-01T09:00"
    response = _act(client, exam, "BK", 1, "times", opens=past)
    assert response.status_code == 409 and "成绩尚未发布，不能开放志愿填报" in text(response)
    response = _act(client, exam, "BK", 1, "open")
    assert response.status_code == 409 and "成绩尚未发布" in text(response)
    assert not window_open(_round(exam))


def test_open_now_then_close_now(client, db):
    exam, _ = _published(client)
    assert _act(client, exam, "BK", 1, "open").status_code == 302
    r = _round(exam)
    assert window_open(r) and r.status == RoundStatus.OPEN
    assert "填报中" in text(client.get(_page(exam)))
    again = _act(client, exam, "BK", 1, "open")
    assert again.status_code == 409 and "已在进行中" in text(again)
    assert _act(client, exam, "BK", 1, "close").status_code == 302
    assert not window_open(_round(exam)) and _round(exam).prefs_close_at is not None
    assert "已截止" in text(client.get(_page(exam)))
    assert actions(exam)[-2:] == ["round.window_open", "round.window_close"]


def test_closing_and_opening_a_window_first_show_what_will_happen(client, db):
    exam, _ = _published(client)
    create_scored(exam, 100, 200)
    create_scored(exam, 90, 180)
    db_commit()
    first = _act(client, exam, "BK", 1, "open", confirm="")
    page = text(first)
    assert first.status_code == 200 and "2 名考生将可以填报和修改本科批第 1 轮志愿" in page
    assert 'name="confirm" value="yes"' in page and not window_open(_round(exam))
    assert _act(client, exam, "BK", 1, "open").status_code == 302 and window_open(_round(exam))
    first = _act(client, exam, "BK", 1, "close", confirm="")
    assert first.status_code == 200 and "2 名考生将无法再修改本科批第 1 轮志愿" in text(first)
    assert window_open(_round(exam)) and actions(exam)[-1] == "round.window_open"
    assert _act(client, exam, "BK", 1, "close").status_code == 302
    assert not window_open(_round(exam)) and actions(exam)[-1] == "round.window_close"
    again = _act(client, exam, "BK", 1, "open", confirm="")
    assert again.status_code == 200 and "重新开放志愿填报" in text(again)


def test_a_refused_window_change_says_so_before_any_confirmation(client, db):
    exam, _ = _published(client)
    response = _act(client, exam, "BK", 1, "close", confirm="")
    assert response.status_code == 409 and "没有在进行" in text(response)
    assert 'name="confirm" value="yes"' not in text(response)


def db_commit() -> None:
    from admissions.extensions import db

    db.session.commit()


def test_close_now_when_not_open_is_refused(client, db):
    exam, _ = _published(client)
    response = _act(client, exam, "BK", 1, "close")
    assert response.status_code == 409 and "没有在进行" in text(response)


def test_round_two_cannot_open_before_round_one_ends(client, db):
    exam, _ = _published(client)
    response = _act(client, exam, "BK", 2, "open")
    assert response.status_code == 409 and "第 1 轮尚未结束" in text(response)


def test_unknown_round_404(client, db):
    exam, _ = setup_exam_with_board(client)
    assert _act(client, exam, "BK", 3, "open").status_code == 404
    assert _act(client, exam, "XX", 1, "times").status_code == 404


def _closed_first_round(exam, seats=3):
    from admissions.extensions import db

    bk = batch_of(exam, "BK")
    line = create_line(exam, "BK", seats)
    for skill in (170, 160):
        submit_flat(create_scored(exam, 80, skill), bk, 1, [line])
    run_allocation(exam, bk, 1)
    close_round(exam, bk, admit_pending=True)
    db.session.commit()


def test_window_of_an_allocated_round_is_frozen(client, db):
    exam, _ = _published(client)
    bk = batch_of(exam, "BK")
    submit_flat(create_scored(exam, 80, 170), bk, 1, [create_line(exam, "BK", 1)])
    run_allocation(exam, bk, 1)
    db.session.commit()
    response = _act(client, exam, "BK", 1, "times", opens="2030-07-01T09:00")
    assert response.status_code == 409 and "本轮已投档" in text(response)
    deadline = _act(client, exam, "BK", 1, "times", deadline="2030-07-06T12:00")
    assert deadline.status_code == 302
    assert _round(exam).decisions_deadline == datetime(2030, 7, 6, 4, 0, tzinfo=UTC)


def test_supplementary_round_over_the_free_seats(client, db):
    exam, _ = _published(client)
    refused = _act(client, exam, "BK", 1, "supplementary")
    assert refused.status_code == 409 and "第 1 轮尚未结束" in text(refused)
    _closed_first_round(exam, seats=3)
    page = text(client.get(_page(exam)))
    assert "开放第 2 轮（征集志愿）：空余计划 1 个" in page
    assert "/BK/1/times" not in page and "/BK/2/times" in page
    closes = (utcnow() + timedelta(days=2)).astimezone(SHANGHAI)
    response = _act(
        client, exam, "BK", 1, "supplementary", closes=closes.strftime("%Y-%m-%dT%H:%M")
    )
    assert response.status_code == 302
    second = _round(exam, "BK", 2)
    assert window_open(second) and second.status == RoundStatus.OPEN
    assert actions(exam)[-2:] == ["round.times", "round.supplementary_open"]
    twice = _act(client, exam, "BK", 1, "supplementary")
    assert twice.status_code == 409 and "第 2 轮已经开放或已投档" in text(twice)


def test_supplementary_round_first_shows_what_it_opens_and_keeps_the_times(client, db):
    exam, _ = _published(client)
    _closed_first_round(exam, seats=3)
    create_scored(exam, 60, 100)  # never placed: may take part
    db.session.commit()
    closes = (utcnow() + timedelta(days=2)).astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")
    asked = _act(client, exam, "BK", 1, "supplementary", confirm="", closes=closes)
    page = text(asked)
    assert asked.status_code == 200 and "开放征集志愿：本科批 第 2 轮" in page
    assert "本科批第 2 轮（征集志愿）开放填报，空余计划 1 个" in page
    assert "尚未被录取的 1 名考生可以填报" in page
    assert f"至 {closes.replace('T', ' ')}（北京时间）" in page
    assert f'name="closes" value="{closes}"' in page and 'name="confirm" value="yes"' in page
    assert _round(exam, "BK", 2).prefs_open_at is None  # the first POST only asks
    done = _act(client, exam, "BK", 1, "supplementary", closes=closes)
    assert done.status_code == 302 and window_open(_round(exam, "BK", 2))


def test_supplementary_refusal_and_bad_time_come_before_any_confirmation(client, db):
    exam, _ = _published(client)
    refused = _act(client, exam, "BK", 1, "supplementary", confirm="")
    assert refused.status_code == 409 and 'name="confirm" value="yes"' not in text(refused)
    _closed_first_round(exam, seats=3)
    bad = _act(client, exam, "BK", 1, "supplementary", confirm="", closes="明天")
    assert bad.status_code == 422 and "志愿填报截止时间" in text(bad)


def test_supplementary_needs_free_seats(client, db):
    exam, _ = _published(client)
    _closed_first_round(exam, seats=1)
    response = _act(client, exam, "BK", 1, "supplementary")
    assert response.status_code == 409 and "已没有空余计划" in text(response)
    assert _round(exam, "BK", 2).prefs_open_at is None


def test_supplementary_beyond_the_rules_rounds(client, db):
    exam, _ = _published(client)
    _round(exam, "ZK", 1).status = RoundStatus.CLOSED
    db.session.commit()
    response = _act(client, exam, "ZK", 1, "supplementary")
    assert response.status_code == 409 and "规则文件规定专科批共 1 轮" in text(response)


def test_supplementary_replaces_a_window_planned_earlier(client, db):
    exam, _ = _published(client)
    second = _round(exam, "BK", 2)
    second.prefs_open_at = datetime(2020, 7, 8, 1, 0, tzinfo=UTC)
    second.prefs_close_at = datetime(2020, 7, 10, 10, 0, tzinfo=UTC)
    db.session.commit()
    _closed_first_round(exam, seats=3)
    assert "开放征集志愿" in text(client.get(_page(exam)))
    assert _act(client, exam, "BK", 1, "supplementary").status_code == 302
    second = _round(exam, "BK", 2)
    assert window_open(second) and second.prefs_close_at is None
    assert second.prefs_open_at > datetime(2025, 1, 1, tzinfo=UTC)


def test_open_now_refused_when_the_decisions_deadline_has_passed(client, db):
    exam, _ = _published(client)
    _round(exam).decisions_deadline = datetime(2020, 7, 6, 4, 0, tzinfo=UTC)
    db.session.commit()
    response = _act(client, exam, "BK", 1, "open")
    assert (
        response.status_code == 409
        and "院校审核截止时间 2020-07-06 12:00（北京时间） 已过" in text(response)
    )
    assert not window_open(_round(exam))

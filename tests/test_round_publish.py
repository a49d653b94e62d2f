"""Publishing a round's results (公布投档结果): students see their dispatch only afterwards."""

from __future__ import annotations

from sqlalchemy import select

from admissions.models import AllocationRun, AuditEvent, Role, RunStatus
from admissions.services.students.results import results_of
from tests.factories import create_account, create_province, csrf_token, login
from tests.rounds_factories import (
    batch_of,
    create_line,
    create_rounds_exam,
    create_scored,
    submit_flat,
)


def _ran(db, client):
    """An exam whose BK round 1 was run (saved, not published), logged in as its board."""
    exam = create_rounds_exam()
    bk = batch_of(exam, "BK")
    line = create_line(exam, "BK", 1)
    students = [create_scored(exam, 80, skill) for skill in (170, 160)]
    for candidate in students:
        submit_flat(candidate, bk, 1, [line])
    board = create_account(Role.BOARD, province_id=exam.province_id)
    db.session.commit()
    login(client, board.username)
    url = f"/board/exams/{exam.id}/rounds/BK/1"
    assert _post(client, url + "/run", url, confirm="yes").status_code == 302
    return exam, students, url


def _post(client, url, page, **data):
    return client.post(url, data={"csrf_token": csrf_token(client, page), **data})


def _run_status(db) -> RunStatus:
    db.session.expire_all()
    return db.session.scalar(select(AllocationRun.status).where(AllocationRun.dry_run.is_(False)))


def test_results_hidden_until_the_board_publishes(client, db):
    _, students, url = _ran(db, client)
    assert _run_status(db) == RunStatus.SUCCEEDED
    assert results_of(students[0]) == []
    page = client.get(url).get_data(as_text=True)
    assert "尚未公布" in page and "公布投档结果" in page

    asked = _post(client, url + "/publish", url)
    assert asked.status_code == 200 and "1 名已投档考生将看到自己的投档去向" in asked.get_data(
        as_text=True
    )
    assert _run_status(db) == RunStatus.SUCCEEDED  # the first POST only asks
    assert _post(client, url + "/publish", url, confirm="yes").status_code == 302
    assert _run_status(db) == RunStatus.PUBLISHED
    assert [r.dispatch.status.value for r in results_of(students[0])] == ["dispatched"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "round.publish"))
    assert event is not None and event.after["dispatched"] == 1

    again = _post(client, url + "/publish", url, confirm="yes")
    assert again.status_code == 409 and "已经公布" in again.get_data(as_text=True)
    # A published round is still the saved run: it cannot be run a second time.
    rerun = _post(client, url + "/run", url, confirm="yes")
    assert rerun.status_code == 409


def test_publish_before_any_run_is_refused(client, db):
    exam = create_rounds_exam()
    board = create_account(Role.BOARD, province_id=exam.province_id)
    db.session.commit()
    login(client, board.username)
    url = f"/board/exams/{exam.id}/rounds/BK/1"
    refused = _post(client, url + "/publish", url, confirm="yes")
    assert refused.status_code == 409 and "尚未正式投档" in refused.get_data(as_text=True)


def test_closing_the_round_publishes_it(client, db):
    _, students, url = _ran(db, client)
    asked = _post(client, url + "/close", url, admit_pending="yes")
    assert asked.status_code == 200 and "1 名待审核考生将全部录取" in asked.get_data(as_text=True)
    assert _run_status(db) == RunStatus.SUCCEEDED
    closed = _post(client, url + "/close", url, admit_pending="yes", confirm="yes")
    assert closed.status_code == 302
    assert _run_status(db) == RunStatus.PUBLISHED
    assert [r.dispatch.status.value for r in results_of(students[0])] == ["admitted"]


def test_other_board_and_missing_csrf_are_refused(client, db):
    exam, _, url = _ran(db, client)
    assert client.post(url + "/publish", data={"confirm": "yes"}).status_code == 400
    other = create_account(Role.BOARD, province_id=create_province("320000").id)
    db.session.commit()
    client.post("/logout", data={"csrf_token": csrf_token(client, url)})
    login(client, other.username)
    assert client.post(url + "/publish", data={"confirm": "yes"}).status_code in (400, 403)
    assert _run_status(db) == RunStatus.SUCCEEDED


def test_cli_round_publish(app, db, client):
    exam, _, _ = _ran(db, client)
    out = app.test_cli_runner().invoke(args=["round", "publish", exam.code, "BK", "--round", "1"])
    assert out.exit_code == 0 and "已公布" in out.output, out.output
    assert _run_status(db) == RunStatus.PUBLISHED
    again = app.test_cli_runner().invoke(args=["round", "publish", exam.code, "BK", "--round", "1"])
    assert again.exit_code == 1 and "已经公布" in again.output


def test_cli_window_close_lets_the_round_run(app, db):
    from datetime import UTC, datetime, timedelta

    from admissions.models import Round

    exam = create_rounds_exam()
    bk = batch_of(exam, "BK")
    line = create_line(exam, "BK", 1)
    submit_flat(create_scored(exam, 80, 170), bk, 1, [line])
    round_ = db.session.scalar(select(Round).where(Round.batch_id == bk.id, Round.number == 1))
    round_.prefs_open_at = datetime.now(UTC) - timedelta(days=1)
    round_.prefs_close_at = datetime.now(UTC) + timedelta(days=1)
    db.session.commit()
    cli = app.test_cli_runner()
    refused = cli.invoke(args=["allocate", exam.code, "BK", "--round", "1"])
    assert refused.exit_code == 1 and "志愿填报尚未截止" in refused.output
    closed = cli.invoke(args=["round", "window-close", exam.code, "BK", "--round", "1"])
    assert closed.exit_code == 0 and "已截止" in closed.output, closed.output
    again = cli.invoke(args=["round", "window-close", exam.code, "BK", "--round", "1"])
    assert again.exit_code == 1 and "无需关闭" in again.output
    assert cli.invoke(args=["allocate", exam.code, "BK", "--round", "1"]).exit_code == 0
    missing = cli.invoke(args=["round", "window-close", exam.code, "BK", "--round", "9"])
    assert missing.exit_code == 1 and "没有批次 BK 的第 9 轮" in missing.output


def test_closing_a_round_with_every_dispatch_decided_asks_first_with_the_counts(client, db):
    from admissions.models import Dispatch, RoundStatus
    from admissions.services.rounds.decisions import Decision, decide
    from admissions.services.rounds.windows import get_round

    exam, _, url = _ran(db, client)
    dispatch = db.session.scalar(select(Dispatch))
    decide(None, dispatch.institution_id, Decision(dispatch.id, "admit"), check_deadline=False)
    db.session.commit()
    asked = _post(client, url + "/close", url)
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "结束本轮：本科批 第 1 轮" in page
    assert "已录取 1 人、已退档 0 人，结论不再改变" in page and "待审核考生" not in page
    assert 'name="admit_pending"' not in page and 'name="confirm" value="yes"' in page
    assert get_round(exam, "BK", 1).status != RoundStatus.CLOSED  # the first POST only asks
    assert _post(client, url + "/close", url, confirm="yes").status_code == 302
    db.session.expire_all()
    assert get_round(exam, "BK", 1).status == RoundStatus.CLOSED

"""Two real runs, closes or publications of one round started together: exactly one is saved,
the other is refused with a message naming the first (threads on their own connections)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from admissions.models import AllocationRun, Dispatch, Exam, RunStatus
from admissions.services.rounds.build import RoundError
from admissions.services.rounds.close import close_round, publish_run
from admissions.services.rounds.run import find_batch, run_allocation
from scoring.allocation import allocate
from tests.rounds_factories import (
    batch_of,
    create_line,
    create_rounds_exam,
    create_scored,
    submit_flat,
)


@pytest.fixture
def season(db):
    exam = create_rounds_exam()
    bk = batch_of(exam, "BK")
    lines = [create_line(exam, "BK", 1), create_line(exam, "BK", 1)]
    for skill in (170, 160, 150):
        submit_flat(create_scored(exam, 80, skill), bk, 1, lines)
    db.session.commit()
    return exam


def _together(app, count: int, action) -> list[str]:
    """Run ``action(exam, batch)`` in COUNT threads at once; each commits or rolls back."""
    from admissions.extensions import db

    barrier, outcomes = threading.Barrier(count), []

    def one() -> None:
        with app.app_context():
            exam = db.session.scalar(select(Exam))
            batch = find_batch(exam, "BK")
            barrier.wait()
            try:
                action(exam, batch, barrier)
                db.session.commit()
                outcomes.append("saved")
            except RoundError as error:
                db.session.rollback()
                outcomes.append(str(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _saved_runs(db) -> list[AllocationRun]:
    db.session.expire_all()
    return list(db.session.scalars(select(AllocationRun).where(AllocationRun.dry_run.is_(False))))


def test_two_real_runs_started_together_save_exactly_one(app, db, season):
    def run(exam, batch, barrier):
        # both engines finish before either saves: the race is at the save
        def engine(inp):
            result = allocate(inp)
            barrier.wait()
            return result

        run_allocation(exam, batch, 1, engine=engine)

    outcomes = _together(app, 2, run)
    runs = _saved_runs(db)
    assert len(runs) == 1 and outcomes.count("saved") == 1
    refused = next(o for o in outcomes if o != "saved")
    assert f"第 1 轮已经投档（投档记录 #{runs[0].id}，由 命令行 于" in refused
    assert "不能重复投档" in refused
    dispatches = db.session.scalar(select(func.count(Dispatch.id)))
    assert dispatches == 2  # the saved run's, and none of the refused one's


def test_four_runs_at_once_still_save_one(app, db, season):
    outcomes = _together(app, 4, lambda exam, batch, _: run_allocation(exam, batch, 1))
    assert outcomes.count("saved") == 1 and len(_saved_runs(db)) == 1
    assert all("不能重复投档" in o for o in outcomes if o != "saved")


def test_the_database_refuses_a_second_saved_run_of_a_round(db, season):
    batch = batch_of(season, "BK")
    for dry in (True, True, False):
        db.session.add(AllocationRun(exam_id=season.id, batch_id=batch.id, round_number=1,
                                     dry_run=dry, status=RunStatus.SUCCEEDED))  # fmt: skip
    db.session.flush()
    db.session.add(AllocationRun(exam_id=season.id, batch_id=batch.id, round_number=1,
                                 status=RunStatus.SUCCEEDED))  # fmt: skip
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_two_closes_at_once_close_once(app, db, season):
    run_allocation(season, batch_of(season, "BK"), 1)
    db.session.commit()
    outcomes = _together(
        app, 2, lambda exam, batch, _: close_round(exam, batch, admit_pending=True)
    )
    assert outcomes.count("saved") == 1
    refused = next(o for o in outcomes if o != "saved")
    assert "第 1 轮已经结束（投档记录 #" in refused and "没有待结束的轮次" in refused


def test_two_publications_at_once_publish_once(app, db, season):
    run_allocation(season, batch_of(season, "BK"), 1)
    db.session.commit()

    def publish(exam, batch, _):
        publish_run(exam, batch, 1)
        time.sleep(0.05)  # hold the lock a moment: the other must wait, then see it published

    outcomes = _together(app, 2, publish)
    assert outcomes.count("saved") == 1
    refused = next(o for o in outcomes if o != "saved")
    assert "投档结果已经公布（投档记录 #" in refused
    assert [r.status for r in _saved_runs(db)] == [RunStatus.PUBLISHED]


def test_a_second_run_is_refused_naming_the_first_in_pages_cli_and_jobs(app, client, db):
    from admissions.models import Job, JobStatus
    from admissions.services.jobs import queue as jobs
    from tests.factories import csrf_token, login
    from tests.test_rounds_pages import _setup as rounds_setup

    exam, board, url = rounds_setup(db)
    login(client, board.username)
    client.post(url + "/run", data={"csrf_token": csrf_token(client, url), "confirm": "yes"})
    first = _saved_runs(db)[0]
    named = f"已经投档（投档记录 #{first.id}，由 {board.display_name or board.username} 于"
    again = client.post(
        url + "/run", data={"csrf_token": csrf_token(client, url), "confirm": "yes"}
    )
    assert again.status_code == 409 and named in again.get_data(as_text=True)
    command = app.test_cli_runner().invoke(args=["allocate", exam.code, "BK"])
    assert command.exit_code == 1 and named in command.output
    with app.test_request_context("/"):
        job = jobs.enqueue("round_run", {"batch_code": "BK", "number": 1}, actor=board,
                           exam_id=exam.id)  # fmt: skip
        db.session.commit()
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.FAILED and named in job.error
    assert len(_saved_runs(db)) == 1

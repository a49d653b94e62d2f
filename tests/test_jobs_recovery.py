"""Jobs that cannot end by themselves: a worker killed mid-job, Redis down when a job is queued,
a server stopping with a thread job running. Each ends failed with the reason on its page, and
重试 does the work again with the same result as an undisturbed run."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

from sqlalchemy import select

from admissions.models import AllocationRun, Dispatch, Job, JobStatus
from admissions.services.jobs import health
from admissions.services.rounds.run import find_batch, run_allocation
from admissions.worker import finish_thread_jobs, reap_once
from tests.factories import csrf_token, login
from tests.test_rounds_pages import _setup as rounds_setup

ROOT = Path(__file__).resolve().parent.parent
ARGS = {"batch_code": "BK", "number": 1}

# A worker process running one job, its engine slowed down so that it can be killed mid-run.
WORKER = textwrap.dedent("""
    import sys, time
    import scoring.allocation as allocation
    from admissions import create_app
    from admissions.worker import run_job
    from tests.conftest import app_config

    real = allocation.allocate  # the job imports the engine when it runs: it finds this one
    def slow(inp):
        time.sleep(120)
        return real(inp)
    allocation.allocate = slow
    app = create_app(app_config(sys.argv[1]) | {"JOBS_HEARTBEAT_SECONDS": 0.2})
    run_job(app, int(sys.argv[2]))
""")


def _queued_run(db, exam, board) -> Job:
    job = Job(kind="round_run", args=dict(ARGS), exam_id=exam.id, created_by_id=board.id)
    db.session.add(job)
    db.session.commit()
    return job


def _job(db, job_id: int) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


def _dispatches(db, run_id: int) -> list[tuple[int, int | None, str]]:
    rows = db.session.scalars(select(Dispatch).where(Dispatch.run_id == run_id))
    return sorted((d.candidate_id, d.plan_line_id, d.status.value) for d in rows)


def test_a_killed_worker_fails_its_job_in_time_and_a_retry_matches_an_undisturbed_run(
    app, db, database_uri, monkeypatch
):
    exam, board, _ = rounds_setup(db)
    undisturbed = run_allocation(exam, find_batch(exam, "BK"), 1, dry_run=True)
    expected = sorted(
        (d["candidate_id"], d["plan_line_id"], d["status"].value) for d in undisturbed.dispatches
    )
    db.session.rollback()
    job = _queued_run(db, exam, board)
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, database_uri, str(job.id)], cwd=ROOT, env=os.environ.copy()
    )
    try:
        deadline = time.monotonic() + 60
        while _job(db, job.id).status != JobStatus.RUNNING or _beats(db, job.id) < 2:
            assert time.monotonic() < deadline and worker.poll() is None, "the worker never ran"
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    killed = time.monotonic()
    monkeypatch.setitem(app.config, "JOBS_STALE_SECONDS", 2)
    while _job(db, job.id).status == JobStatus.RUNNING:
        assert time.monotonic() - killed < 10, "the stale job was not failed in time"
        reap_once(app)
        time.sleep(0.2)
    failed = _job(db, job.id)
    assert failed.status == JobStatus.FAILED and "2 秒没有心跳" in failed.error
    assert db.session.scalar(select(AllocationRun)) is None  # nothing of the killed run kept

    with app.test_request_context("/"):
        again = health.retry(failed, board)
        db.session.commit()  # the sync backend runs it here
    retried = _job(db, again.id)
    assert retried.status == JobStatus.SUCCEEDED, retried.error
    assert _dispatches(db, retried.result["run_id"]) == expected
    assert len(db.session.scalars(select(AllocationRun)).all()) == 1


_BEATS: dict[int, set] = {}


def _beats(db, job_id: int) -> int:
    """How many distinct heartbeats of the job were seen so far."""
    seen = _BEATS.setdefault(job_id, set())
    beat = _job(db, job_id).heartbeat_at
    if beat is not None:
        seen.add(beat)
    return len(seen)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # free again once closed: nothing listens there


def test_redis_unreachable_at_enqueue_fails_the_job_and_the_page_says_why(app, client, db,
                                                                          monkeypatch):  # fmt: skip
    exam, board, url = rounds_setup(db)
    monkeypatch.setitem(app.config, "JOBS_BACKEND", "rq")
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{_closed_port()}/0")
    login(client, board.username)
    done = client.post(url + "/run", data={"csrf_token": csrf_token(client, url), "confirm": "yes"})
    assert done.status_code == 302 and "/board/jobs/" in done.location
    job = db.session.scalar(select(Job))
    db.session.refresh(job)
    assert job.status == JobStatus.FAILED and "任务无法加入队列" in job.error
    html = client.get(done.location).get_data(as_text=True)
    assert "任务无法加入队列（ConnectionError" in html and "重试" in html
    assert db.session.scalar(select(AllocationRun)) is None
    # Redis back: 重试 runs it
    monkeypatch.setitem(app.config, "JOBS_BACKEND", "sync")
    page = done.location
    again = client.post(page + "/retry", data={"csrf_token": csrf_token(client, page)})
    assert again.status_code == 302 and again.location != page
    db.session.expire_all()
    assert db.session.scalar(select(Job).order_by(Job.id.desc())).status == JobStatus.SUCCEEDED
    jobs_page = client.get(f"/board/exams/{exam.id}/jobs").get_data(as_text=True)
    assert "正式投档" in jobs_page and "任务无法加入队列" in jobs_page


def test_only_a_failed_job_can_be_retried(app, client, db):
    exam, board, url = rounds_setup(db)
    login(client, board.username)
    done = client.post(url + "/run", data={"csrf_token": csrf_token(client, url), "confirm": "yes"})
    page = done.location
    again = client.post(page + "/retry", data={"csrf_token": csrf_token(client, page)})
    assert again.status_code == 302 and again.location.endswith(page.split("/board")[-1])
    assert "只有失败的任务可以重试" in client.get(page).get_data(as_text=True)
    assert len(db.session.scalars(select(Job)).all()) == 1


def test_a_job_queued_in_a_stopped_thread_process_is_failed_as_lost(app, db, monkeypatch):
    exam, board, _ = rounds_setup(db)
    job = _queued_run(db, exam, board)
    monkeypatch.setitem(app.config, "JOBS_BACKEND", "thread")
    monkeypatch.setitem(app.config, "JOBS_STALE_SECONDS", 0)
    time.sleep(0.05)
    assert reap_once(app) == 1
    assert "任务在排队时丢失" in _job(db, job.id).error


def test_a_graceful_stop_fails_the_thread_job_it_could_not_wait_for(app, db):
    from admissions import worker

    exam, board, _ = rounds_setup(db)
    job = _queued_run(db, exam, board)
    release = threading.Event()
    worker.THREAD_JOBS[job.id] = threading.Thread(target=release.wait, daemon=True)
    worker.THREAD_JOBS[job.id].start()
    try:
        assert finish_thread_jobs(app, timeout=0.2) == 1
    finally:
        release.set()
        worker.THREAD_JOBS.pop(job.id, None)
    assert "服务器停止时任务尚未完成" in _job(db, job.id).error


def test_recent_jobs_lists_show_only_their_own_side(app, client, db):
    from admissions.models import Role
    from tests.factories import create_account, create_institution, create_province

    exam, board, _ = rounds_setup(db)
    mine, theirs = create_institution(), create_institution()
    staff = create_account(Role.UNIVERSITY, institution_id=mine.id)
    for institution in (mine, theirs):
        db.session.add(Job(kind="letters", args={"run_id": 1}, exam_id=exam.id,
                           institution_id=institution.id, status=JobStatus.FAILED,
                           error=f"院校 {institution.code} 的任务"))  # fmt: skip
    _queued_run(db, exam, board)
    login(client, staff.username)
    html = client.get("/university/jobs").get_data(as_text=True)
    assert f"院校 {mine.code} 的任务" in html and f"院校 {theirs.code} 的任务" not in html
    other = create_account(Role.BOARD, province_id=create_province("320000").id)
    db.session.commit()
    stranger, owner = app.test_client(), app.test_client()
    login(stranger, other.username)
    assert stranger.get(f"/board/exams/{exam.id}/jobs").status_code == 403
    login(owner, board.username)
    board_html = owner.get(f"/board/exams/{exam.id}/jobs").get_data(as_text=True)
    assert "正式投档" in board_html and f"院校 {mine.code}" not in board_html

"""Background jobs: the backends (sync, thread, rq on the local Redis), progress kept in the
database while the work runs, all or nothing, the job pages and who may see them."""

from __future__ import annotations

import time
import uuid

import pytest
from sqlalchemy import func, select

from admissions.config import jobs_backend
from admissions.models import Institution, Job, JobStatus, Role
from admissions.services.jobs import queue as jobs
from admissions.services.jobs import registry
from tests.factories import create_account, create_exam, create_institution, create_province, login

STEPS = 4


def _work(job, progress):
    """A job that writes a row and reports progress; fails when its args ask for it."""
    from admissions.extensions import db

    progress(1, STEPS, "第一步")
    db.session.add(Institution(code=f"J{job.id}", name="任务学院"))
    db.session.flush()
    progress(2, STEPS, "第二步")
    with db.engine.connect() as other:  # what a page reload sees meanwhile
        seen = other.execute(select(Job.done, Job.message).where(Job.id == job.id)).one()
    if job.args.get("fail") == "expected":
        raise registry.JobFailed("数据有误，请修改后重试。", {"line": 3})
    if job.args.get("fail") == "bug":
        raise KeyError("oops")
    return {"seen": list(seen)}


@pytest.fixture
def board(db, monkeypatch):
    monkeypatch.setitem(registry.TASKS, "test_work", _work)
    exam = create_exam()
    account = create_account(Role.BOARD, province_id=exam.province_id)
    db.session.commit()
    return exam, account


def _enqueue(app, db, exam, account, **args) -> Job:
    with app.test_request_context("/"):
        job = jobs.enqueue("test_work", args, actor=account, exam_id=exam.id)
        db.session.commit()
    return job


def _reload(db, job: Job) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job.id)


def _institutions(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Institution.id)))


def test_sync_job_commits_its_work_and_its_success_together(app, db, board):
    job = _reload(db, _enqueue(app, db, *board))
    assert job.status == JobStatus.SUCCEEDED and job.started_at and job.finished_at
    assert (job.done, job.total, job.percent, job.message) == (STEPS, STEPS, 100, "全部完成")
    assert _institutions(db) == 1


def test_progress_is_visible_to_other_connections_while_the_work_runs(app, db, board):
    job = _reload(db, _enqueue(app, db, *board))
    if db.engine.dialect.name == "sqlite":
        # one writer at a time: progress after the work's first write is skipped, not waited for
        assert job.result["seen"] == [1, "第一步"]
    else:
        assert job.result["seen"] == [2, "第二步"]


def test_an_expected_failure_writes_nothing_and_keeps_the_message(app, db, board):
    job = _reload(db, _enqueue(app, db, *board, fail="expected"))
    assert job.status == JobStatus.FAILED and job.error == "数据有误，请修改后重试。"
    assert job.result == {"line": 3} and job.message == "失败，未写入任何数据"
    assert job.done >= 1 and job.total == STEPS  # the progress reached stays on record
    assert _institutions(db) == 0


def test_a_bug_fails_the_job_visibly_and_writes_nothing(app, db, board):
    job = _reload(db, _enqueue(app, db, *board, fail="bug"))
    assert job.status == JobStatus.FAILED and job.error.startswith("内部错误（KeyError")
    assert _institutions(db) == 0


def test_a_rolled_back_request_starts_no_job(app, db, board):
    exam, account = board
    with app.test_request_context("/"):
        jobs.enqueue("test_work", {}, actor=account, exam_id=exam.id)
        db.session.rollback()
        db.session.commit()
    assert _institutions(db) == 0 and db.session.scalar(select(func.count(Job.id))) == 0


def test_unknown_kind_and_backend_are_refused(app, db, board, monkeypatch):
    exam, account = board
    with pytest.raises(ValueError, match="未知的任务类型"):
        jobs.enqueue("nope", {}, actor=account, exam_id=exam.id)
    monkeypatch.setitem(app.config, "JOBS_BACKEND", "celery")
    with pytest.raises(ValueError, match="JOBS_BACKEND 必须是"):
        jobs.enqueue("test_work", {}, actor=account, exam_id=exam.id)


def test_thread_backend_runs_the_job_in_the_background(app, db, board, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_BACKEND", "thread")
    job = _enqueue(app, db, *board)
    deadline = time.monotonic() + 10
    while not _reload(db, job).finished and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _reload(db, job).status == JobStatus.SUCCEEDED and _institutions(db) == 1


def test_default_backend_is_thread_unless_redis_is_configured(monkeypatch):
    monkeypatch.delenv("JOBS_BACKEND", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert jobs_backend() == "thread"
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    assert jobs_backend() == "rq"
    monkeypatch.setenv("JOBS_BACKEND", "sync")
    assert jobs_backend() == "sync"


@pytest.fixture
def redis_queue(app, monkeypatch):
    """A private queue on the local Redis (skipped with the reason when Redis is down)."""
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisConnectionError

    url = "redis://127.0.0.1:6379/0"
    try:
        Redis.from_url(url, socket_connect_timeout=1).ping()
    except RedisConnectionError:
        pytest.skip(f"Redis is not running at {url}")
    monkeypatch.setitem(app.config, "JOBS_BACKEND", "rq")
    monkeypatch.setitem(app.config, "REDIS_URL", url)
    monkeypatch.setitem(app.config, "JOBS_QUEUE", f"test-{uuid.uuid4().hex}")
    from admissions.worker import rq_queue

    queue = rq_queue(app)
    yield queue
    queue.delete(delete_jobs=True)


def test_rq_backend_queues_and_a_burst_worker_runs_the_job(app, db, board, redis_queue):
    job = _reload(db, _enqueue(app, db, *board))
    assert job.status == JobStatus.QUEUED and job.rq_job_id in redis_queue.job_ids
    assert _institutions(db) == 0
    result = app.test_cli_runner().invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code == 0, result.output
    job = _reload(db, job)
    assert job.status == JobStatus.SUCCEEDED and _institutions(db) == 1
    assert len(redis_queue) == 0


def test_rq_worker_reports_an_unreachable_redis(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    result = app.test_cli_runner().invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code != 0 and "无法连接 Redis" in result.output


def test_the_job_page_refreshes_itself_until_the_job_ends(client, db, board):
    exam, account = board
    job = Job(kind="round_run", exam_id=exam.id, created_by_id=account.id, done=1, total=3,
              message="正在按志愿与位次投档", args={"batch_code": "BK", "number": 1},
              status=JobStatus.RUNNING)  # fmt: skip
    db.session.add(job)
    db.session.commit()
    login(client, account.username)
    page = client.get(f"/board/jobs/{job.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "进行中" in html and "正在按志愿与位次投档" in html
    assert '<meta http-equiv="refresh" content="3">' in html and "job.js" in html
    assert "<script>" not in html and f'data-job-status-url="/board/jobs/{job.id}/status"' in html
    state = client.get(f"/board/jobs/{job.id}/status").get_json()
    assert state == {"status": "running", "finished": False, "done": 1, "total": 3,
                     "percent": 33, "message": "正在按志愿与位次投档", "error": ""}  # fmt: skip
    job.status = JobStatus.SUCCEEDED
    db.session.commit()
    html = client.get(f"/board/jobs/{job.id}").get_data(as_text=True)
    assert "http-equiv" not in html and "job.js" not in html and "100%" in html


def test_a_board_sees_only_the_jobs_of_its_own_province(client, db, board):
    exam, account = board
    job = Job(kind="import", exam_id=exam.id, created_by_id=account.id)
    db.session.add(job)
    other = create_account(Role.BOARD, province_id=create_province("320000").id)
    db.session.commit()
    login(client, other.username)
    assert client.get(f"/board/jobs/{job.id}").status_code == 403
    assert client.get(f"/board/jobs/{job.id}/status").status_code == 403
    assert client.get(f"/board/jobs/{job.id + 1}").status_code == 404


@pytest.fixture
def letters_job(db, board):
    exam, account = board
    ours, theirs = create_institution(), create_institution()
    staff = create_account(Role.UNIVERSITY, institution_id=ours.id)
    rival = create_account(Role.UNIVERSITY, institution_id=theirs.id)
    job = Job(kind="letters", exam_id=exam.id, institution_id=ours.id, created_by_id=staff.id,
              args={"run_id": 1}, status=JobStatus.SUCCEEDED, result={"file": "x.pdf"})  # fmt: skip
    db.session.add(job)
    db.session.commit()
    return job, account, staff, rival


def test_a_board_may_not_see_a_university_job(client, letters_job):
    job, account, _, _ = letters_job
    login(client, account.username)
    assert client.get(f"/board/jobs/{job.id}").status_code == 404
    assert client.get(f"/university/jobs/{job.id}").status_code == 403


def test_another_institution_gets_404_on_a_university_job(client, letters_job):
    job, _, _, rival = letters_job
    login(client, rival.username)
    for suffix in ("", "/status", "/letters.pdf"):
        assert client.get(f"/university/jobs/{job.id}{suffix}").status_code == 404


def test_the_institution_sees_its_job_but_no_file_it_did_not_make(client, letters_job):
    job, _, staff, _ = letters_job
    login(client, staff.username)
    html = client.get(f"/university/jobs/{job.id}").get_data(as_text=True)
    assert "生成录取通知书" in html and "已完成" in html
    assert client.get(f"/university/jobs/{job.id}/letters.pdf").status_code == 404


def test_an_internal_error_is_told_in_one_short_line(app, db, board, monkeypatch):
    def database_error(job, progress):
        raise RuntimeError(
            "number of parameters must be between 0 and 65535\n[SQL: SELECT " + "x" * 5000
        )

    monkeypatch.setitem(registry.TASKS, "test_work", database_error)
    job = _reload(db, _enqueue(app, db, *board))
    assert job.error == (
        "内部错误（RuntimeError: number of parameters must be between 0 and 65535），"
        "未写入任何数据；详情见服务器日志。"
    )

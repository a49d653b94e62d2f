"""The three long operations as background jobs ("sync" backend): a large import, the real
allocation run, the bulk letters PDF; the import threshold both ways; all or nothing."""

from __future__ import annotations

import io
import types
from datetime import date

from sqlalchemy import func, select

from admissions.models import AllocationRun, AuditEvent, Candidate, Job, JobStatus, PlanLine, Role
from admissions.services.jobs import queue as jobs
from tests.board_factories import create_board_account, create_board_exam, plans_file
from tests.factories import create_account, csrf_token, login
from tests.test_rounds_pages import _setup as rounds_setup


def _count(db, model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def _preview(client, exam, data: bytes) -> str:
    path = f"/board/exams/{exam.id}/imports/plans"
    form = {"csrf_token": csrf_token(client, path), "file": (io.BytesIO(data), "plans.csv")}
    response = client.post(path, data=form, content_type="multipart/form-data")
    assert response.status_code == 302
    return response.location


def _confirm(client, preview: str):
    return client.post(preview, data={"csrf_token": csrf_token(client, preview)})


def _board_scene(db, client):
    exam = create_board_exam()
    account = create_board_account()
    db.session.commit()
    login(client, account.username)
    return exam, account


def test_a_file_at_the_threshold_is_imported_by_a_job(app, client, db, monkeypatch):
    exam, account = _board_scene(db, client)
    monkeypatch.setitem(app.config, "JOBS_IMPORT_MIN_BYTES", len(plans_file()))
    done = _confirm(client, _preview(client, exam, plans_file()))
    assert done.status_code == 302 and "/board/jobs/" in done.location
    job = db.session.scalar(select(Job).where(Job.kind == "import"))
    assert (job.kind, job.status, job.exam_id, job.created_by_id) == (
        "import", JobStatus.SUCCEEDED, exam.id, account.id,
    )  # fmt: skip
    assert job.result["inserted"] == 4 and _count(db, PlanLine) == 4
    html = client.get(done.location).get_data(as_text=True)
    assert "已完成" in html and "招生计划已导入，新增 4 条" in html and "http-equiv" not in html
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"job.create", "import.plans"} <= actions


def test_a_file_below_the_threshold_is_imported_in_the_request(app, client, db, monkeypatch):
    exam, _ = _board_scene(db, client)
    monkeypatch.setitem(app.config, "JOBS_IMPORT_MIN_BYTES", len(plans_file()) + 1)
    done = _confirm(client, _preview(client, exam, plans_file()))
    assert done.status_code == 200 and "已导入" in done.get_data(as_text=True)
    assert _count(db, PlanLine) == 4 and _count(db, Job) == 0


def test_a_failing_import_job_writes_nothing_and_shows_the_error(app, client, db, monkeypatch):
    exam, _ = _board_scene(db, client)
    monkeypatch.setitem(app.config, "JOBS_IMPORT_MIN_BYTES", 1)
    preview = _preview(client, exam, plans_file())

    def outage(*args, **kwargs):
        raise OSError("磁盘已满")

    # the rows are flushed, then the audit record fails: the whole import must roll back
    monkeypatch.setattr(
        "admissions.services.imports.pipeline.audit", types.SimpleNamespace(record=outage)
    )
    done = _confirm(client, preview)
    job = db.session.scalar(select(Job).where(Job.kind == "import"))
    assert job.status == JobStatus.FAILED and "磁盘已满" in job.error
    assert _count(db, PlanLine) == 0
    html = client.get(done.location).get_data(as_text=True)
    assert "失败" in html and "磁盘已满" in html


def test_an_import_whose_upload_is_gone_fails_with_a_message(app, client, db, monkeypatch):
    exam, _ = _board_scene(db, client)
    monkeypatch.setitem(app.config, "JOBS_IMPORT_MIN_BYTES", 1)
    preview = _preview(client, exam, plans_file())
    # another request imported (and discarded) the upload between the click and the job
    gone = types.SimpleNamespace(load_upload=lambda *args: None)
    monkeypatch.setattr("admissions.services.jobs.tasks.imports_uploads", gone)
    _confirm(client, preview)
    job = db.session.scalar(select(Job).where(Job.kind == "import"))
    assert job.status == JobStatus.FAILED and job.error == "上传的文件已过期或已导入，请重新上传。"
    assert _count(db, PlanLine) == 0


def test_the_real_run_is_a_job_and_its_page_links_the_results(client, db):
    exam, board, url = rounds_setup(db)
    login(client, board.username)
    done = client.post(url + "/run", data={"csrf_token": csrf_token(client, url), "confirm": "yes"})
    assert done.status_code == 302 and "/board/jobs/" in done.location
    job = db.session.scalar(select(Job))
    assert job.kind == "round_run" and job.status == JobStatus.SUCCEEDED
    assert job.result["dispatched"] == 1 and job.total == 3 and _count(db, AllocationRun) == 1
    html = client.get(done.location).get_data(as_text=True)
    assert "第 1 轮投档完成：投档 1 人。" in html and url in html


def test_a_failing_run_job_saves_nothing_and_says_why(app, db):
    exam, board, _ = rounds_setup(db)
    with app.test_request_context("/"):
        job = jobs.enqueue("round_run", {"batch_code": "XX", "number": 1}, actor=board,
                           exam_id=exam.id)  # fmt: skip
        db.session.commit()
    db.session.expire_all()
    assert job.status == JobStatus.FAILED and "没有批次 XX" in job.error
    assert job.message == "失败，未写入任何数据" and _count(db, AllocationRun) == 0


def test_a_run_refused_before_it_starts_creates_no_job(client, db):
    exam, board, url = rounds_setup(db)
    login(client, board.username)
    data = {"confirm": "yes"}
    client.post(url + "/run", data={"csrf_token": csrf_token(client, url), **data})
    again = client.post(url + "/run", data={"csrf_token": csrf_token(client, url), **data})
    assert again.status_code == 409 and "不能重复投档" in again.get_data(as_text=True)
    assert _count(db, Job) == 1 and _count(db, AllocationRun) == 1


def test_a_second_run_goes_to_the_job_already_running(client, db):
    exam, board, url = rounds_setup(db)
    running = Job(kind="round_run", exam_id=exam.id, created_by_id=board.id,
                  args={"batch_code": "BK", "number": 1}, status=JobStatus.RUNNING)  # fmt: skip
    db.session.add(running)
    db.session.commit()
    login(client, board.username)
    again = client.post(
        url + "/run", data={"csrf_token": csrf_token(client, url), "confirm": "yes"}
    )
    assert again.location.endswith(f"/board/jobs/{running.id}") and _count(db, Job) == 1


def test_a_student_cannot_start_a_run(client, db):
    exam, _, url = rounds_setup(db)
    student = create_account(Role.STUDENT)
    db.session.commit()
    login(client, student.username)
    assert client.post(url + "/run", data={"confirm": "yes"}).status_code in (400, 403)
    assert _count(db, Job) == 0


def test_rows_that_became_wrong_after_the_preview_fail_the_job_with_every_error(
    app, client, db, monkeypatch
):
    from tests.board_factories import csv_bytes
    from tests.factories import create_candidate, valid_national_id

    exam, _ = _board_scene(db, client)
    monkeypatch.setitem(app.config, "JOBS_IMPORT_MIN_BYTES", 1)
    taken = valid_national_id(born=date(2007, 1, 2))
    people = csv_bytes([["candidate_no", "national_id", "name", "category"],
                        ["26000001", valid_national_id(), "张三", "IT"],
                        ["26000002", taken, "李四", "IT"]])  # fmt: skip
    path = f"/board/exams/{exam.id}/imports/candidates"
    form = {"csrf_token": csrf_token(client, path), "file": (io.BytesIO(people), "people.csv")}
    preview = client.post(path, data=form, content_type="multipart/form-data").location
    assert "确认导入" in client.get(preview).get_data(as_text=True)
    create_candidate(exam, candidate_no="25999999", national_id=taken)  # keyed in meanwhile
    db.session.commit()
    page = client.get(_confirm(client, preview).location).get_data(as_text=True)
    job = db.session.scalar(select(Job).where(Job.kind == "import"))
    assert job.status == JobStatus.FAILED and job.error == "文件有 1 处错误，未导入任何数据。"
    assert "people.csv:3" in job.result["errors"] and job.result["error_count"] == 1
    assert "people.csv:3" in page and "返回预览，查看全部错误" in page
    db.session.expire_all()
    assert _count(db, Candidate) == 1

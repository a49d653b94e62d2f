"""Import uploads: nothing stored past the reader's limit, a per-account quota, the preview parsed
once at upload and shown a page at a time, and a preview can be cancelled."""

import re
import types

import pytest
from sqlalchemy import func, select

from admissions.files.errors import FileError
from admissions.files.readers import DEFAULT_MAX_BYTES
from admissions.models import Job, JobStatus, StoredFile
from admissions.services.imports import previews, uploads
from admissions.services.imports.pipeline import ImportResult
from admissions.services.jobs.queue import DISPATCH_KEY
from admissions.services.storage import store
from admissions.worker import run_job
from tests.board_factories import (
    PLANS_HEADER,
    board_signed_in,
    create_board_account,
    csv_bytes,
    plans_file,
    upload_import,
)
from tests.factories import csrf_token, login

BAD_ROWS = 3000


def _stored(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(StoredFile))


def _bad_plans(rows: int) -> bytes:
    lines = [["BK", "10101", "甲学院", f"P{n}", "软件", "IT", "-3", ""] for n in range(rows)]
    return csv_bytes([PLANS_HEADER, *lines])


def test_the_stored_limit_is_the_readers(app, monkeypatch):
    with app.app_context():
        assert DEFAULT_MAX_BYTES == 20 * 1024 * 1024
        assert uploads.reader_limit("scores") == DEFAULT_MAX_BYTES
        monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 5 * 1024 * 1024)
        assert uploads.reader_limit("scores") == 5 * 1024 * 1024


def test_upload_above_the_readers_limit_is_refused_before_storing(client, db, monkeypatch):
    # the reader's limit made small, so the test client need not build a 20 MB request
    monkeypatch.setattr(uploads, "DEFAULT_MAX_BYTES", 100 * 1024)
    exam = board_signed_in(client)
    data = b"batch," + b"x" * (150 * 1024)
    response = upload_import(client, exam, data)
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "文件超过 100 KB 的上限" in html and "未保存" in html
    assert _stored(db) == 0
    assert upload_import(client, exam, plans_file()).status_code == 302


def test_upload_quota_per_account_refuses_and_says_how_to_free_space(app, client, db, monkeypatch):
    exam = board_signed_in(client)
    data = plans_file()
    monkeypatch.setitem(app.config, "UPLOAD_QUOTA_BYTES", len(data) * 2 + 10)
    first = upload_import(client, exam, data)
    assert first.status_code == 302
    assert upload_import(client, exam, data).status_code == 302
    refused = upload_import(client, exam, data)
    assert refused.status_code == 413
    html = refused.get_data(as_text=True)
    assert "超过本账号" in html and "确认导入或取消之前的预览" in html
    assert _stored(db) == 2
    # cancelling a preview frees its space
    preview = first.headers["Location"]
    token = csrf_token(client, preview)
    cancelled = client.post(preview + "/cancel", data={"csrf_token": token})
    assert cancelled.status_code == 302
    assert client.get(preview).status_code == 404
    assert upload_import(client, exam, data).status_code == 302
    assert _stored(db) == 2


def test_quota_refuses_a_file_larger_than_the_room_left(app, client, db, monkeypatch):
    exam = board_signed_in(client)
    data = plans_file()
    monkeypatch.setitem(app.config, "UPLOAD_QUOTA_BYTES", len(data) + len(data) // 2)
    assert upload_import(client, exam, data).status_code == 302
    refused = upload_import(client, exam, data)
    assert refused.status_code == 413 and "取消之前的预览" in refused.get_data(as_text=True)
    assert _stored(db) == 1


def test_cancel_needs_csrf_and_the_owner(app, client, db):
    exam = board_signed_in(client)
    preview = upload_import(client, exam, plans_file()).headers["Location"]
    assert client.post(preview + "/cancel").status_code == 400
    assert client.get(preview).status_code == 200
    colleague = create_board_account()
    db.session.commit()
    other = app.test_client()
    with app.app_context():  # a fresh `g`, so the first client's login does not leak
        login(other, colleague.username)
        token = csrf_token(other, f"/board/exams/{exam.id}/imports/plans")
        assert other.post(preview + "/cancel", data={"csrf_token": token}).status_code == 404
    assert _stored(db) == 1


def test_preview_is_parsed_once_atupload_import(client, db, monkeypatch):
    exam = board_signed_in(client)
    calls = []
    real = previews.import_file

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(previews, "import_file", counting)
    response = upload_import(client, exam, _bad_plans(3))
    assert response.status_code == 302 and len(calls) == 1

    def fail(*args, **kwargs):
        raise AssertionError("the file was read again")

    monkeypatch.setattr(previews, "import_file", fail)
    monkeypatch.setattr("admissions.services.imports.pipeline.read_table", fail)
    preview = response.headers["Location"]
    for _ in range(2):
        html = client.get(preview).get_data(as_text=True)
        assert "发现 3 个错误，未导入任何数据" in html and "「-3」小于 0" in html
    text = client.get(preview + "/errors.txt").get_data(as_text=True)
    assert text.splitlines()[0] == "plans.csv:2: seats: 「-3」小于 0"
    assert client.get(preview + "/errors.csv").status_code == 200


def test_good_preview_kept_with_its_changes(client, db, monkeypatch):
    exam = board_signed_in(client)
    preview = upload_import(client, exam, plans_file()).headers["Location"]
    monkeypatch.setattr("admissions.services.imports.pipeline.read_table", None)
    html = client.get(preview).get_data(as_text=True)
    assert "检查通过" in html and "确认导入" in html and "新增" in html


def test_preview_of_thousands_of_bad_rows_is_paged(client, db):
    exam = board_signed_in(client)
    preview = upload_import(client, exam, _bad_plans(BAD_ROWS)).headers["Location"]
    first = client.get(preview)
    assert first.status_code == 200
    html = first.get_data(as_text=True)
    assert f"发现 {BAD_ROWS} 个错误" in html
    rows = re.findall(r"<tr><td class=\"num\">(\d*)</td>", html)
    assert len(rows) == previews.PAGE_SIZE and rows[0] == "2"
    assert len(html) < 60_000
    assert "?page=2" in html and 'aria-current="page"' in html
    second = client.get(preview + "?page=2").get_data(as_text=True)
    rows = re.findall(r"<tr><td class=\"num\">(\d*)</td>", second)
    assert rows[0] == str(previews.PAGE_SIZE + 2) and len(rows) == previews.PAGE_SIZE
    # 1000 listed errors and the line that counts the rest
    last = client.get(preview + "?page=21").get_data(as_text=True)
    assert f"另有 {BAD_ROWS - 1000} 处错误未列出" in last


@pytest.mark.parametrize(
    ("page", "message"),
    [("0", "页码须为正整数"), ("abc", "页码须为正整数"), ("-1", "页码须为正整数"),
     ("99999999999999999999", "页码须为正整数"), ("２", "页码须为正整数"), ("99", "共 1 页")],
)  # fmt: skip
def test_bad_page_is_400_with_a_message(client, db, page, message):
    exam = board_signed_in(client)
    preview = upload_import(client, exam, _bad_plans(3)).headers["Location"]
    response = client.get(preview, query_string={"page": page})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_a_confirm_that_finds_errors_updates_the_kept_preview(client, db, monkeypatch):
    exam = board_signed_in(client)
    preview = upload_import(client, exam, plans_file()).headers["Location"]
    assert "检查通过" in client.get(preview).get_data(as_text=True)

    def found_errors(exam, kind, data, filename, actor, **kwargs):
        return ImportResult(kind, filename, [FileError(filename, 3, "seats", "名额已被占用")])

    monkeypatch.setattr("admissions.views.board.exams.import_file", found_errors)
    token = csrf_token(client, preview)
    done = client.post(preview, data={"csrf_token": token})
    assert done.status_code == 302 and done.location.endswith(preview.rsplit("/", 1)[1])
    html = client.get(preview).get_data(as_text=True)
    assert "发现 1 个错误" in html and "名额已被占用" in html and "检查通过" not in html


def test_a_confirm_by_job_forgets_the_kept_preview(app, client, db, monkeypatch):
    exam = board_signed_in(client)
    monkeypatch.setitem(app.config, "JOBS_IMPORT_MIN_BYTES", 1)
    preview = upload_import(client, exam, plans_file()).headers["Location"]
    stored_token = preview.rsplit("/", 1)[1]
    assert "检查通过" in client.get(preview).get_data(as_text=True)  # checked by a job
    db.session.expire_all()
    assert "preview" in store.info(stored_token).meta

    def outage(*args, **kwargs):
        raise OSError("磁盘已满")

    monkeypatch.setattr(
        "admissions.services.imports.pipeline.audit", types.SimpleNamespace(record=outage)
    )
    token = csrf_token(client, preview)
    done = client.post(preview, data={"csrf_token": token})
    assert "/board/jobs/" in done.location
    db.session.expire_all()
    assert "preview" not in store.info(stored_token).meta
    assert "检查通过" in client.get(preview).get_data(as_text=True)  # parsed once more
    db.session.expire_all()
    assert "preview" in store.info(stored_token).meta


def _jobs(db, kind: str) -> list[Job]:
    db.session.expire_all()
    return list(db.session.scalars(select(Job).where(Job.kind == kind)))


def test_a_large_upload_is_checked_by_a_job_once(app, client, db, monkeypatch):
    exam = board_signed_in(client)
    monkeypatch.setitem(app.config, "JOBS_IMPORT_MIN_BYTES", 1)
    response = upload_import(client, exam, _bad_plans(3))
    assert response.status_code == 302 and _jobs(db, "import_preview") == []
    preview = response.headers["Location"]
    html = client.get(preview).get_data(as_text=True)  # the "sync" backend ran the job at once
    assert "发现 3 个错误，未导入任何数据" in html
    (job,) = _jobs(db, "import_preview")
    assert job.status == JobStatus.SUCCEEDED and job.result["token"] == preview.rsplit("/", 1)[1]
    monkeypatch.setattr("admissions.services.imports.pipeline.read_table", None)
    assert "发现 3 个错误" in client.get(preview).get_data(as_text=True)
    assert len(_jobs(db, "import_preview")) == 1
    page = client.get(f"/board/jobs/{job.id}").get_data(as_text=True)
    assert "检查导入文件" in page and "查看预览" in page and preview in page


def test_while_the_job_runs_the_preview_page_says_so(app, client, db, monkeypatch):
    exam = board_signed_in(client)
    monkeypatch.setitem(app.config, "JOBS_IMPORT_MIN_BYTES", 1)
    monkeypatch.setitem(app.extensions, DISPATCH_KEY, lambda *args: None)  # queued, not run
    preview = upload_import(client, exam, plans_file()).headers["Location"]
    for _ in range(2):
        waiting = client.get(preview)
        assert waiting.status_code == 200
        html = waiting.get_data(as_text=True)
        assert "正在后台检查" in html and "确认导入" not in html
    (job,) = _jobs(db, "import_preview")
    assert f"/board/jobs/{job.id}" in html
    run_job(app, job.id)
    html = client.get(preview).get_data(as_text=True)
    assert "检查通过" in html and "确认导入" in html

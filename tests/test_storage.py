"""The shared storage: files in chunks in the database, size-limited, streamed, purged by age;
uploads and job outputs kept there rather than in the instance folder."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from admissions.models import StoredFile, StoredFileChunk, utcnow
from admissions.services.storage import store
from tests.board_factories import plans_file
from tests.test_jobs_operations import _board_scene, _confirm, _preview
from tests.test_university_letters import _start_letters, admitted  # noqa: F401  (fixture)


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(store, "CHUNK_BYTES", 10)


def _rows(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("kind", ["bytes", "file", "pieces"])
def test_put_then_open_gives_the_bytes_back_in_chunks(db, small_chunks, kind):
    data = bytes(range(256)) * 3
    source = {
        "bytes": data,
        "file": io.BytesIO(data),
        "pieces": [data[:7], data[7:500], data[500:]],
    }
    file_id = store.put(source[kind], "test", "account:1", 10_000, filename="a.bin")
    db.session.commit()
    chunks = list(store.open(file_id))
    assert b"".join(chunks) == data
    assert {len(chunk) for chunk in chunks[:-1]} == {10} and len(chunks) == 77
    stored = store.info(file_id)
    assert (stored.size, stored.filename, stored.kind, stored.owner) == (
        768, "a.bin", "test", "account:1",
    )  # fmt: skip


def test_an_empty_file_is_kept_and_read_back_empty(db):
    file_id = store.put(b"", "test", "x", 10)
    assert store.read(file_id) == b"" and store.info(file_id).size == 0


def test_open_reads_one_chunk_at_a_time(db, small_chunks):
    file_id = store.put(b"x" * 35, "test", "x", 100)
    chunks = store.open(file_id)
    assert next(chunks) == b"x" * 10
    store.delete(file_id)  # what was not read yet is not held in memory: it is gone
    assert list(chunks) == []


def test_a_file_over_the_limit_is_refused_and_nothing_kept(db, small_chunks):
    with pytest.raises(store.FileTooLarge, match="上限"):
        store.put(io.BytesIO(b"y" * 101), "test", "x", 100)
    db.session.commit()
    assert _rows(db, StoredFile) == 0 and _rows(db, StoredFileChunk) == 0
    assert store.read(store.put(b"y" * 100, "test", "x", 100)) == b"y" * 100


def test_unknown_ids_read_as_nothing(db):
    assert store.info("nope") is None and list(store.open("nope")) == []
    store.delete("nope")


def test_delete_removes_the_file_and_its_chunks(db, small_chunks):
    file_id = store.put(b"z" * 55, "test", "x", 100)
    store.delete(file_id)
    db.session.commit()
    assert store.info(file_id) is None and _rows(db, StoredFileChunk) == 0


def _aged(db, file_id: str, hours: int) -> None:
    db.session.execute(
        update(StoredFile)
        .where(StoredFile.id == file_id)
        .values(created_at=utcnow() - timedelta(hours=hours))
    )


def test_purge_removes_only_what_is_older(db, small_chunks):
    old, new, other = (store.put(b"o" * 25, kind, "x", 100) for kind in ("a", "a", "b"))
    _aged(db, old, 30)
    _aged(db, other, 30)
    assert store.purge(timedelta(hours=24), kind="a") == 1
    assert store.info(old) is None and store.info(other) is not None
    assert store.purge(timedelta(hours=24)) == 1
    assert store.info(new) is not None and _rows(db, StoredFileChunk) == 3


def test_purge_command(app, db):
    keep, drop = store.put(b"1", "a", "x", 10), store.put(b"2", "a", "x", 10)
    _aged(db, drop, 25)
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["files", "purge", "--older-than", "24h"])
    assert result.exit_code == 0 and "已删除 1 个早于 24h 的存储文件" in result.output
    db.session.expire_all()
    assert store.info(keep) is not None and store.info(drop) is None


@pytest.mark.parametrize("age", ["soon", "24", "-1h", "1w"])
def test_purge_command_refuses_a_bad_age_in_one_line(app, db, age):
    result = app.test_cli_runner().invoke(args=["files", "purge", "--older-than", age])
    assert result.exit_code == 1
    assert "--older-than 应为数字加单位" in result.output and "Traceback" not in result.output


def test_an_upload_waits_in_the_storage_not_the_instance_folder(
    app, client, db, monkeypatch, tmp_path
):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    exam, _ = _board_scene(db, client)
    monkeypatch.setitem(app.config, "JOBS_IMPORT_MIN_BYTES", 1)
    preview = _preview(client, exam, plans_file())
    token = preview.rsplit("/", 1)[1]
    assert store.read(token) == plans_file() and store.info(token).kind == "import_upload"
    done = _confirm(client, preview)
    assert "/board/jobs/" in done.location
    db.session.expire_all()
    assert store.info(token) is None  # imported by the job, then removed
    assert list(tmp_path.iterdir()) == []


def test_bulk_letters_are_stored_and_streamed(app, client, db, admitted, monkeypatch, tmp_path):  # noqa: F811
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    started = _start_letters(client, admitted["run"].id)
    response = client.get(started.location + "/letters.pdf")
    assert response.status_code == 200 and response.is_streamed
    body = response.get_data()
    assert body.startswith(b"%PDF") and int(response.headers["Content-Length"]) == len(body)
    assert "letters-" in response.headers["Content-Disposition"]
    stored = db.session.scalar(select(StoredFile).where(StoredFile.kind == "job_output"))
    assert stored.size == len(body) and list(tmp_path.iterdir()) == []
    assert "下载录取通知书" in client.get(started.location).get_data(as_text=True)
    store.delete(stored.id)  # as `files purge` does a day later
    db.session.commit()
    assert client.get(started.location + "/letters.pdf").status_code == 404
    page = client.get(started.location).get_data(as_text=True)
    assert "已超过保存期限被清理" in page and "下载录取通知书" not in page


def test_an_upload_of_another_account_or_exam_is_not_found(db):
    from admissions.services.imports import uploads

    token = uploads.store_upload(7, "plans", "p.csv", b"data", account_id=3)
    assert uploads.load_upload(token, 7, 3).data == b"data"
    assert uploads.load_upload(token, 7, 4) is None and uploads.load_upload(token, 8, 3) is None

"""The long operations that run as background jobs: a large import, a real allocation run, and a
university's bulk letters PDF. Each flushes its work; ``jobs.run_job`` commits it or rolls it
back, and raises ``JobFailed`` with a message the user can act on."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import func, select

from admissions.extensions import db
from admissions.files.errors import error_count, errors_as_text
from admissions.models import (
    Account,
    AllocationRun,
    Dispatch,
    DispatchStatus,
    Exam,
    Institution,
    Job,
)
from admissions.services import audit
from admissions.services.imports import previews
from admissions.services.imports import uploads as imports_uploads
from admissions.services.imports.pipeline import import_file
from admissions.services.jobs.registry import JobFailed, ProgressFn, task
from admissions.services.rounds.guards import RoundError, find_batch
from admissions.services.storage import store
from admissions.services.universities.letters import run_letters

MAX_LISTED = 50


def _actor(job: Job) -> Account | None:
    return db.session.get(Account, job.created_by_id) if job.created_by_id else None


def _exam(job: Job) -> Exam:
    exam = db.session.get(Exam, job.exam_id) if job.exam_id else None
    if exam is None:
        raise JobFailed("任务所属的考试已不存在")
    return exam


@task("import")
def import_job(job: Job, progress: ProgressFn) -> dict[str, Any]:
    """Import a stored upload, all or nothing; its errors are kept in the job's result."""
    exam, account_id = _exam(job), job.created_by_id or 0
    upload = imports_uploads.load_upload(job.args["token"], exam.id, account_id)
    if upload is None:
        raise JobFailed("上传的文件已过期或已导入，请重新上传。")
    progress(0, 3, f"正在读取 {upload.filename}")
    stages = iter(range(1, 3))
    result = import_file(
        exam, upload.kind, upload.data, upload.filename, _actor(job), dry_run=False,
        on_stage=lambda message: progress(next(stages, 2), 3, message),
    )  # fmt: skip
    if not result.ok:
        listed = errors_as_text(result.errors[:MAX_LISTED])
        count = error_count(result.errors)
        raise JobFailed(
            f"文件有 {count} 处错误，未导入任何数据。",
            {"errors": listed, "error_count": count, "token": upload.token},
        )
    imports_uploads.discard_upload(upload.token)
    return {
        "summary": result.summary(), "inserted": result.inserted, "updated": result.updated,
        "unchanged": result.unchanged, "import_kind": upload.kind,
    }  # fmt: skip


@task("import_preview")
def import_preview_job(job: Job, progress: ProgressFn) -> dict[str, Any]:
    """Check a large stored upload for its preview (nothing is written but the kept result)."""
    exam, account_id = _exam(job), job.created_by_id or 0
    upload = imports_uploads.load_upload(job.args["token"], exam.id, account_id)
    if upload is None:
        raise JobFailed("上传的文件已过期、已导入或已取消，请重新上传。")
    progress(0, 2, f"正在读取 {upload.filename}")
    result = previews.preview(exam, upload, _actor(job))
    progress(1, 2, "检查完成，正在保存预览")
    return {
        "summary": f"检查完成：{result.error_count} 个错误" if not result.ok else "检查通过",
        "token": upload.token, "import_kind": upload.kind,
    }  # fmt: skip


@task("round_run")
def round_run_job(job: Job, progress: ProgressFn) -> dict[str, Any]:
    """The real allocation run of a batch's round; saved only when verified."""
    # the engine and its input load numpy, pandas and numba: in the job, not at a worker's boot
    from admissions.services.rounds.run import run_allocation
    from scoring.allocation import allocate

    exam = _exam(job)
    number = int(job.args["number"])

    def engine(inp: Any) -> Any:
        progress(1, 3, "正在按志愿与位次投档")
        allocated = allocate(inp)
        progress(2, 3, "正在校验投档结果并保存")
        return allocated

    progress(0, 3, "正在读取成绩、计划与志愿")
    try:
        batch = find_batch(exam, job.args["batch_code"])
        outcome = run_allocation(exam, batch, number, actor=_actor(job), engine=engine)
    except RoundError as error:
        raise JobFailed(str(error)) from None
    if outcome.violations:
        raise JobFailed(
            f"校验失败：{len(outcome.violations)} 处违反投档规则，未保存任何结果。",
            {"violations": outcome.violations[:MAX_LISTED]},
        )
    return {
        "batch_code": batch.code, "number": number, "run_id": outcome.run_id,
        "dispatched": outcome.counts.get("dispatched", 0),
    }  # fmt: skip


def letters_file(job: Job) -> str | None:
    """The stored id of the bulk letters PDF a finished letters job made, if still kept."""
    file_id = job.result.get("file_id") if job.kind == "letters" else None
    stored = store.info(file_id) if isinstance(file_id, str) else None
    return stored.id if stored is not None and stored.owner == f"job:{job.id}" else None


@task("letters")
def letters_job(job: Job, progress: ProgressFn) -> dict[str, Any]:
    """One PDF with the letter of every admitted candidate of a run; kept for download."""
    from admissions.files.letters import letters_pdf

    run = db.session.get(AllocationRun, int(job.args["run_id"]))
    institution = db.session.get(Institution, job.institution_id or 0)
    if run is None or institution is None:
        raise JobFailed("投档记录或院校已不存在")
    total = admitted_count(run.id, institution.id)
    if total == 0:
        raise JobFailed("本轮尚无已录取的考生，无法生成录取通知书")
    progress(0, total, f"正在生成 {total} 份录取通知书")
    letters = run_letters(run, institution.id, base_url=job.args.get("base_url", ""))
    data = letters_pdf(_counting(letters, progress, total))
    file_id = store.put(
        data, "job_output", f"job:{job.id}", int(current_app.config["JOB_OUTPUT_MAX_BYTES"]),
        filename=f"letters-{run.id}.pdf", meta={"job_id": job.id},
    )  # fmt: skip
    audit.record(_actor(job), "letters.generate", run, after={"letters": total, "job": job.id})
    return {"letters": total, "file_id": file_id, "run_id": run.id}


def admitted_count(run_id: int, institution_id: int) -> int:
    """How many candidates of the run the institution admitted (letters to make)."""
    return (
        db.session.scalar(
            select(func.count(Dispatch.id)).where(
                Dispatch.run_id == run_id,
                Dispatch.institution_id == institution_id,
                Dispatch.status == DispatchStatus.ADMITTED,
            )
        )
        or 0
    )


def _counting(letters: Any, progress: ProgressFn, total: int, every: int = 200) -> Any:
    for index, letter in enumerate(letters, start=1):
        if index % every == 0:
            progress(index, total, f"已生成 {index} / {total} 份")
        yield letter
    progress(total, total, "正在写入 PDF 文件")

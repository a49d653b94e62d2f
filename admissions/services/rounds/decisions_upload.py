"""Decisions from a file (docs/formats.md `decisions`): every row checked, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from admissions.extensions import db
from admissions.files.columns import decisions_spec
from admissions.files.errors import ErrorList, FileError, blocks_rows, capped, error_count
from admissions.files.readers import read_table
from admissions.models import Account, AllocationRun, Batch, Candidate, Dispatch
from admissions.services.imports.sizes import sized
from admissions.services.rounds.decisions import REASON_LIMIT, Decision, DecisionError, decide
from admissions.services.rounds.runs import live_run_ids


@dataclass
class UploadResult:
    """Applied decisions (when no error) or every error, `FILE:LINE: COLUMN: message`."""

    applied: int = 0
    errors: list[FileError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the whole file was applied."""
        return not self.errors

    @property
    def error_count(self) -> int:
        """How many errors the file has (``errors`` lists the first of them)."""
        return error_count(self.errors)

    def summary(self) -> str:
        """One line for the command line."""
        return f"录取/退档：已记录 {self.applied} 条结论"


def apply_decisions_file(
    actor: Account | None,
    institution_id: int | None,
    exam_id: int,
    data: bytes,
    filename: str,
    *,
    check_deadline: bool = True,
) -> UploadResult:
    """Read and apply a decisions file for one exam. On any error nothing should be committed:
    the caller rolls back when ``result.ok`` is false. ``institution_id`` None is the exam
    board, which may record decisions for any institution and is not bound by the deadline.

    Errors name the column as the file's header writes it (考生号 or candidate_no), like every
    other import (docs/formats.md: `FILE:LINE: COLUMN: message`)."""
    spec = sized(decisions_spec(), {"reason": REASON_LIMIT})
    read = read_table(data, filename, spec)
    result = UploadResult(errors=list(read.errors))
    if blocks_rows(read.errors):
        return result  # the file or its header is wrong: the rows cannot be trusted
    headers, found = read.headers, ErrorList()

    def error(line: int, key: str, message: str) -> None:
        found.add(FileError(filename, line, headers.get(key, key), message))

    batches = _batch_codes(exam_id)
    runs = _live_runs(exam_id)
    for row, line in zip(read.rows, read.lines, strict=True):
        decision, problem = _resolve(row, batches, runs, institution_id)
        if problem:
            error(line, *problem)
            continue
        assert decision is not None
        try:
            decide(actor, institution_id, decision, check_deadline=check_deadline)
        except DecisionError as refused:
            error(line, refused.column, str(refused))
            continue
        result.applied += 1
    # Like every import, the rows that read well are checked too: every problem at once, in order.
    result.errors = capped(read.errors, found)
    return result


def _batch_codes(exam_id: int) -> set[str]:
    return set(db.session.scalars(select(Batch.code).where(Batch.exam_id == exam_id)))


def _live_runs(exam_id: int) -> dict[tuple[str, int], AllocationRun]:
    rows = db.session.execute(
        select(Batch.code, AllocationRun)
        .join(AllocationRun, AllocationRun.batch_id == Batch.id)
        .where(AllocationRun.exam_id == exam_id, AllocationRun.id.in_(live_run_ids()))
    ).all()
    return {(code, run.round_number): run for code, run in rows}


def _resolve(
    row: dict[str, str | None],
    batches: set[str],
    runs: dict[tuple[str, int], AllocationRun],
    institution_id: int | None,
) -> tuple[Decision | None, tuple[str, str] | None]:
    batch, number = row["batch"] or "", int(row["round"] or 0)
    if batch not in batches:
        known = "、".join(sorted(batches)) or "无"
        return None, ("batch", f"批次 {batch} 不存在（本考试的批次：{known}）")
    run = runs.get((batch, number))
    if run is None:
        return None, ("round", f"批次 {batch} 第 {number} 轮没有投档结果")
    query = (
        select(Dispatch.id)
        .join(Candidate, Candidate.id == Dispatch.candidate_id)
        .where(Dispatch.run_id == run.id, Candidate.candidate_no == row["candidate_no"])
    )
    if institution_id is not None:
        query = query.where(Dispatch.institution_id == institution_id)
    dispatch_id = db.session.scalar(query)
    if dispatch_id is None:
        # Same words for an unknown 考生号 and another institution's candidate: nothing leaks.
        where = "本校本轮" if institution_id is not None else f"批次 {batch} 第 {number} 轮"
        return None, ("candidate_no", f"考生 {row['candidate_no']} 不在{where}的投档名单中")
    return Decision(
        dispatch_id, row["decision"] or "", row["reason"] or "", row["program_code"]
    ), None

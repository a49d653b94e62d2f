"""Importing exchange files (docs/formats.md) into an exam: read, check against the database, write.

An import is all or nothing: the file is read completely, every row is checked against the exam's
rules and the database, and only when there is no error at all are rows written (flushed; the
caller commits once). A dry run stops before writing and returns the same preview counts.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from admissions import idcard
from admissions.files.columns import ComponentInfo, TableSpec, preferences_spec, spec_for
from admissions.files.errors import blocks_rows, capped, error_count
from admissions.files.readers import FileError, read_table
from admissions.models import Account, Exam
from admissions.services import audit
from admissions.services.imports.context import ImportContext, RowChange, Staged
from admissions.services.imports.sizes import sized

KIND_NAMES = {
    "plans": "招生计划",
    "candidates": "考生",
    "scores": "成绩",
    "credits": "认定成绩",
    "preferences": "志愿",
    "scale": "核定招生规模",
}


@dataclass
class ImportResult:
    """What an import found or did: errors, or the rows inserted / updated / unchanged."""

    kind: str
    filename: str
    errors: list[FileError] = field(default_factory=list)
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    written: bool = False
    changes: list[RowChange] = field(default_factory=list)  # the first new/changed rows

    @property
    def ok(self) -> bool:
        """True when the file had no error."""
        return not self.errors

    @property
    def error_count(self) -> int:
        """How many errors the file has (``errors`` lists the first of them)."""
        return error_count(self.errors)

    def summary(self) -> str:
        """One line for the clerk: what was (or would be) written."""
        counts = f"新增 {self.inserted} 条，更新 {self.updated} 条，未变 {self.unchanged} 条"
        state = "已导入" if self.written else "预览（尚未写入）"
        return f"{self.filename}：{KIND_NAMES[self.kind]}{state}，{counts}"


def component_infos(exam: Exam) -> list[ComponentInfo]:
    """The exam's components as the scores reader needs them (grade tables as points)."""
    return [
        ComponentInfo(
            c.code,
            c.name,
            c.max,
            {k: Decimal(str(v)) for k, v in c.grades.items()} if c.grades else None,
        )
        for c in exam.components
    ]


def _spec(exam: Exam, kind: str) -> TableSpec:
    if kind == "preferences":
        return sized(preferences_spec({b.code: b.max_choices for b in exam.batches}))
    return sized(spec_for(kind, component_infos(exam) if kind == "scores" else ()))


def _stager(kind: str) -> Callable[[ImportContext], Staged]:
    from admissions.services.imports import candidates as imports_candidates
    from admissions.services.imports import credits as imports_credits
    from admissions.services.imports import plans as imports_plans
    from admissions.services.imports import preferences as imports_preferences
    from admissions.services.imports import scale as imports_scale
    from admissions.services.imports import scores as imports_scores

    return {
        "plans": imports_plans.stage,
        "candidates": imports_candidates.stage,
        "scores": imports_scores.stage,
        "credits": imports_credits.stage,
        "preferences": imports_preferences.stage,
        "scale": imports_scale.stage,
    }[kind]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while an import builds its rows: the rows are plain lists,
    dicts and tuples without cycles, yet every 700 of them made the collector walk every object
    of the process (half the reading time of a 175,000-row file). It runs again afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def import_file(
    exam: Exam,
    kind: str,
    data: bytes,
    filename: str,
    actor: Account | None,
    *,
    dry_run: bool,
    on_stage: Callable[[str], None] | None = None,
) -> ImportResult:
    """Import `data` (the bytes of `filename`) as KIND into `exam`; flush, never commit.

    Returns every error (then nothing was written) or the counts; with `dry_run` nothing is
    written either way. Raises ValueError for a KIND that cannot be imported. `on_stage` hears
    each stage's name in Chinese as it starts (a background job reports them as progress).
    """
    if kind not in KIND_NAMES:
        raise ValueError(f"无法导入「{kind}」：可导入的类型为 {'、'.join(KIND_NAMES)}")
    with _collector_paused():
        return _import(exam, kind, data, filename, actor, dry_run, on_stage)


def _import(
    exam: Exam,
    kind: str,
    data: bytes,
    filename: str,
    actor: Account | None,
    dry_run: bool,
    on_stage: Callable[[str], None] | None,
) -> ImportResult:
    stage = on_stage or (lambda _message: None)
    spec = _spec(exam, kind)
    validators = {"national_id": idcard.validate} if kind == "candidates" else None
    read = read_table(data, filename, spec, validators=validators)
    result = ImportResult(kind, filename, list(read.errors))
    if blocks_rows(read.errors):
        return result  # the file or its header is unusable: row checks would only add noise
    stage(f"已读取 {len(read.rows)} 行，正在核对数据库")
    context = ImportContext(exam, filename, read.rows, read.lines, actor, read.headers)
    staged = _stager(kind)(context)
    # rows with bad cells were left out of `read.rows`; report both kinds of error, by line
    result.errors = capped(read.errors, context.errors)
    result.inserted, result.updated, result.unchanged = staged.counts
    result.changes = staged.changes
    if result.ok and not dry_run:
        stage(f"核对无误，正在写入 {len(read.rows)} 行")
        staged.apply()
        result.written = True
        counts = {"inserted": result.inserted, "updated": result.updated}
        after = {"file": filename, **counts, "unchanged": result.unchanged}
        audit.record(
            actor, f"import.{kind}", exam, after=after, reason=f"import {filename}", exam_id=exam.id
        )
    return result

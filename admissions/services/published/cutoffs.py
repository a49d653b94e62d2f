"""Published cutoffs (投档线): per published round, each line's seats, dispatched, lowest total
and its 位次 — per group in grouped batches — with last year's figures beside each line."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from admissions.extensions import db
from admissions.files.columns import ExportColumn
from admissions.models import (
    AllocationRun,
    Batch,
    BatchShape,
    Cutoff,
    Exam,
    Institution,
    PlanLine,
    RunStatus,
)
from admissions.services.published.cache import cached
from admissions.services.published.catalogue import FilterError
from admissions.services.published.history import PastCutoff, last_year, previous_exam
from scoring.rules_text import number_text


@dataclass(frozen=True)
class CutoffRow:
    """One line (or group) of a published round, with last year's cutoff when there is one."""

    institution_code: str
    institution_name: str
    program: str  # program name (code), or 专业组 G1 in grouped batches
    category_name: str
    seats: int
    dispatched: int
    min_total: Decimal | None
    min_rank: int | None
    last_year: PastCutoff | None

    def csv_row(self, batch: str, number: int) -> dict[str, object]:
        """The row for the CSV download."""
        past = self.last_year
        return {
            "batch": batch, "round": number, "institution_code": self.institution_code,
            "institution_name": self.institution_name, "program": self.program,
            "category": self.category_name, "seats": self.seats, "dispatched": self.dispatched,
            "min_total": _plain(self.min_total), "min_rank": self.min_rank,
            "last_year_min_total": _plain(past.min_total) if past else None,
            "last_year_min_rank": past.min_rank if past else None,
        }  # fmt: skip


def _plain(value: Decimal | None) -> str | None:
    return number_text(value) if value is not None else None


CSV_COLUMNS = (
    ExportColumn("batch", "批次"), ExportColumn("round", "轮次", numeric=True),
    ExportColumn("institution_code", "院校代码"), ExportColumn("institution_name", "院校名称"),
    ExportColumn("program", "专业或专业组"), ExportColumn("category", "专业类别"),
    ExportColumn("seats", "计划数", numeric=True), ExportColumn("dispatched", "投档人数", numeric=True),
    ExportColumn("min_total", "最低分", numeric=True), ExportColumn("min_rank", "最低位次", numeric=True),
    ExportColumn("last_year_min_total", "去年最低分", numeric=True),
    ExportColumn("last_year_min_rank", "去年最低位次", numeric=True),
)  # fmt: skip


@dataclass(frozen=True)
class RoundBatch:
    """What the page shows of the round's batch (plain values, so rounds can be cached)."""

    code: str
    name: str
    shape: str


@dataclass(frozen=True)
class PublishedRound:
    """A published round of a batch and its rows."""

    batch: RoundBatch
    number: int
    rows: list[CutoffRow]


def parse_filters(exam: Exam, args: Mapping[str, str]) -> tuple[str, str]:
    """(batch code, category code) from query parameters; ``FilterError`` for unknown ones."""
    batch = (args.get("batch") or "").strip()
    category = (args.get("category") or "").strip()
    if batch and batch not in {b.code for b in exam.batches}:
        raise FilterError(f"本考试没有批次“{batch[:20]}”")
    if category and category not in {c.code for c in exam.categories}:
        raise FilterError(f"本考试没有专业类别“{category[:20]}”")
    return batch, category


def published_rounds(exam: Exam, batch_code: str = "", category: str = "") -> list[PublishedRound]:
    """Every published round of the exam (batch order, then round), its rows in institution and
    program order; only published, non-trial runs. Kept a short while (``cache``)."""
    return cached(
        exam,
        ("cutoffs", batch_code, category),
        lambda: _published_rounds(exam, batch_code, category),
    )


def _published_rounds(exam: Exam, batch_code: str, category: str) -> list[PublishedRound]:
    runs = db.session.execute(
        select(AllocationRun, Batch)
        .join(Batch, AllocationRun.batch_id == Batch.id)
        .where(AllocationRun.exam_id == exam.id, AllocationRun.status == RunStatus.PUBLISHED,
               AllocationRun.dry_run.is_(False))
        .order_by(Batch.sequence, AllocationRun.round_number, AllocationRun.id)
    ).all()  # fmt: skip
    categories = {c.code: c.name for c in exam.categories}
    out = []
    for run, batch in runs:
        if batch_code and batch.code != batch_code:
            continue
        rows = _round_rows(exam, run, batch, category, categories)
        shown = RoundBatch(batch.code, batch.name, str(batch.shape))
        out.append(PublishedRound(shown, run.round_number, rows))
    return out


def _round_rows(exam: Exam, run: AllocationRun, batch: Batch, category: str,
                categories: dict[str, str]) -> list[CutoffRow]:  # fmt: skip
    query = (
        select(Cutoff, PlanLine, Institution)
        .join(PlanLine, Cutoff.plan_line_id == PlanLine.id)
        .join(Institution, PlanLine.institution_id == Institution.id)
        .where(Cutoff.run_id == run.id)
        .order_by(Institution.code, PlanLine.group_code, PlanLine.program_code)
    )
    if category:
        query = query.where(PlanLine.category_code == category)
    found = db.session.execute(query).all()
    past = last_year(exam, [line.id for _, line, _ in found])
    if batch.shape == BatchShape.GROUPED:
        return _grouped(found, categories, past)
    return [
        CutoffRow(inst.code, inst.name, f"{line.program_name}（{line.program_code}）",
                  categories.get(line.category_code, line.category_code), cut.seats,
                  cut.dispatched, cut.min_total, cut.min_rank, past.get(line.id))
        for cut, line, inst in found
    ]  # fmt: skip


def _grouped(found, categories: dict[str, str], past: dict[int, PastCutoff]) -> list[CutoffRow]:  # type: ignore[no-untyped-def]
    """One row per group: seats and dispatched summed, the lowest total and the worst 位次."""
    groups: dict[tuple[str, str], list] = {}  # type: ignore[type-arg]
    for cut, line, inst in found:
        groups.setdefault((inst.code, line.group_code or ""), []).append((cut, line, inst))
    rows = []
    for (_, group), members in groups.items():
        inst, line = members[0][2], members[0][1]
        totals = [c.min_total for c, _, _ in members if c.min_total is not None]
        ranks = [c.min_rank for c, _, _ in members if c.min_rank is not None]
        olds = [past[ln.id] for _, ln, _ in members if ln.id in past]
        old = min(olds, key=lambda p: p.min_total) if olds else None
        rows.append(CutoffRow(
            inst.code, inst.name, f"专业组 {group}",
            categories.get(line.category_code, line.category_code),
            sum(c.seats for c, _, _ in members), sum(c.dispatched for c, _, _ in members),
            min(totals) if totals else None, max(ranks) if ranks else None, old,
        ))  # fmt: skip
    return rows


def last_year_name(exam: Exam) -> str | None:
    """Last year's exam name when the province has one loaded."""
    earlier = previous_exam(exam)
    return earlier.name if earlier else None

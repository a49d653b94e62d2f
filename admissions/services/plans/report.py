"""The 应用型本科 report: published seats by institution type, level and category, beside the
province's previous exam (change and share), with the approved scale used.

Shares are of the level's total in the same exam, in per cent rounded half-up to one decimal;
a change of share is in percentage points. The previous exam is the province's latest exam of an
earlier year (the same track when there is one); its lines count under their batch's level and
their institution's type as it stands now.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select

from admissions.extensions import db
from admissions.files.columns import ExportColumn
from admissions.files.writers import to_pdf_table, to_xlsx
from admissions.models import Batch, Exam, Institution, PlanLine
from admissions.models.plan import INSTITUTION_TYPES
from admissions.models.scale import LEVELS
from admissions.services.imports.scale_check import scale_rows

TOTAL = "合计"
ALL_TYPES = "全部院校"
COLUMNS = (
    ExportColumn("level", "层次"),
    ExportColumn("institution_type", "院校类型"),
    ExportColumn("category", "专业类别"),
    ExportColumn("seats", "计划数", True),
    ExportColumn("share", "占本层次比例（%）", True),
    ExportColumn("previous_seats", "上年计划数", True),
    ExportColumn("previous_share", "上年比例（%）", True),
    ExportColumn("change", "增减", True),
    ExportColumn("share_change", "比例增减（百分点）", True),
)
_TENTH = Decimal("0.1")
Key = tuple[str, str, str]  # level, institution type, category


@dataclass(frozen=True)
class ScaleUsed:
    """One level's approved scale: the province's total, its reserve, and the institutions'."""

    level: str
    seats: int | None
    reserved: int
    institutions: int
    published: int


@dataclass(frozen=True)
class Report:
    """The report's rows (dicts with the keys of ``COLUMNS``), the previous exam and the scale."""

    exam: Exam
    previous: Exam | None
    rows: list[dict[str, Any]]
    scale: list[ScaleUsed]


def previous_exam(exam: Exam) -> Exam | None:
    """The province's latest exam of an earlier year, the same track preferred."""
    query = select(Exam).where(Exam.province_id == exam.province_id, Exam.year < exam.year)
    earlier = list(db.session.scalars(query))
    earlier.sort(key=lambda e: (e.year, e.track == exam.track, e.id))
    return earlier[-1] if earlier else None


def _seats(exam: Exam) -> dict[Key, int]:
    query = (
        select(Batch.level, Institution.institution_type, PlanLine.category_code, PlanLine.seats)
        .join(Batch, Batch.id == PlanLine.batch_id)
        .join(Institution, Institution.id == PlanLine.institution_id)
        .where(PlanLine.exam_id == exam.id)
    )
    out: dict[Key, int] = defaultdict(int)
    for level, kind, category, seats in db.session.execute(query):
        out[(level or "", kind or "其他", category)] += seats
    return out


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(_TENTH, rounding=ROUND_HALF_UP)


def _sum(
    seats: dict[Key, int], level: str, kind: str | None = None, category: str | None = None
) -> int:
    return sum(n for (lv, k, c), n in seats.items()
               if lv == level and kind in (None, k) and category in (None, c))  # fmt: skip


def _row(level: str, kind: str, category: str, now: int, before: int | None,
         total: int, previous_total: int | None) -> dict[str, Any]:  # fmt: skip
    share = _percent(now, total)
    previous_share = (
        _percent(before, previous_total) if before is not None and previous_total else None
    )
    return {
        "level": level, "institution_type": kind, "category": category, "seats": now,
        "share": share, "previous_seats": before, "previous_share": previous_share,
        "change": None if before is None else now - before,
        "share_change": None if share is None or previous_share is None else share - previous_share,
    }  # fmt: skip


def build_report(exam: Exam) -> Report:
    """Rows per level: each institution type's total, then its categories; then the level's total."""
    previous = previous_exam(exam)
    now = _seats(exam)
    before = _seats(previous) if previous else {}
    names = {c.code: c.name for c in (*(previous.categories if previous else ()), *exam.categories)}
    rows: list[dict[str, Any]] = []
    levels = [lv for lv in (*LEVELS, "") if any(k[0] == lv for k in (*now, *before))]
    for level in levels:
        total = _sum(now, level)
        previous_total = _sum(before, level) if previous else None
        shown = level or "（未设层次）"
        for kind in INSTITUTION_TYPES:
            if not _sum(now, level, kind) and not _sum(before, level, kind):
                continue
            prev = _sum(before, level, kind) if previous else None
            rows.append(
                _row(shown, kind, TOTAL, _sum(now, level, kind), prev, total, previous_total)
            )
            categories = sorted({c for lv, k, c in (*now, *before) if lv == level and k == kind})
            for category in categories:
                prev = _sum(before, level, kind, category) if previous else None
                label = f"{names[category]}（{category}）" if category in names else category
                rows.append(_row(shown, kind, label, _sum(now, level, kind, category), prev,
                                 total, previous_total))  # fmt: skip
        rows.append(_row(shown, ALL_TYPES, TOTAL, total, previous_total, total, previous_total))
    return Report(exam, previous, rows, _scale_used(exam, now))


def _scale_used(exam: Exam, now: dict[Key, int]) -> list[ScaleUsed]:
    scale = scale_rows(exam)
    out = []
    for level in LEVELS:
        province = scale.get((level, ""))
        institutions = sum(r.seats for (lv, code), r in scale.items() if lv == level and code)
        if province is None and not institutions:
            continue
        out.append(ScaleUsed(level, province.seats if province else None,
                             province.reserved if province else 0, institutions,
                             _sum(now, level)))  # fmt: skip
    return out


def _subtitle(report: Report) -> str:
    previous = f"对比：{report.previous.name}" if report.previous else "没有上年数据"
    used = (
        "；".join(
            f"{s.level}核定 {s.seats if s.seats is not None else '—'} 人（预留 {s.reserved}，"
            f"各院校核定合计 {s.institutions}），已公布 {s.published} 人"
            for s in report.scale
        )
        or "未设定核定招生规模"
    )
    return f"{previous}。{used}"


def report_bytes(report: Report, fmt: str) -> bytes:
    """The report as XLSX or PDF (Chinese headers)."""
    title = f"{report.exam.name} 招生计划（按院校类型）"
    if fmt == "pdf":
        return to_pdf_table(title, report.rows, COLUMNS, headers="zh", subtitle=_subtitle(report),
                            totals=[_subtitle(report)])  # fmt: skip
    return to_xlsx(report.rows, COLUMNS, sheet_name="应用型本科", headers="zh")

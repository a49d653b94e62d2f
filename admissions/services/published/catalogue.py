"""The public plan catalogue (招生计划): every plan line of an exam, filtered and paginated, in
the order batch → institution code → program code, and the same rows for the CSV download.

A row is built in one place (``CatalogueRow`` from ``_row``). The optional plan fields (tuition,
years, ownership, notes on the line; institution_type on the institution) are read when the
models have them, and the 办学性质 / 院校类型 filters work as soon as their columns exist
(``OPTIONAL_FILTERS``); until then a request that uses them is refused with a message.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select

from admissions.extensions import db
from admissions.files.columns import ExportColumn
from admissions.models import (
    AllocationRun,
    Batch,
    Dispatch,
    DispatchStatus,
    Exam,
    Institution,
    PlanLine,
    RunStatus,
)
from admissions.services.published.cache import cached

PAGE_SIZE = 50
OWNERSHIPS = ("公办", "民办")
INSTITUTION_TYPES = ("应用型本科", "职业本科", "高职专科", "其他")
# query parameter → (model, attribute, allowed values): filters on optional plan fields
OPTIONAL_FILTERS: dict[str, tuple[Any, str, tuple[str, ...], str]] = {
    "ownership": (PlanLine, "ownership", OWNERSHIPS, "办学性质"),
    "institution_type": (Institution, "institution_type", INSTITUTION_TYPES, "院校类型"),
}
OPTIONAL_LINE_FIELDS = ("tuition", "years", "ownership", "notes")


class FilterError(ValueError):
    """A query parameter the catalogue refuses (HTTP 400), with a Chinese message."""


@dataclass(frozen=True)
class CatalogueFilters:
    """What the visitor asked for; empty strings mean "any"."""

    batch: str = ""
    category: str = ""
    institution: str = ""
    city: str = ""
    ownership: str = ""
    institution_type: str = ""
    page: int = 1

    def args(self) -> dict[str, str]:
        """The non-empty filters as query parameters (the page's links keep them)."""
        names = ("batch", "category", "institution", "city", "ownership", "institution_type")
        return {name: getattr(self, name) for name in names if getattr(self, name)}


@dataclass(frozen=True)
class CatalogueRow:
    """One plan line as the public sees it. ``free`` is the free seats of the next round once
    a round of the batch ran (else None); optional fields are None when not given."""

    batch_code: str
    batch_name: str
    institution_code: str
    institution_name: str
    city: str
    program_code: str
    program_name: str
    category_code: str
    category_name: str
    group_code: str
    seats: int
    free: int | None
    requirements: str
    tuition: int | None = None
    years: int | None = None
    ownership: str | None = None
    institution_type: str | None = None
    notes: str | None = None

    def csv_row(self) -> dict[str, object]:
        """The row for the CSV download (keys of ``CSV_COLUMNS``)."""
        return {column.key: getattr(self, column.key) for column in CSV_COLUMNS}


CSV_COLUMNS = (
    ExportColumn("batch_code", "批次"), ExportColumn("institution_code", "院校代码"),
    ExportColumn("institution_name", "院校名称"), ExportColumn("city", "城市"),
    ExportColumn("program_code", "专业代码"), ExportColumn("program_name", "专业名称"),
    ExportColumn("category_name", "专业类别"), ExportColumn("group_code", "专业组"),
    ExportColumn("seats", "计划数", numeric=True), ExportColumn("free", "剩余计划", numeric=True),
    ExportColumn("requirements", "报考要求"), ExportColumn("tuition", "学费", numeric=True),
    ExportColumn("years", "学制", numeric=True), ExportColumn("ownership", "办学性质"),
    ExportColumn("institution_type", "院校类型"), ExportColumn("notes", "备注"),
)  # fmt: skip


def available_filters() -> tuple[str, ...]:
    """The optional filters whose columns exist."""
    return tuple(k for k, (model, attr, _, _) in OPTIONAL_FILTERS.items() if hasattr(model, attr))


def parse_filters(exam: Exam, args: Mapping[str, str]) -> CatalogueFilters:
    """Filters from query parameters; ``FilterError`` for a value the exam does not have."""
    values = {name: (args.get(name) or "").strip() for name in
              ("batch", "category", "institution", "city", *OPTIONAL_FILTERS)}  # fmt: skip
    if values["batch"] and values["batch"] not in {b.code for b in exam.batches}:
        raise FilterError(f"本考试没有批次“{values['batch'][:20]}”")
    if values["category"] and values["category"] not in {c.code for c in exam.categories}:
        raise FilterError(f"本考试没有专业类别“{values['category'][:20]}”")
    if len(values["institution"]) > 60 or len(values["city"]) > 40:
        raise FilterError("院校或城市的查询内容过长，请缩短后重试")
    for name, (model, attr, allowed, label) in OPTIONAL_FILTERS.items():
        if not values[name]:
            continue
        if not hasattr(model, attr):
            raise FilterError(f"招生计划尚未提供“{label}”信息，不能按{label}筛选")
        if values[name] not in allowed:
            raise FilterError(f"{label}应为：{'、'.join(allowed)}")
    return CatalogueFilters(**values, page=parse_page(args.get("page")))


def parse_page(raw: str | None) -> int:
    """A page number ≥ 1 (missing: 1)."""
    if raw is None or raw == "":
        return 1
    if not raw.isdigit() or len(raw) > 6 or int(raw) < 1:
        raise FilterError("页码应为从 1 开始的整数")
    return int(raw)


def _query(exam: Exam, filters: CatalogueFilters) -> Select[Any]:
    query = (
        select(PlanLine, Institution, Batch)
        .join(Institution, PlanLine.institution_id == Institution.id)
        .join(Batch, PlanLine.batch_id == Batch.id)
        .where(PlanLine.exam_id == exam.id)
    )
    if filters.batch:
        query = query.where(Batch.code == filters.batch)
    if filters.category:
        query = query.where(PlanLine.category_code == filters.category)
    if filters.institution:
        text = filters.institution
        query = query.where(
            or_(Institution.code == text, Institution.name.contains(text, autoescape=True))
        )
    if filters.city:
        query = query.where(Institution.city.contains(filters.city, autoescape=True))
    for name, (model, attr, _, _) in OPTIONAL_FILTERS.items():
        if getattr(filters, name) and hasattr(model, attr):
            query = query.where(getattr(model, attr) == getattr(filters, name))
    return query


def _free_seats(exam: Exam) -> tuple[set[int], dict[int, int]]:
    """Batches with a published round, and admitted candidates per plan line."""
    ran = set(db.session.scalars(
        select(AllocationRun.batch_id).where(
            AllocationRun.exam_id == exam.id, AllocationRun.status == RunStatus.PUBLISHED,
            AllocationRun.dry_run.is_(False))
    ))  # fmt: skip
    if not ran:
        return ran, {}
    rows = db.session.execute(
        select(Dispatch.plan_line_id, func.count(Dispatch.id))
        .join(AllocationRun, Dispatch.run_id == AllocationRun.id)
        .where(AllocationRun.exam_id == exam.id, AllocationRun.status == RunStatus.PUBLISHED,
               AllocationRun.dry_run.is_(False), Dispatch.status == DispatchStatus.ADMITTED)
        .group_by(Dispatch.plan_line_id)
    ).all()  # fmt: skip
    admitted = {k: v for k, v in rows}
    return ran, {int(k): int(v) for k, v in admitted.items() if k is not None}


def _row(line: PlanLine, institution: Institution, batch: Batch, categories: dict[str, str],
         ran: set[int], admitted: dict[int, int], words: Any) -> CatalogueRow:  # fmt: skip
    free = max(0, line.seats - admitted.get(line.id, 0)) if batch.id in ran else None
    extra = {name: getattr(line, name, None) for name in OPTIONAL_LINE_FIELDS}
    return CatalogueRow(
        batch.code, batch.name, institution.code, institution.name, institution.city or "",
        line.program_code, line.program_name, line.category_code,
        categories.get(line.category_code, line.category_code), line.group_code or "",
        line.seats, free, words(line.requirements) if line.requirements else "",
        institution_type=getattr(institution, "institution_type", None), **extra,
    )  # fmt: skip


def _ordered(query: Select[Any]) -> Select[Any]:
    return query.order_by(Batch.sequence, Institution.code, PlanLine.program_code)


def catalogue_page(
    exam: Exam, filters: CatalogueFilters, words: Any, page_size: int = PAGE_SIZE
) -> tuple[list[CatalogueRow], int, int]:
    """(rows of the page, lines found, pages); ``FilterError`` past the last page. Kept a short
    while (``cache``)."""
    key = ("plans", filters, page_size)
    rows, total, pages = cached(exam, key, lambda: _page(exam, filters, words, page_size))
    if filters.page > pages:
        raise FilterError(f"页码超出范围：共 {pages} 页")
    return rows, total, pages


def _page(
    exam: Exam, filters: CatalogueFilters, words: Any, page_size: int
) -> tuple[list[CatalogueRow], int, int]:
    total = db.session.scalar(
        select(func.count()).select_from(_query(exam, filters).subquery())
    ) or 0  # fmt: skip
    pages = max(1, math.ceil(total / page_size))
    if filters.page > pages:
        return [], total, pages
    query = _ordered(_query(exam, filters)).offset((filters.page - 1) * page_size).limit(page_size)
    return _rows(exam, query, words), total, pages


def catalogue_rows(exam: Exam, filters: CatalogueFilters, words: Any) -> list[CatalogueRow]:
    """Every line the filters select (the CSV download), in catalogue order."""
    return _rows(exam, _ordered(_query(exam, filters)), words)


def _rows(exam: Exam, query: Select[Any], words: Any) -> list[CatalogueRow]:
    categories = {c.code: c.name for c in exam.categories}
    ran, admitted = _free_seats(exam)
    return [
        _row(line, institution, batch, categories, ran, admitted, words)
        for line, institution, batch in db.session.execute(query)
    ]


def has_plans(exam: Exam) -> bool:
    """Whether the exam has any plan line yet."""
    return (
        db.session.scalar(select(PlanLine.id).where(PlanLine.exam_id == exam.id).limit(1))
        is not None
    )

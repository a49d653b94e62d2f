"""The review list of a round: the candidates dispatched to the institution, a page at a time,
with what the page says around them (round, deadline, why decisions are refused) and how each
candidate's composite was made.

Read-only. The list is the busiest page of the university staff in a round, so it is read in
few queries: one for the page of rows (with the count of all and the composites), one for the
round around it, one for the component scores.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, select

from admissions.extensions import db
from admissions.models import (
    AllocationRun,
    Batch,
    Candidate,
    Component,
    ComponentScore,
    Dispatch,
    DispatchStatus,
    Exam,
    PlanLine,
    Round,
    Scheme,
    ScoreResult,
)
from admissions.services.rounds import decisions

REVIEW_PAGE_SIZE = 50
# Blank values (a dispatch without a total, rank, choice or program) come last in every order, on
# both databases (PostgreSQL puts NULLs first in a descending order, SQLite in an ascending one).
_TOTAL = Dispatch.total.desc().nulls_last()
SORTS = {
    "total": (_TOTAL, Dispatch.rank.asc().nulls_last()),
    "rank": (Dispatch.rank.asc().nulls_last(), Candidate.candidate_no),
    "candidate_no": (Candidate.candidate_no,),
    "name": (Candidate.name, Candidate.candidate_no),
    "choice": (Dispatch.choice.asc().nulls_last(), _TOTAL),
    "program": (PlanLine.program_code.asc().nulls_last(), _TOTAL),
}
STATUSES = tuple(s.value for s in DispatchStatus)


# What a row of the list shows, read as plain columns: fifty rows of three ORM objects each
# would cost more to load and track than the page spends on anything else.
@dataclass(frozen=True, slots=True)
class ReviewDispatch:
    """The dispatch of a row."""

    id: int
    total: Decimal | None
    rank: int | None
    choice: int | None
    status: DispatchStatus
    reason: str


@dataclass(frozen=True, slots=True)
class ReviewCandidate:
    """The candidate of a row."""

    id: int
    candidate_no: str
    name: str


@dataclass(frozen=True, slots=True)
class ReviewLine:
    """The plan line of a row (its program)."""

    id: int
    program_code: str
    program_name: str


ReviewRow = tuple[ReviewDispatch, ReviewCandidate, ReviewLine | None]
ROW_COLUMNS = (
    Dispatch.id, Dispatch.total, Dispatch.rank, Dispatch.choice, Dispatch.status, Dispatch.reason,
    Candidate.id, Candidate.candidate_no, Candidate.name,
    PlanLine.id, PlanLine.program_code, PlanLine.program_name,
)  # fmt: skip


@dataclass(frozen=True)
class ReviewFilter:
    """Filters, order and page of the review list."""

    status: str = ""
    program_code: str = ""
    search: str = ""
    sort: str = "total"
    page: int = 1

    def args(self) -> dict[str, str]:
        """The query parameters that give this list again (page links keep the filters)."""
        named = {"status": self.status, "program": self.program_code, "q": self.search,
                 "sort": self.sort if self.sort != "total" else ""}  # fmt: skip
        return {key: value for key, value in named.items() if value}


@dataclass(frozen=True)
class ResultFigures:
    """A candidate's composite under the run's rules version, as stored."""

    raw_total: Decimal | None
    bonus: Decimal | None
    total: Decimal | None
    reasons: Sequence[Any] | None


@dataclass(frozen=True)
class ReviewPage:
    """One page of the list: its rows, the number of rows in all, the pages, which page it is,
    and the stored composite of each candidate on it (by candidate id)."""

    rows: list[ReviewRow]
    total: int
    pages: int
    page: int
    results: dict[int, ResultFigures]


def _order(filters: ReviewFilter) -> tuple[Any, ...]:
    """The list's ORDER BY: the chosen sort, then the dispatch id (one order, every page)."""
    return (*SORTS.get(filters.sort, SORTS["total"]), Dispatch.id)


def _review_query(run: AllocationRun, institution_id: int, filters: ReviewFilter, *columns):  # type: ignore[no-untyped-def]
    """COLUMNS of the list's dispatches, filtered: the candidate and the plan line are joined
    only where the filters or the order read them."""
    ordered = select(*_order(filters)).columns_clause_froms
    query = select(*columns).select_from(Dispatch)
    if filters.search or Candidate.__table__ in ordered:
        query = query.join(Candidate, Candidate.id == Dispatch.candidate_id)
    if filters.program_code or PlanLine.__table__ in ordered:
        query = query.outerjoin(PlanLine, PlanLine.id == Dispatch.plan_line_id)
    query = query.where(Dispatch.run_id == run.id, Dispatch.institution_id == institution_id)
    if filters.status in STATUSES:
        query = query.where(Dispatch.status == filters.status)
    if filters.program_code:
        query = query.where(PlanLine.program_code == filters.program_code)
    if filters.search:
        term = filters.search.strip()  # % and _ are letters here, not wildcards
        query = query.where(
            Candidate.name.contains(term, autoescape=True)
            | Candidate.candidate_no.contains(term, autoescape=True)
        )
    return query


def _page_rows(run: AllocationRun, institution_id: int, filters: ReviewFilter, page: int):  # type: ignore[no-untyped-def]
    """The rows of PAGE, each with the count of all rows and the candidate's stored composite.

    The page is chosen among the dispatches alone (with the candidate or the plan line only
    where the filters or the order need them); its fifty rows are then joined to their
    candidate, program and composite: an institution has a thousand dispatches in a round,
    and joining them all first cost PostgreSQL a scan of every candidate of the exam.
    """
    order = _order(filters)
    chosen = (
        _review_query(run, institution_id, filters, Dispatch.id, func.count().over().label("n"))
        .order_by(*order)
        .limit(REVIEW_PAGE_SIZE).offset((page - 1) * REVIEW_PAGE_SIZE)
        .subquery("page")
    )  # fmt: skip
    query = (
        select(*ROW_COLUMNS)
        .select_from(chosen)
        .join(Dispatch, Dispatch.id == chosen.c.id)
        .join(Candidate, Candidate.id == Dispatch.candidate_id)
        .outerjoin(PlanLine, PlanLine.id == Dispatch.plan_line_id)
        .outerjoin(ScoreResult, and_(ScoreResult.candidate_id == Candidate.id,
                                     ScoreResult.rules_version_id == run.rules_version_id))
        .add_columns(ScoreResult.id, ScoreResult.raw_total, ScoreResult.bonus,
                     ScoreResult.total, ScoreResult.reasons, chosen.c.n)
        .order_by(*order)
    )  # fmt: skip
    return db.session.execute(query).all()


def review_page(run: AllocationRun, institution_id: int, filters: ReviewFilter) -> ReviewPage:
    """One page (REVIEW_PAGE_SIZE rows) of the run's dispatches to the institution, filtered
    and sorted; a page past the end shows the last one."""
    page = max(1, filters.page)
    found = _page_rows(run, institution_id, filters, page)
    total = int(found[0][-1]) if found else 0
    if not found and page > 1:  # a page past the end: count, then show the last page
        query = _review_query(run, institution_id, filters, Dispatch.id)
        total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        page = max(1, -(-total // REVIEW_PAGE_SIZE))
        found = _page_rows(run, institution_id, filters, page) if total else []
    rows: list[ReviewRow] = [
        (ReviewDispatch(*r[0:6]), ReviewCandidate(*r[6:9]),
         ReviewLine(*r[9:12]) if r[9] is not None else None)
        for r in found
    ]  # fmt: skip
    results = {r[6]: ResultFigures(*r[13:17]) for r in found if r[12] is not None}
    return ReviewPage(rows, total, max(1, -(-total // REVIEW_PAGE_SIZE)), page, results)


@dataclass(frozen=True)
class RunHeading:
    """What a review page says the round is: exam, batch, round, and its decision deadline."""

    exam_name: str
    batch_name: str
    round_number: int
    deadline: datetime | None


@dataclass(frozen=True)
class ReviewContext:
    """Around the list: the heading, the composite's formula under the run's rules, why
    decisions on the run are refused now (None when they are accepted), and the exam's
    components in order, (id, name), for the explanations (None: not read)."""

    heading: RunHeading
    formula: str
    problem: str | None
    components: tuple[tuple[int, str], ...] | None = None


def review_context(run: AllocationRun, now: datetime | None = None) -> ReviewContext:
    """The heading, formula, problem and components of ``run`` in one query (what
    ``decisions.review_problem`` and ``explanations`` would read one by one): a row
    per component, the round's facts repeated on each."""
    rows = db.session.execute(
        select(Exam.name, Batch.name, Batch.scheme_code, Round.status, Round.decisions_deadline,
               Scheme.formula, decisions.newer_live_runs(run).scalar_subquery(),
               Component.id, Component.name)
        .select_from(Batch)
        .outerjoin(Exam, Exam.id == run.exam_id)
        .outerjoin(Round, and_(Round.batch_id == Batch.id, Round.number == run.round_number))
        .outerjoin(Scheme, and_(Scheme.rules_version_id == run.rules_version_id,
                                Scheme.code == Batch.scheme_code))
        .outerjoin(Component, Component.exam_id == run.exam_id)
        .where(Batch.id == run.batch_id)
        .order_by(Component.position, Component.id)
    ).all()  # fmt: skip
    if not rows:  # a run without its batch: an empty heading
        return ReviewContext(RunHeading("", "", run.round_number, None), "", decisions.review_problem(run, now))  # fmt: skip
    exam_name, batch_name, _, status, deadline, formula, newer = rows[0][:7]
    components = tuple((row[7], row[8]) for row in rows if row[7] is not None)
    if not decisions.is_live(run):
        problem: str | None = decisions.NOT_LIVE
    elif newer:
        problem = decisions.SUPERSEDED
    else:
        problem = decisions.round_problem(status, deadline, now)
    heading = RunHeading(exam_name or "", batch_name, run.round_number, deadline)
    return ReviewContext(
        heading, formula or "" if run.rules_version_id else "", problem, components
    )


@dataclass
class Explanation:
    """How a candidate's composite was made: component scores, formula, raw total, bonus, total."""

    parts: list[tuple[str, Decimal | None]]
    formula: str
    raw_total: Decimal | None
    bonus: Decimal | None
    total: Decimal | None
    reasons: list[str]

    def text(self) -> str:
        """One line: 语文 98 · 技能测试 200 → 原始总分 298 + 加分 5 = 303."""
        scores = " · ".join(f"{name} {_plain(value)}" for name, value in self.parts)
        if self.total is None:
            return f"{scores} → 总分尚未按本轮规则计算"
        return f"{scores} → 原始总分 {_plain(self.raw_total)} + 加分 {_plain(self.bonus)} = {_plain(self.total)}"


def _plain(value: Decimal | None) -> str:
    if value is None:
        return "缺考"
    return format(value.normalize(), "f")


def explanations(
    run: AllocationRun,
    candidate_ids: list[int],
    formula: str | None = None,
    results: dict[int, ResultFigures] | None = None,
    components: Sequence[tuple[int, str]] | None = None,
) -> dict[int, Explanation]:
    """The explanation of each candidate's composite under the run's rules version.
    ``formula``, ``results`` and ``components`` (of ``review_context`` and ``review_page``)
    save reading them."""
    if components is None:
        components = db.session.execute(
            select(Component.id, Component.name)
            .where(Component.exam_id == run.exam_id).order_by(Component.position, Component.id)
        ).all()  # fmt: skip
    # plain rows, not ORM objects: a page holds dozens of candidates with a score per component
    scores: dict[int, dict[int, Decimal | None]] = defaultdict(dict)
    if candidate_ids:
        for candidate_id, component_id, value in db.session.execute(
            select(ComponentScore.candidate_id, ComponentScore.component_id, ComponentScore.value)
            .where(ComponentScore.candidate_id.in_(candidate_ids))
        ):  # fmt: skip
            scores[candidate_id][component_id] = value
    if results is None:
        results = _results(run, candidate_ids)
    formula = _formula(run) if formula is None else formula
    out = {}
    for cid in candidate_ids:
        result = results.get(cid)
        parts = [(name, scores[cid].get(component_id)) for component_id, name in components]
        out[cid] = Explanation(
            parts, formula,
            result.raw_total if result else None, result.bonus if result else None,
            result.total if result else None,
            [str(reason) for reason in result.reasons or ()] if result else [],
        )  # fmt: skip
    return out


def _results(run: AllocationRun, candidate_ids: list[int]) -> dict[int, ResultFigures]:
    return {
        cid: ResultFigures(raw_total, bonus, total, reasons)
        for cid, raw_total, bonus, total, reasons in db.session.execute(
            select(
                ScoreResult.candidate_id,
                ScoreResult.raw_total,
                ScoreResult.bonus,
                ScoreResult.total,
                ScoreResult.reasons,
            ).where(
                ScoreResult.candidate_id.in_(candidate_ids),
                ScoreResult.rules_version_id == run.rules_version_id,
            )
        )  # fmt: skip
    }


def _formula(run: AllocationRun) -> str:
    batch = db.session.get(Batch, run.batch_id)
    if run.rules_version_id is None or batch is None:
        return ""
    scheme = db.session.scalar(
        select(Scheme).where(
            Scheme.rules_version_id == run.rules_version_id, Scheme.code == batch.scheme_code
        )
    )
    return scheme.formula if scheme else ""


def programs_of(run: AllocationRun, institution_id: int) -> list[tuple[str, str]]:
    """(program code, name) of the institution's lines in the run's batch, for the filter."""
    return [
        (code, name)
        for code, name in db.session.execute(
            select(PlanLine.program_code, PlanLine.program_name)
            .where(PlanLine.batch_id == run.batch_id, PlanLine.institution_id == institution_id)
            .order_by(PlanLine.program_code, PlanLine.id)
        )
    ]

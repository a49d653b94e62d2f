"""What a university sees: its plan lines with counts, its rounds, cutoffs and dispatched candidates.

Read-only queries; "live" runs are the real (not dry, succeeded or published) runs, the latest
one per batch and round.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select

from admissions.extensions import db
from admissions.models import (
    AllocationRun,
    Batch,
    Candidate,
    Component,
    ComponentScore,
    Cutoff,
    Dispatch,
    DispatchStatus,
    Exam,
    PlanLine,
    Scheme,
    ScoreResult,
)
from admissions.services.rounds import decisions
from admissions.services.rounds.runs import LIVE, live_run_ids

SORTS = {
    "total": (Dispatch.total.desc(), Dispatch.rank),
    "rank": (Dispatch.rank, Candidate.candidate_no),
    "candidate_no": (Candidate.candidate_no,),
    "name": (Candidate.name, Candidate.candidate_no),
    "choice": (Dispatch.choice, Dispatch.total.desc()),
    "program": (PlanLine.program_code, Dispatch.total.desc()),
}
STATUSES = tuple(s.value for s in DispatchStatus)


@dataclass
class LineOverview:
    """One plan line of the institution with its counts across live runs."""

    line: PlanLine
    dispatched: int = 0
    admitted: int = 0
    rejected: int = 0

    @property
    def remaining(self) -> int:
        """Seats not yet filled by an admission."""
        return max(0, self.line.seats - self.admitted)


def plan_overview(institution_id: int) -> list[LineOverview]:
    """The institution's plan lines, across exams and batches, with pending/admitted/rejected."""
    lines = db.session.scalars(
        select(PlanLine)
        .where(PlanLine.institution_id == institution_id)
        .order_by(PlanLine.exam_id, PlanLine.batch_id, PlanLine.program_code)
    ).all()
    rows = {line.id: LineOverview(line) for line in lines}
    counts = db.session.execute(
        select(Dispatch.plan_line_id, Dispatch.status, func.count(Dispatch.id))
        .where(Dispatch.institution_id == institution_id, Dispatch.run_id.in_(live_run_ids()))
        .group_by(Dispatch.plan_line_id, Dispatch.status)
    ).all()
    for line_id, status, count in counts:
        if line_id in rows:
            name = {"dispatched": "dispatched", "admitted": "admitted", "rejected": "rejected"}
            setattr(rows[line_id], name[str(status)], count)
    return list(rows.values())


@dataclass
class RoundSummary:
    """A live run in which the institution received candidates."""

    run: AllocationRun
    exam: Exam
    batch: Batch
    counts: dict[str, int] = field(default_factory=dict)


def rounds_for(institution_id: int) -> list[RoundSummary]:
    """The live runs that dispatched candidates to the institution, newest first."""
    result = db.session.execute(
        select(AllocationRun, Exam, Batch, Dispatch.status, func.count(Dispatch.id))
        .join(Dispatch, Dispatch.run_id == AllocationRun.id)
        .join(Exam, Exam.id == AllocationRun.exam_id)
        .join(Batch, Batch.id == AllocationRun.batch_id)
        .where(Dispatch.institution_id == institution_id, AllocationRun.id.in_(live_run_ids()))
        .group_by(AllocationRun.id, Exam.id, Batch.id, Dispatch.status)
        .order_by(AllocationRun.id.desc())
    ).all()
    summaries: dict[int, RoundSummary] = {}
    for run, exam, batch, status, count in result:
        summary = summaries.setdefault(run.id, RoundSummary(run, exam, batch))
        summary.counts[str(status)] = count
    return list(summaries.values())


def cutoffs_for(institution_id: int) -> list[tuple[Cutoff, PlanLine, AllocationRun]]:
    """Cutoffs (投档线) of the institution's plan lines in every live run."""
    return [
        tuple(row)  # type: ignore[misc]
        for row in db.session.execute(
            select(Cutoff, PlanLine, AllocationRun)
            .join(PlanLine, PlanLine.id == Cutoff.plan_line_id)
            .join(AllocationRun, AllocationRun.id == Cutoff.run_id)
            .where(PlanLine.institution_id == institution_id, Cutoff.run_id.in_(live_run_ids()))
            .order_by(AllocationRun.batch_id, AllocationRun.round_number, PlanLine.program_code)
        ).all()
    ]


def run_for_institution(run_id: int, institution_id: int) -> AllocationRun | None:
    """The run, if it is live and dispatched to (or could dispatch to) the institution."""
    run = db.session.get(AllocationRun, run_id)
    if run is None or run.dry_run or run.status not in LIVE:
        return None
    holds_line = db.session.scalar(
        select(func.count(PlanLine.id)).where(
            PlanLine.batch_id == run.batch_id, PlanLine.institution_id == institution_id
        )
    )
    return run if holds_line else None


REVIEW_PAGE_SIZE = 50


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


def _review_query(run: AllocationRun, institution_id: int, filters: ReviewFilter):  # type: ignore[no-untyped-def]
    query = (
        select(Dispatch, Candidate, PlanLine)
        .join(Candidate, Candidate.id == Dispatch.candidate_id)
        .outerjoin(PlanLine, PlanLine.id == Dispatch.plan_line_id)
        .where(Dispatch.run_id == run.id, Dispatch.institution_id == institution_id)
    )
    if filters.status in STATUSES:
        query = query.where(Dispatch.status == filters.status)
    if filters.program_code:
        query = query.where(PlanLine.program_code == filters.program_code)
    if filters.search:
        like = f"%{filters.search.strip()}%"
        query = query.where(Candidate.name.like(like) | Candidate.candidate_no.like(like))
    return query


def review_rows(
    run: AllocationRun, institution_id: int, filters: ReviewFilter
) -> list[tuple[Dispatch, Candidate, PlanLine | None]]:
    """The run's dispatches to the institution, filtered and sorted (every page)."""
    query = _review_query(run, institution_id, filters)
    query = query.order_by(*SORTS.get(filters.sort, SORTS["total"]), Dispatch.id)
    return [tuple(row) for row in db.session.execute(query).all()]  # type: ignore[misc]


def review_page(
    run: AllocationRun, institution_id: int, filters: ReviewFilter
) -> tuple[list[tuple[Dispatch, Candidate, PlanLine | None]], int, int]:
    """One page (REVIEW_PAGE_SIZE rows) of ``review_rows``, the number of rows in all and the
    number of pages; a page past the end shows the last one."""
    query = _review_query(run, institution_id, filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // REVIEW_PAGE_SIZE))
    page = min(max(1, filters.page), pages)
    query = (
        query.order_by(*SORTS.get(filters.sort, SORTS["total"]), Dispatch.id)
        .limit(REVIEW_PAGE_SIZE)
        .offset((page - 1) * REVIEW_PAGE_SIZE)
    )
    rows = [tuple(row) for row in db.session.execute(query).all()]
    return rows, total, pages  # type: ignore[return-value]


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


def explanations(run: AllocationRun, candidate_ids: list[int]) -> dict[int, Explanation]:
    """The explanation of each candidate's composite under the run's rules version."""
    components = db.session.scalars(
        select(Component).where(Component.exam_id == run.exam_id).order_by(Component.position)
    ).all()
    # plain rows, not ORM objects: a page holds dozens of candidates with a score per component
    scores: dict[int, dict[int, Decimal | None]] = defaultdict(dict)
    for candidate_id, component_id, value in db.session.execute(
        select(ComponentScore.candidate_id, ComponentScore.component_id, ComponentScore.value)
        .where(ComponentScore.candidate_id.in_(candidate_ids))
    ):  # fmt: skip
        scores[candidate_id][component_id] = value
    results = {
        r.candidate_id: r
        for r in db.session.execute(
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
    formula = _formula(run)
    out = {}
    for cid in candidate_ids:
        result = results.get(cid)
        parts = [(c.name, scores[cid].get(c.id)) for c in components]
        out[cid] = Explanation(
            parts, formula,
            result.raw_total if result else None, result.bonus if result else None,
            result.total if result else None,
            [str(reason) for reason in result.reasons or ()] if result else [],
        )  # fmt: skip
    return out


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
        (line.program_code, line.program_name)
        for line in db.session.scalars(
            select(PlanLine)
            .where(PlanLine.batch_id == run.batch_id, PlanLine.institution_id == institution_id)
            .order_by(PlanLine.program_code)
        )
    ]


def group_majors(dispatch: Dispatch) -> list[tuple[str, str]]:
    """The majors a grouped dispatch may be placed in (its group's lines); empty when flat."""
    if not dispatch.group_code:
        return []
    return [
        (line.program_code, f"{line.program_code} {line.program_name}")
        for line in db.session.scalars(
            select(PlanLine)
            .where(
                PlanLine.batch_id == dispatch.run.batch_id,
                PlanLine.institution_id == dispatch.institution_id,
                PlanLine.group_code == dispatch.group_code,
            )
            .order_by(PlanLine.program_code)
        )
    ]


@dataclass
class DispatchView:
    """What the detail page shows next to a dispatch."""

    candidate: Candidate
    line: PlanLine | None
    exam: Exam
    batch: Batch


def dispatch_view(dispatch: Dispatch) -> DispatchView:
    """The candidate, plan line, exam and batch of a dispatch."""
    candidate = db.session.get(Candidate, dispatch.candidate_id)
    line = db.session.get(PlanLine, dispatch.plan_line_id) if dispatch.plan_line_id else None
    exam = db.session.get(Exam, dispatch.run.exam_id)
    batch = db.session.get(Batch, dispatch.run.batch_id)
    assert candidate is not None and exam is not None and batch is not None
    return DispatchView(candidate, line, exam, batch)


@dataclass(frozen=True)
class RunHeading:
    """What a review page says the round is: exam, batch, round, and its decision deadline."""

    exam_name: str
    batch_name: str
    round_number: int
    deadline: datetime | None


def run_heading(run: AllocationRun) -> RunHeading:
    """The names and deadline of a run's round, for its review page."""
    exam = db.session.get(Exam, run.exam_id)
    batch = db.session.get(Batch, run.batch_id)
    round_row = decisions.round_of(run)
    return RunHeading(
        exam.name if exam else "", batch.name if batch else "", run.round_number,
        round_row.decisions_deadline if round_row else None,
    )  # fmt: skip

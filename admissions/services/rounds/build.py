"""Building the engine's AllocationInput for one batch and round from the database."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import ColumnElement, Select, func, select

from admissions.extensions import db
from admissions.labels import named
from admissions.models import (
    AllocationRun,
    Batch,
    BatchShape,
    Dispatch,
    DispatchStatus,
    Exam,
    PlanLine,
    PreferenceItem,
    PreferenceList,
    PreferenceMajor,
    PreferenceStatus,
    Round,
)
from admissions.models.base import utcnow
from admissions.services.imports.bulk import plain_rows
from admissions.services.local_time import show_local
from admissions.services.rounds.guards import RoundError
from admissions.services.rounds.reserved import reserved_inputs
from admissions.services.rounds.runs import run_named, saved_runs
from admissions.services.scores.inputs import (
    SchemeScores,
    current_rules,
    headline_ranks,
    scheme_results,
    score_columns,
)
from admissions.services.wording import command_hint
from scoring.allocation import AllocationInput, FlatPreferences, GroupedPreferences, SchemeOrder
from scoring.bulk import bulk_lines
from scoring.expr import ExprError, parse_condition
from scoring.vector import truth


@dataclass(frozen=True)
class RoundInput:
    """The engine input plus what is needed to map its indices back to rows."""

    inp: AllocationInput
    rules_version_id: int
    candidate_ids: np.ndarray
    lines: list[PlanLine]
    line_scheme_codes: list[str]
    scores: dict[str, SchemeScores]
    ranks: np.ndarray
    group_keys: list[tuple[int, str]]
    with_preferences: int
    type_codes: np.ndarray | None = None  # each candidate's type column of ``line_types``
    line_types: np.ndarray | None = None  # line × type: admitted (lines reserved to types)


def check_can_run(exam: Exam, batch: Batch, round_number: int, *, dry_run: bool = False) -> None:
    """Refuse a round out of range, a re-run, a real run while the preference window is open, or
    one while earlier dispatches are undecided."""
    if not 1 <= round_number <= batch.rounds:
        raise RoundError(
            f"{named(batch.name, batch.code)}只有 {batch.rounds} 轮，没有第 {round_number} 轮"
        )
    first = next(iter(saved_runs(batch, round_number)), None)
    if first is not None:
        raise RoundError(
            f"{named(batch.name, batch.code)}第 {round_number} 轮已经投档（{run_named(first)}），"
            "不能重复投档"
        )
    if not dry_run:
        _refuse_open_window(batch, round_number)
    pending = db.session.scalar(
        select(func.count(Dispatch.id))
        .join(AllocationRun, AllocationRun.id == Dispatch.run_id)
        .where(AllocationRun.exam_id == exam.id, Dispatch.status == DispatchStatus.DISPATCHED)
    )
    if pending:
        raise RoundError(
            f"还有 {pending} 名已投档考生未结束审核，请先结束上一轮"
            + command_hint(f"round close {exam.code} <批次代码>")
        )


def _refuse_open_window(batch: Batch, round_number: int) -> None:
    """A real run reads the preferences as they stand: not while candidates may still change them."""
    closes = db.session.scalar(
        select(Round.prefs_close_at).where(Round.batch_id == batch.id, Round.number == round_number)
    )
    if closes is not None and utcnow() < closes:
        raise RoundError(
            f"{named(batch.name, batch.code)}第 {round_number} 轮志愿填报尚未截止，截止时间为 {show_local(closes)}；"
            "考生仍可修改志愿。请在截止后投档，或先在“轮次与时间”页点“立即截止志愿填报”"
            + command_hint(
                f"round window-close {batch.exam.code} {batch.code} --round {round_number}"
            )
        )


def build_round_input(exam: Exam, batch: Batch, round_number: int) -> RoundInput:
    """Candidates with scores, plan lines with free seats, preferences and eligibility."""
    version, rules = current_rules(exam)
    columns = score_columns(exam)
    lines = list(db.session.scalars(
        select(PlanLine).where(PlanLine.batch_id == batch.id).order_by(PlanLine.id)
    ))  # fmt: skip
    line_schemes = [line.scheme_code or batch.scheme_code for line in lines]
    scores = scheme_results(rules, columns, [batch.scheme_code, *line_schemes])
    order = list(dict.fromkeys(line_schemes)) or [batch.scheme_code]
    cat_codes, cat_uniques = pd.factorize(
        np.concatenate([columns.categories, np.asarray([ln.category_code for ln in lines], object)])
    )
    n = len(columns.candidate_ids)
    above = bulk_lines(
        rules, batch.code, pd.Series(columns.categories), scores[batch.scheme_code].result
    )
    qualified = (
        np.stack([scores[c].result.qualified & above for c in order])
        if n
        else np.zeros((len(order), 0), bool)
    )
    row_of = {int(cid): i for i, cid in enumerate(columns.candidate_ids)}
    line_of = {line.id: j for j, line in enumerate(lines)}
    grouped = batch.shape == BatchShape.GROUPED
    group_keys = list(dict.fromkeys((ln.institution_id, ln.group_code or "") for ln in lines))
    prefs = _preferences(batch, round_number, row_of, line_of, group_keys, grouped, n)
    listed = _listed_pairs(prefs, n)
    line_groups = _line_groups(lines, group_keys) if grouped else None
    codes, allowed, reserved = reserved_inputs(exam, columns.candidate_ids, lines, prefs, listed,
                                               line_groups)  # fmt: skip
    inp = AllocationInput(
        category=cat_codes[:n].astype(np.int64),
        candidate_no=columns.candidate_nos,
        schemes=tuple(_scheme_order(scores[c]) for c in order),
        qualified=qualified,
        line_category=cat_codes[n:].astype(np.int64),
        line_scheme=np.asarray([order.index(c) for c in line_schemes], dtype=np.int64),
        free_seats=_free_seats(batch, round_number, lines),
        preferences=prefs,
        ratio=Fraction(batch.ratio),
        line_group=line_groups,
        program_rank=_program_rank(lines) if grouped else None,
        requirement_failures=np.union1d(
            _requirement_failures(lines, line_schemes, scores, listed, n),
            reserved,
        ).astype(np.int64),
        excluded=_excluded(exam, batch, round_number, row_of, n),
    )
    del cat_uniques
    return RoundInput(
        inp, version.id, columns.candidate_ids, lines, line_schemes, scores,
        headline_ranks(rules, columns, scores), group_keys, int(np.count_nonzero(np.diff(prefs.ptr))),
        codes, allowed,
    )  # fmt: skip


def _scheme_order(s: SchemeScores) -> SchemeOrder:
    ties = "share" if s.keys.ties == "share" else "candidate_no"
    sign = s.keys.choice_sign if s.keys.choice_at is not None else -1
    return SchemeOrder(s.keys.keys, s.keys.choice_at, sign, ties)


def _free_seats(batch: Batch, round_number: int, lines: list[PlanLine]) -> np.ndarray:
    """max(0, seats − admitted in earlier rounds of this batch)."""
    admitted = dict(db.session.execute(
        select(Dispatch.plan_line_id, func.count(Dispatch.id))
        .join(AllocationRun, AllocationRun.id == Dispatch.run_id)
        .where(AllocationRun.batch_id == batch.id, AllocationRun.round_number < round_number,
               Dispatch.status == DispatchStatus.ADMITTED)
        .group_by(Dispatch.plan_line_id)
    ).all())  # fmt: skip
    return np.asarray([max(0, ln.seats - admitted.get(ln.id, 0)) for ln in lines], dtype=np.int64)


def _excluded(
    exam: Exam, batch: Batch, round_number: int, row_of: dict[int, int], n: int
) -> np.ndarray:
    """Admitted in any saved run of the exam; rejected in a saved run of this very round."""
    admitted = (
        select(Dispatch.candidate_id)
        .join(AllocationRun, AllocationRun.id == Dispatch.run_id)
        .where(AllocationRun.exam_id == exam.id, Dispatch.status == DispatchStatus.ADMITTED)
    )
    rejected_here = select(Dispatch.candidate_id).join(AllocationRun, AllocationRun.id == Dispatch.run_id).where(
        AllocationRun.batch_id == batch.id, AllocationRun.round_number == round_number,
        Dispatch.status == DispatchStatus.REJECTED,
    )  # fmt: skip
    out = np.zeros(n, dtype=bool)
    for cid in {*db.session.scalars(admitted), *db.session.scalars(rejected_here)}:
        row = row_of.get(cid)
        if row is not None:
            out[row] = True
    return out


def _latest_lists(batch: Batch, round_number: int) -> dict[int, int]:
    """candidate id → id of the latest submitted preference list for the batch and round."""
    rows = db.session.execute(
        select(PreferenceList.candidate_id, PreferenceList.id, PreferenceList.version)
        .where(PreferenceList.batch_id == batch.id, PreferenceList.round_number == round_number,
               PreferenceList.status == PreferenceStatus.SUBMITTED)
        .order_by(PreferenceList.candidate_id, PreferenceList.version)
    ).all()  # fmt: skip
    return {cid: list_id for cid, list_id, _ in rows}


def _preferences(
    batch: Batch,
    round_number: int,
    row_of: dict[int, int],
    line_of: dict[int, int],
    group_keys: list[tuple[int, str]],
    grouped: bool,
    n: int,
) -> FlatPreferences | GroupedPreferences:
    """CSR preference arrays of the latest submitted lists (lines of other batches dropped)."""
    if not grouped:
        return _flat_preferences(batch, round_number, np.fromiter(row_of, np.int64, len(row_of)),
                                 np.asarray(list(line_of), dtype=np.int64))  # fmt: skip
    lists = {
        lid: row_of[cid] for cid, lid in _latest_lists(batch, round_number).items() if cid in row_of
    }
    items = db.session.execute(
        select(PreferenceItem.id, PreferenceItem.list_id, PreferenceItem.plan_line_id,
               PreferenceItem.institution_id, PreferenceItem.group_code, PreferenceItem.adjust)
        .join(PreferenceList, PreferenceList.id == PreferenceItem.list_id)
        .where(*_submitted(batch, round_number))
        .order_by(PreferenceItem.list_id, PreferenceItem.position)
    ).all() if lists else []  # fmt: skip
    items = [item for item in items if item.list_id in lists]
    per: list[list[tuple]] = [[] for _ in range(n)]
    for item in items:
        per[lists[item.list_id]].append(item)
    majors = _majors(batch, round_number) if items else {}
    group_of = {key: g for g, key in enumerate(group_keys)}
    seqs, adjust, major_seqs = [], [], []
    for i in range(n):
        mine = [it for it in per[i] if (it.institution_id, it.group_code or "") in group_of]
        seqs.append([group_of[(it.institution_id, it.group_code or "")] for it in mine])
        adjust.extend(bool(it.adjust) for it in mine)
        for it in mine:
            ms = [line_of[m] for m in majors.get(it.id, []) if m in line_of]
            major_seqs.append(ms)
    prefs = GroupedPreferences(_ptr(seqs), _flat(seqs), np.asarray(adjust, dtype=bool),
                               _ptr(major_seqs), _flat(major_seqs))  # fmt: skip
    return prefs


def _submitted(batch: Batch, round_number: int) -> tuple[ColumnElement[bool], ...]:
    """Filters of the submitted preference lists of the batch and round (every version)."""
    return (
        PreferenceList.batch_id == batch.id,
        PreferenceList.round_number == round_number,
        PreferenceList.status == PreferenceStatus.SUBMITTED,
    )


def _flat_preferences(
    batch: Batch, round_number: int, candidate_ids: np.ndarray, line_ids: np.ndarray
) -> FlatPreferences:
    """CSR arrays of the latest lists, read set-based: rows of ``candidate_ids`` (ascending),
    line indices into ``line_ids`` (ascending); lines of other batches dropped.

    Two plain filtered reads joined in numpy: a correlated "latest version" subquery in SQL is
    planned badly right after a bulk import, before the tables are analysed.
    """
    submitted = _submitted(batch, round_number)
    lists = _int_columns(
        select(PreferenceList.id, PreferenceList.candidate_id)
        .where(*submitted).order_by(PreferenceList.candidate_id, PreferenceList.version), 2
    )  # fmt: skip
    last = np.ones(len(lists[0]), dtype=bool)  # the last version of each candidate
    last[:-1] = lists[1][1:] != lists[1][:-1]
    latest_ids, latest_owner = lists[0][last], lists[1][last]
    order = np.argsort(latest_ids)
    latest_ids, latest_owner = latest_ids[order], latest_owner[order]
    items = _int_columns(
        select(PreferenceItem.list_id, PreferenceItem.plan_line_id)
        .join(PreferenceList, PreferenceList.id == PreferenceItem.list_id)
        .where(*submitted, PreferenceItem.plan_line_id.is_not(None))
        .order_by(PreferenceList.candidate_id, PreferenceItem.position), 2
    )  # fmt: skip
    at, is_latest = _positions(latest_ids, items[0])
    row, known_row = _positions(candidate_ids, latest_owner[at] if len(at) else at)
    line, known_line = _positions(line_ids, items[1])
    keep = is_latest & known_row & known_line
    counts = np.bincount(row[keep], minlength=len(candidate_ids))
    ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return FlatPreferences(ptr, line[keep].astype(np.int64))


def _int_columns(query: Select[Any], width: int) -> list[np.ndarray]:
    """The query's integer columns as numpy arrays."""
    rows = plain_rows(query)
    return [np.fromiter((r[k] for r in rows), np.int64, len(rows)) for k in range(width)]


def _positions(sorted_ids: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of each value in ``sorted_ids`` and whether it is there at all."""
    at = np.searchsorted(sorted_ids, values)
    inside = at < len(sorted_ids)
    found = np.zeros(len(values), dtype=bool)
    found[inside] = sorted_ids[at[inside]] == values[inside]
    return np.where(found, at, 0), found


def _majors(batch: Batch, round_number: int) -> dict[int, list[int]]:
    """item id → listed majors (plan line ids, in order) of the latest lists of the round."""
    rows = db.session.execute(
        select(PreferenceMajor.item_id, PreferenceMajor.plan_line_id)
        .join(PreferenceItem, PreferenceItem.id == PreferenceMajor.item_id)
        .join(PreferenceList, PreferenceList.id == PreferenceItem.list_id)
        .where(*_submitted(batch, round_number))
        .order_by(PreferenceMajor.item_id, PreferenceMajor.position)
    ).all()  # fmt: skip
    out: dict[int, list[int]] = {}
    for item_id, line_id in rows:
        out.setdefault(item_id, []).append(line_id)
    return out


def _ptr(seqs: list[list[int]]) -> np.ndarray:
    return np.concatenate([[0], np.cumsum([len(s) for s in seqs])]).astype(np.int64)


def _flat(seqs: list[list[int]]) -> np.ndarray:
    return np.asarray([x for s in seqs for x in s], dtype=np.int64)


def _line_groups(lines: list[PlanLine], group_keys: list[tuple[int, str]]) -> np.ndarray:
    index = {key: g for g, key in enumerate(group_keys)}
    return np.asarray(
        [index[(ln.institution_id, ln.group_code or "")] for ln in lines], dtype=np.int64
    )


def _program_rank(lines: list[PlanLine]) -> np.ndarray:
    order = sorted(range(len(lines)), key=lambda j: (lines[j].program_code, j))
    rank = np.empty(len(lines), dtype=np.int64)
    rank[order] = np.arange(len(lines))
    return rank


def _listed_pairs(
    prefs: FlatPreferences | GroupedPreferences, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """(candidate row, line index) of every listed line (grouped: every listed major)."""
    owner = np.repeat(np.arange(n, dtype=np.int64), np.diff(prefs.ptr))
    if isinstance(prefs, FlatPreferences):
        return owner, prefs.lines
    return np.repeat(owner, np.diff(prefs.major_ptr)), prefs.majors


def _requirement_failures(
    lines: list[PlanLine],
    schemes: list[str],
    scores: dict[str, SchemeScores],
    listed: set[tuple[int, int]],
    n: int,
) -> np.ndarray:
    """Codes candidate * n_lines + line of listed pairs failing the line's requirements."""
    codes: list[np.ndarray] = []
    for j, line in enumerate(lines):
        text = (line.requirements or "").strip()
        # conditions separated by ';' (docs/formats.md), all of which must hold
        parts = [part.strip() for part in text.split(";") if part.strip()]
        if not parts:
            continue
        result = scores[schemes[j]].result
        try:
            cond = parse_condition(" and ".join(f"({part})" for part in parts), set(result.env))
        except ExprError as exc:
            raise RoundError(
                f"专业 {line.program_code} 的报考要求 “{text}” 无法解析：{exc}"
            ) from exc
        fails = ~truth(cond.root, result.env, n)
        who = listed[0][(listed[1] == j) & fails[listed[0]]]
        codes.append(who * len(lines) + j)
    return np.unique(np.concatenate(codes)) if codes else np.zeros(0, dtype=np.int64)

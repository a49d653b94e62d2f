"""Preferences import (志愿, e.g. paper submissions): each list in the file replaces that round's.

A replaced list is not deleted: a new version is written and the latest version counts.
"""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from sqlalchemy import Integer, String, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY

from admissions.extensions import db
from admissions.files.readers import Row
from admissions.models import (
    Candidate,
    Institution,
    PlanLine,
    PreferenceItem,
    PreferenceList,
    PreferenceMajor,
)
from admissions.services.imports.bulk import foreign_keys_checked_once
from admissions.services.imports.context import ImportContext, Staged
from admissions.services.imports.preferences_write import Item, ListKey, write_lists

_TABLES = ("preference_list", "preference_item", "preference_major")


class _Registered(NamedTuple):
    """What the checks read of a candidate (plain values: 100,000 ORM objects cost seconds)."""

    id: int
    category_code: str


class _Batch(NamedTuple):
    id: int
    code: str
    rounds: int
    shape: str
    majors_per_group: int | None


class _Institution(NamedTuple):
    id: int
    code: str


class _Line(NamedTuple):
    id: int
    program_code: str
    category_code: str


class _Lookup:
    """The exam's candidates, batches, institutions and plan lines, for checking rows."""

    def __init__(self, context: ImportContext) -> None:
        exam = context.exam
        self.batches = {
            b.code: _Batch(b.id, b.code, b.rounds, b.shape, b.majors_per_group)
            for b in exam.batches
        }
        query = select(Candidate.candidate_no, Candidate.id, Candidate.category_code).where(
            Candidate.exam_id == exam.id
        )
        if db.session.connection().dialect.name == "postgresql":
            # only the candidates the file names (a file of one school's lists, or a quarter
            # of the province's, reads that many): one index lookup each, no 100,000-row dict
            numbers = sorted({str(row["candidate_no"]) for row in context.rows})
            query = query.where(
                Candidate.candidate_no == any_(bindparam("numbers", numbers, type_=ARRAY(String)))
            )
        self.candidates = {
            number: _Registered(candidate_id, category)
            for number, candidate_id, category in db.session.execute(query)
        }
        self.institutions = {
            code: _Institution(i, code)
            for i, code in db.session.execute(select(Institution.id, Institution.code))
        }
        lines = db.session.scalars(select(PlanLine).where(PlanLine.exam_id == exam.id)).all()
        self.lines = {
            (p.batch_id, p.institution_id, p.program_code): _Line(
                p.id, p.program_code, p.category_code
            )
            for p in lines
        }
        self.groups: dict[tuple[int, int, str], list[_Line]] = defaultdict(list)
        for p in lines:
            if p.group_code:
                self.groups[(p.batch_id, p.institution_id, p.group_code)].append(
                    _Line(p.id, p.program_code, p.category_code)
                )


def _item(context: ImportContext, look: _Lookup, line: int, row: Row) -> Item | None:
    """The checked item of one row, or None after recording its errors."""
    candidate = look.candidates.get(str(row["candidate_no"]))
    batch = look.batches.get(str(row["batch"]))
    institution = look.institutions.get(str(row["institution_code"]))
    if candidate is None:
        context.error(line, "candidate_no", f"考生号 {row['candidate_no']} 不存在")
    if batch is None:
        context.error(
            line, "batch", f"批次「{row['batch']}」不存在（可用：{'、'.join(look.batches)}）"
        )
    elif int(str(row["round"])) > batch.rounds:
        context.error(
            line, "round", f"批次 {batch.code} 只有 {batch.rounds} 轮，没有第 {row['round']} 轮"
        )
    if institution is None:
        context.error(line, "institution_code", f"院校代码 {row['institution_code']} 不存在")
    if candidate is None or batch is None or institution is None:
        return None
    choice = int(str(row["choice"]))
    if batch.shape == "flat":
        return _flat(context, look, line, row, (candidate, batch, institution), choice)
    return _grouped(context, look, line, row, (candidate, batch, institution), choice)


def _flat(context, look, line, row, objects, choice) -> Item | None:  # noqa: ANN001
    candidate, batch, institution = objects
    if not row["program_code"]:
        context.error(line, "program_code", f"批次 {batch.code} 为平行志愿，必须填写专业代码")
        return None
    plan = look.lines.get((batch.id, institution.id, row["program_code"]))
    if plan is None:
        message = f"院校 {institution.code} 在批次 {batch.code} 没有专业 {row['program_code']}"
        context.error(line, "program_code", message)
        return None
    if plan.category_code != candidate.category_code:
        context.error(line, "program_code", _other_category(plan.category_code, candidate))
        return None
    return (choice, plan.id, None, None, False, ())


def _grouped(context, look, line, row, objects, choice) -> Item | None:  # noqa: ANN001
    candidate, batch, institution = objects
    group = look.groups.get((batch.id, institution.id, str(row["group"])))
    if not row["group"]:
        context.error(line, "group", f"批次 {batch.code} 按院校专业组填报，必须填写专业组")
        return None
    if not group:
        context.error(
            line, "group", f"院校 {institution.code} 在批次 {batch.code} 没有专业组 {row['group']}"
        )
        return None
    if group[0].category_code != candidate.category_code:
        context.error(line, "group", _other_category(group[0].category_code, candidate))
        return None
    by_code = {p.program_code: p for p in group}
    majors = str(row["majors"] or "").split(";") if row["majors"] else []
    unknown = [m for m in majors if m not in by_code]
    if unknown:
        context.error(line, "majors", f"专业 {'、'.join(unknown)} 不在专业组 {row['group']} 中")
        return None
    limit = batch.majors_per_group
    if limit is not None and len(majors) > limit:
        context.error(line, "majors", f"填了 {len(majors)} 个专业，超过每组上限 {limit}")
        return None
    ids = tuple(by_code[m].id for m in majors)
    return (choice, None, institution.id, str(row["group"]), row["adjust"] == "Y", ids)


def _listed_once(
    context: ImportContext, listed: dict[tuple[ListKey, object], int], key: ListKey, item: Item,
    line: int,
) -> bool:  # fmt: skip
    """False (after recording the error) when the list names this line or group already: the
    students' page refuses the same program or group twice in one list, and so does the file."""
    _choice, plan_line_id, institution_id, group, _adjust, _majors = item
    target: object = plan_line_id if plan_line_id is not None else (institution_id, group)
    first = listed.setdefault((key, target), line)
    if first == line:
        return True
    if plan_line_id is not None:
        context.error(line, "program_code", f"同一个专业不能重复填报（已在第 {first} 行填报）")
    else:
        context.error(line, "group", f"同一个专业组不能重复填报（已在第 {first} 行填报）")
    return False


def _other_category(category: str, candidate: _Registered) -> str:
    return f"该志愿属于专业类别 {category}，考生报考的类别为 {candidate.category_code}"


def _flat_targets(look: _Lookup) -> dict[tuple[str, str, str], tuple[int, int, int, str]]:
    """(batch code, institution code, program code) → (batch id, rounds, plan line id, category)
    of every line of a flat batch: the whole lookup of a good flat row in one step."""
    batches = {b.id: b for b in look.batches.values() if b.shape == "flat"}
    codes = {i.id: code for code, i in look.institutions.items()}
    return {
        (batches[batch_id].code, codes[institution_id], program): (
            batch_id, batches[batch_id].rounds, line.id, line.category_code,
        )
        for (batch_id, institution_id, program), line in look.lines.items()
        if batch_id in batches and institution_id in codes
    }  # fmt: skip


def stage(context: ImportContext) -> Staged:
    """Check every row; stage one new list version per candidate, batch and round in the file."""
    look = _Lookup(context)
    lists: dict[ListKey, list[Item]] = defaultdict(list)
    listed: dict[tuple[ListKey, object], int] = {}  # (list, line or group) → first line naming it
    candidates, targets = look.candidates, _flat_targets(look)
    for line, row in context.numbered():
        # a row of a flat batch that passes every check (most rows): read in one step
        candidate = candidates.get(row["candidate_no"])  # type: ignore[arg-type]
        target = targets.get((row["batch"], row["institution_code"], row["program_code"]))  # type: ignore[arg-type]
        if candidate is not None and target is not None:
            batch_id, rounds, plan_id, category = target
            number = int(str(row["round"]))
            if number <= rounds and category == candidate.category_code:
                key = (candidate.id, batch_id, number)
                if listed.setdefault((key, plan_id), line) == line:
                    lists[key].append((int(str(row["choice"])), plan_id, None, None, False, ()))
                    continue
        # anything else (an error, a grouped batch, a line named twice): the full checks
        item = _item(context, look, line, row)
        if item is not None:
            candidate = look.candidates[str(row["candidate_no"])]
            key = (candidate.id, look.batches[str(row["batch"])].id, int(str(row["round"])))
            if _listed_once(context, listed, key, item, line):
                lists[key].append(item)
    current = _latest_lists(context.exam.id, {key[0] for key in lists})
    for items in lists.values():
        items.sort()
    changed = {k: v for k, v in lists.items() if current.get(k, (0, []))[1] != v}
    inserted = sum(1 for key in changed if key not in current)
    counts = (inserted, len(changed) - inserted, len(lists) - len(changed))

    def apply() -> None:
        versions = {key: current.get(key, (0, []))[0] + 1 for key in changed}
        with foreign_keys_checked_once(_TABLES, sum(len(items) for items in changed.values())):
            write_lists(context, changed, versions)

    return Staged(counts, apply)


def _latest_lists(exam_id: int, candidates: set[int]) -> dict[ListKey, tuple[int, list[Item]]]:
    """The latest version of the exam's lists, as (version, sorted items); set-based reads.

    On PostgreSQL only the lists of `candidates` (those in the file) are read."""
    latest = (
        select(func.max(PreferenceList.id))
        .join(Candidate, Candidate.id == PreferenceList.candidate_id)
        .where(Candidate.exam_id == exam_id)
        .group_by(PreferenceList.candidate_id, PreferenceList.batch_id, PreferenceList.round_number)
    )
    if db.session.connection().dialect.name == "postgresql":
        wanted_ids = bindparam("candidates", sorted(candidates), type_=ARRAY(Integer))
        latest = latest.where(PreferenceList.candidate_id == any_(wanted_ids))
    latest = latest.scalar_subquery()
    lists = db.session.execute(
        select(PreferenceList.id, PreferenceList.candidate_id, PreferenceList.batch_id,
               PreferenceList.round_number, PreferenceList.version)
        .where(PreferenceList.id.in_(latest))
    ).all()  # fmt: skip
    if not lists:
        return {}
    wanted = select(PreferenceItem.id).where(PreferenceItem.list_id.in_(latest))
    majors: dict[int, list[int]] = defaultdict(list)
    for item_id, line_id in db.session.execute(
        select(PreferenceMajor.item_id, PreferenceMajor.plan_line_id)
        .where(PreferenceMajor.item_id.in_(wanted))
        .order_by(PreferenceMajor.item_id, PreferenceMajor.position)
    ):  # fmt: skip
        majors[item_id].append(line_id)
    items: dict[int, list[Item]] = defaultdict(list)
    for i in db.session.execute(
        select(PreferenceItem.id, PreferenceItem.list_id, PreferenceItem.position,
               PreferenceItem.plan_line_id, PreferenceItem.institution_id,
               PreferenceItem.group_code, PreferenceItem.adjust)
        .where(PreferenceItem.list_id.in_(latest))
    ):  # fmt: skip
        items[i.list_id].append(
            (i.position, i.plan_line_id, i.institution_id, i.group_code, i.adjust,
             tuple(majors.get(i.id, ())))
        )  # fmt: skip
    return {
        (candidate_id, batch_id, round_number): (version, sorted(items[list_id]))
        for list_id, candidate_id, batch_id, round_number, version in lists
    }

"""Preference lists (志愿) of a candidate: windows, versions, validation and atomic saving.

Every save (draft or submitted) is a new version of the candidate's list for the round. The form
carries the version it was built from; a save based on an older version is refused, so two tabs
of the same account never interleave into a mixed list. The unique constraint on
(candidate, batch, round, version) backs this on every database; on PostgreSQL the candidate row
is also locked for the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from admissions.extensions import db
from admissions.files.verification import verification_code
from admissions.models import (
    Account,
    Batch,
    BatchShape,
    Candidate,
    PlanLine,
    PreferenceItem,
    PreferenceList,
    PreferenceMajor,
    PreferenceStatus,
    Round,
    utcnow,
)
from admissions.services import audit
from admissions.services.exam.locks import lock_round
from admissions.services.exam.state import window_open


class PreferenceError(ValueError):
    """A list the rules refuse; the message is shown to the candidate as is."""


class PreferenceConflict(PreferenceError):
    """The list changed since the page was loaded (another tab or device saved first)."""


@dataclass(frozen=True)
class ChoiceInput:
    """One posted choice: a plan line (flat) or a group ``"<institution id>:<group>"`` (grouped)."""

    plan_line_id: int | None = None
    group: str | None = None
    majors: tuple[int, ...] = ()
    adjust: bool = False


def rounds_of(candidate: Candidate) -> list[Round]:
    """The rounds of the candidate's exam that have a preference window, in batch order."""
    return list(
        db.session.scalars(
            select(Round)
            .join(Batch, Round.batch_id == Batch.id)
            .where(Batch.exam_id == candidate.exam_id, Round.prefs_open_at.is_not(None))
            .order_by(Batch.sequence, Round.number)
        )
    )


def get_round(candidate: Candidate, batch_id: int, number: int) -> Round | None:
    """The round, only if it belongs to the candidate's exam (its batch, which every page of
    the round reads, loaded by the same query)."""
    return db.session.scalar(
        select(Round)
        .join(Batch, Round.batch_id == Batch.id)
        .options(contains_eager(Round.batch))
        .where(Batch.id == batch_id, Batch.exam_id == candidate.exam_id, Round.number == number)
    )


def _lists(candidate: Candidate, round_: Round):
    return _lists_of(candidate, round_.batch_id, round_.number)


def _lists_of(candidate: Candidate, batch_id: int, number: int):
    return select(PreferenceList).where(
        PreferenceList.candidate_id == candidate.id,
        PreferenceList.batch_id == batch_id,
        PreferenceList.round_number == number,
    )


def latest_list(candidate: Candidate, round_: Round) -> PreferenceList | None:
    """The newest version, draft or submitted: what the editor shows (its items and their
    majors loaded with it, a query each rather than one per item)."""
    return db.session.scalar(
        _lists(candidate, round_)
        .options(selectinload(PreferenceList.items).selectinload(PreferenceItem.majors))
        .order_by(PreferenceList.version.desc())
    )


def counted_list(candidate: Candidate, batch_id: int, number: int) -> PreferenceList | None:
    """The last submitted version for a batch and round: the one that counts at dispatch."""
    return db.session.scalar(
        _lists_of(candidate, batch_id, number)
        .where(PreferenceList.status == PreferenceStatus.SUBMITTED)
        .order_by(PreferenceList.version.desc())
    )


def submitted_history(candidate: Candidate, round_: Round) -> list[PreferenceList]:
    """Every submitted version, newest first."""
    return list(
        db.session.scalars(
            _lists(candidate, round_)
            .where(PreferenceList.status == PreferenceStatus.SUBMITTED)
            .order_by(PreferenceList.version.desc())
        )
    )


def _open_lines(candidate: Candidate, batch: Batch, ids: set[int]) -> dict[int, PlanLine]:
    lines = db.session.scalars(select(PlanLine).where(PlanLine.id.in_(ids))).all() if ids else []
    found = {line.id: line for line in lines}
    for line_id in sorted(ids):
        line = found.get(line_id)
        if line is None or line.batch_id != batch.id:
            raise PreferenceError("所选专业不属于本批次，请刷新页面后重新选择")
        if line.category_code != candidate.category_code:
            raise PreferenceError(f"{line.program_name}（{line.program_code}）不招收您的专业类别")
    return found


def _check_flat(candidate: Candidate, batch: Batch, choices: list[ChoiceInput]) -> None:
    ids = [c.plan_line_id for c in choices]
    if any(i is None for i in ids):
        raise PreferenceError("本批次按“专业+院校”填报，请选择具体专业")
    if len(set(ids)) != len(ids):
        raise PreferenceError("同一个专业不能重复填报")
    _open_lines(candidate, batch, {i for i in ids if i is not None})


def _split_group(value: str) -> tuple[int, str]:
    institution, _, code = value.partition(":")
    if not institution.isdigit() or not code:
        raise PreferenceError("专业组无效，请刷新页面后重新选择")
    return int(institution), code


def _check_grouped(candidate: Candidate, batch: Batch, choices: list[ChoiceInput]) -> None:
    groups = [c.group for c in choices]
    if any(g is None for g in groups):
        raise PreferenceError("本批次按专业组填报，请选择专业组")
    if len(set(groups)) != len(groups):
        raise PreferenceError("同一个专业组不能重复填报")
    limit = batch.majors_per_group or 6
    lines = _open_lines(candidate, batch, {m for c in choices for m in c.majors})
    for choice in choices:
        institution_id, code = _split_group(choice.group or "")
        if not choice.majors:
            raise PreferenceError(f"专业组 {code} 至少要选择一个专业")
        if len(choice.majors) > limit:
            raise PreferenceError(f"每个专业组最多填报{limit}个专业")
        if len(set(choice.majors)) != len(choice.majors):
            raise PreferenceError(f"专业组 {code} 中有重复的专业")
        for line_id in choice.majors:
            line = lines[line_id]
            if line.institution_id != institution_id or line.group_code != code:
                raise PreferenceError(f"{line.program_name} 不属于专业组 {code}")


def validate_choices(candidate: Candidate, batch: Batch, choices: list[ChoiceInput]) -> None:
    """Refuse lists over the maximum, with duplicates, other batches or other categories."""
    if len(choices) > batch.max_choices:
        unit = "个专业组" if batch.shape == BatchShape.GROUPED else "个志愿"
        raise PreferenceError(f"最多可填报{batch.max_choices}{unit}，当前为{len(choices)}")
    if batch.shape == BatchShape.GROUPED:
        _check_grouped(candidate, batch, choices)
    else:
        _check_flat(candidate, batch, choices)


def _add_items(pref_list: PreferenceList, choices: list[ChoiceInput], grouped: bool) -> None:
    """Add the items of a new version in one flush, then their majors (grouped) in another.
    A flat list's items are inserted at once as rows (one statement, no objects to track)."""
    if not grouped:
        rows = [
            {"list_id": pref_list.id, "position": position, "adjust": choice.adjust,
             "plan_line_id": choice.plan_line_id, "institution_id": None, "group_code": None}
            for position, choice in enumerate(choices, start=1)
        ]  # fmt: skip
        if rows:
            db.session.execute(insert(PreferenceItem), rows)
        return
    items = []
    for position, choice in enumerate(choices, start=1):
        item = PreferenceItem(list_id=pref_list.id, position=position, adjust=choice.adjust)
        if grouped:
            item.institution_id, item.group_code = _split_group(choice.group or "")
        else:
            item.plan_line_id = choice.plan_line_id
        items.append(item)
    db.session.add_all(items)
    if not grouped:
        return
    db.session.flush()
    db.session.add_all(
        PreferenceMajor(item_id=item.id, position=major_position, plan_line_id=line_id)
        for item, choice in zip(items, choices, strict=True)
        for major_position, line_id in enumerate(choice.majors, start=1)
    )


def save_list(
    account: Account,
    candidate: Candidate,
    round_: Round,
    choices: list[ChoiceInput],
    *,
    submit: bool,
    base_version: int,
    now: datetime | None = None,
) -> PreferenceList:
    """Save the whole list as a new version (draft or submitted), atomically; flush only.
    The window is checked under a shared lock on the round, held until the commit: a close
    waits for this save, and once a close is committed no save is accepted."""
    # Only the round's window can change under a save (a close holds the lock exclusively);
    # the candidate, account and batch stay as loaded, which saves reloading each of them.
    batch = round_.batch  # held: the round's reload below would otherwise read it again
    lock_round(round_.id, shared=True, fresh=(round_,))
    now = now or utcnow()
    if not window_open(round_, now):
        raise PreferenceError("本轮志愿填报不在开放时间内（以服务器时间为准），不能修改")
    validate_choices(candidate, batch, choices)
    db.session.execute(select(Candidate.id).where(Candidate.id == candidate.id).with_for_update())
    latest = db.session.scalar(
        select(func.max(PreferenceList.version)).where(
            PreferenceList.candidate_id == candidate.id,
            PreferenceList.batch_id == batch.id,
            PreferenceList.round_number == round_.number,
        )
    )
    if (latest or 0) != base_version:
        raise PreferenceConflict("您的志愿已在其他页面或设备上修改，请刷新页面查看最新内容后再保存")
    status = PreferenceStatus.SUBMITTED if submit else PreferenceStatus.DRAFT
    version = base_version + 1
    pref_list = PreferenceList(
        candidate_id=candidate.id, batch_id=batch.id, round_number=round_.number,
        version=version, status=status, created_at=now, submitted_at=now if submit else None,
        verification_code=slip_code(candidate, round_, version) if submit else None,
    )  # fmt: skip
    # No savepoint: on a conflict the caller rolls the whole transaction back anyway.
    try:
        db.session.add(pref_list)
        db.session.flush()
    except IntegrityError as error:
        raise PreferenceConflict("您的志愿刚刚在其他页面保存过，请刷新页面后再保存") from error
    _add_items(pref_list, choices, batch.shape == BatchShape.GROUPED)
    action = "preferences.submit" if submit else "preferences.draft"
    audit.record(  # its flush writes a grouped list's majors
        account, action, pref_list, exam_id=candidate.exam_id,
        after={"version": pref_list.version, "choices": len(choices)},
    )  # fmt: skip
    return pref_list


def slip_code(candidate: Candidate, round_: Round, version: int) -> str:
    """The verification code of a submitted version's 志愿确认单 (an HMAC, like a letter's)."""
    key = f"PREF-{round_.batch.code}-{round_.number}-{version}"
    secret = current_app.config["SECRET_KEY"]
    return verification_code(secret, candidate.exam.code, candidate.candidate_no, key)


def submission_number(pref_list: PreferenceList) -> int:
    """Which submission a submitted version is (drafts are not counted): 1, 2, …"""
    return int(
        db.session.scalar(
            select(func.count(PreferenceList.id)).where(
                PreferenceList.candidate_id == pref_list.candidate_id,
                PreferenceList.batch_id == pref_list.batch_id,
                PreferenceList.round_number == pref_list.round_number,
                PreferenceList.status == PreferenceStatus.SUBMITTED,
                PreferenceList.version <= pref_list.version,
            )
        )
        or 0
    )


def choices_of(pref_list: PreferenceList | None) -> list[ChoiceInput]:
    """A stored list back as choices (the editor starts from the newest version)."""
    if pref_list is None:
        return []
    return [
        ChoiceInput(
            plan_line_id=item.plan_line_id,
            group=f"{item.institution_id}:{item.group_code}" if item.group_code else None,
            majors=tuple(m.plan_line_id for m in item.majors),
            adjust=item.adjust,
        )
        for item in pref_list.items
    ]


def lines_of(lists: list[PreferenceList]) -> dict[int, PlanLine]:
    """Every plan line named in ``lists`` (flat lines and grouped majors), by id."""
    ids = {i.plan_line_id for pl in lists for i in pl.items if i.plan_line_id} | {
        m.plan_line_id for pl in lists for i in pl.items for m in i.majors
    }
    if not ids:
        return {}
    return {
        line.id: line for line in db.session.scalars(select(PlanLine).where(PlanLine.id.in_(ids)))
    }

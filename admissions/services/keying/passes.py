"""Double entry, first half: each of the two passes keyed by a different clerk.

A pass may be saved again (it replaces the earlier save of the same pass) while the sheet is open;
after each save the sheet's status follows the comparison of the two passes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select

from admissions.extensions import db
from admissions.files.parsers import CellError
from admissions.models import Account, Exam, KeyedEntry, KeyingSheet, KeyingStatus
from admissions.models.base import utcnow
from admissions.services import audit
from admissions.services.imports.scores import shown, stored_value
from admissions.services.keying.compare import refresh_status
from admissions.services.keying.sheets import (
    ABSENT_TEXT,
    PASSES,
    STATUS_NAMES,
    Cell,
    KeyingError,
    component_infos_of,
    lock_sheet,
    parse_entry,
    sheet_components,
)


@dataclass(frozen=True)
class PassState:
    """Who keyed a pass and when (None: not yet)."""

    number: int
    keyed_by: Account | None
    keyed_at: object


def pass_states(sheet: KeyingSheet) -> list[PassState]:
    """The sheet's two passes."""
    return [
        PassState(1, sheet.pass1_by, sheet.pass1_at),
        PassState(2, sheet.pass2_by, sheet.pass2_at),
    ]


def keyed_texts(sheet: KeyingSheet, pass_no: int) -> dict[Cell, str]:
    """What a pass keyed, per cell, as the clerk would type it (「缺考」 for absent)."""
    query = select(KeyedEntry).where(KeyedEntry.sheet_id == sheet.id, KeyedEntry.pass_no == pass_no)
    return {
        (e.candidate_id, e.component_code): shown(e.value, e.grade) or ABSENT_TEXT
        for e in db.session.scalars(query)
    }


def check_pass(sheet: KeyingSheet, entries: Mapping[Cell, str]) -> dict[Cell, str]:
    """Cell → error message for every keyed text that is not acceptable."""
    exam = db.session.get(Exam, sheet.exam_id)
    assert exam is not None
    infos = component_infos_of(exam, sheet.component_codes)
    errors = {}
    for (candidate_id, code), text in entries.items():
        try:
            parse_entry(infos[code], text)
        except CellError as error:
            errors[(candidate_id, code)] = str(error)
    return errors


def refuse_pass(sheet: KeyingSheet, pass_no: int, actor: Account) -> str | None:
    """Why `actor` may not key pass `pass_no` of the sheet now, or None."""
    if pass_no not in PASSES:
        return "只有第 1 遍和第 2 遍录入"
    if sheet.status != KeyingStatus.OPEN:
        return f"录入单「{sheet.name}」{STATUS_NAMES[sheet.status]}，不能再录入"
    other = sheet.pass2_by if pass_no == 1 else sheet.pass1_by
    if other is not None and other.id == actor.id:
        return (
            f"第 {3 - pass_no} 遍已由您（{actor.username}）录入，"
            f"第 {pass_no} 遍须由另一名录入员录入"
        )
    mine = sheet.pass1_by if pass_no == 1 else sheet.pass2_by
    if mine is not None and mine.id != actor.id:
        return f"第 {pass_no} 遍已由 {mine.username} 录入"
    return None


def save_pass(sheet: KeyingSheet, pass_no: int, entries: Mapping[Cell, str], actor: Account) -> int:
    """Store pass `pass_no` (replacing an earlier save of the same pass); return the cells keyed.

    Blank cells are not stored. Raises KeyingError when refused or an entry is invalid.
    """
    lock_sheet(sheet)
    refused = refuse_pass(sheet, pass_no, actor)
    if refused:
        raise KeyingError(refused)
    errors = check_pass(sheet, entries)
    if errors:
        raise KeyingError(*errors.values())
    components = {c.code: c for c in sheet_components(sheet)}
    exam = db.session.get(Exam, sheet.exam_id)
    assert exam is not None
    infos = component_infos_of(exam, sheet.component_codes)
    members = {line.candidate_id for line in sheet.lines}
    old = select(KeyedEntry).where(KeyedEntry.sheet_id == sheet.id, KeyedEntry.pass_no == pass_no)
    for entry in db.session.scalars(old):
        db.session.delete(entry)
    db.session.flush()
    now, keyed = utcnow(), 0
    for (candidate_id, code), text in entries.items():
        canonical = parse_entry(infos[code], text)
        if canonical is None or candidate_id not in members:
            continue
        value, grade = stored_value(components[code], canonical or None)
        db.session.add(KeyedEntry(
            sheet_id=sheet.id, pass_no=pass_no, candidate_id=candidate_id, component_code=code,
            value=value, grade=grade, keyed_by_id=actor.id, keyed_at=now,
        ))  # fmt: skip
        keyed += 1
    if pass_no == 1:
        sheet.pass1_by_id, sheet.pass1_at = actor.id, now
    else:
        sheet.pass2_by_id, sheet.pass2_at = actor.id, now
    db.session.flush()
    db.session.refresh(sheet)
    refresh_status(sheet)
    audit.record(
        actor, f"keying.pass{pass_no}", sheet, after={"keyed": keyed, "cells": len(entries)},
        reason=sheet.name,
    )  # fmt: skip
    return keyed

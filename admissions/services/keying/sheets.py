"""Double entry (双录入) of a paper sheet: create the sheet, and what keying and comparing share.

A cell left blank in a pass is *not keyed* (it shows as missing in the comparison); a clerk keys
「缺考」 (or 「缺」) for an absent candidate. Values are checked with the score import's own
parsers. Services flush; the view commits. Keying a pass: `passes`; comparison, resolution and apply: `compare`.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from admissions.extensions import db
from admissions.files.columns import ComponentInfo, score_parser
from admissions.labels import KEYING_STATUS_NAMES
from admissions.models import (
    Account,
    Candidate,
    Component,
    Exam,
    KeyingLine,
    KeyingSheet,
    KeyingStatus,
)
from admissions.services import audit
from admissions.services.imports.pipeline import component_infos

ABSENT_MARKS = ("缺考", "缺")
ABSENT_TEXT = "缺考"
MAX_CANDIDATES = 500
PASSES = (1, 2)
STATUS_NAMES = KEYING_STATUS_NAMES
Cell = tuple[int, str]  # candidate id, component code


class KeyingError(ValueError):
    """A refused keying action; its messages are shown to the clerk as they are."""

    def __init__(self, *messages: str) -> None:
        super().__init__("；".join(messages))
        self.messages = list(messages)


def sheet_components(sheet: KeyingSheet) -> list[Component]:
    """The sheet's components, in the exam's order."""
    exam = db.session.get(Exam, sheet.exam_id)
    assert exam is not None
    return [c for c in exam.components if c.code in sheet.component_codes]


def component_infos_of(exam: Exam, codes: list[str]) -> dict[str, ComponentInfo]:
    """The score-import descriptions of the sheet's components, by code."""
    return {info.code: info for info in component_infos(exam) if info.code in codes}


def lock_sheet(sheet: KeyingSheet) -> None:
    """Reload the sheet row locked (PostgreSQL), so two clerks' submissions run one after the
    other and each sees the other's pass, status and resolutions."""
    db.session.refresh(sheet, with_for_update=True)


# --- creating a sheet -------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s,，;；、]+")


def create_sheet(
    exam: Exam,
    name: str,
    component_codes: list[str],
    numbers_text: str,
    category_code: str,
    actor: Account | None,
) -> KeyingSheet:
    """A new open sheet for the candidates typed/pasted in `numbers_text`, or of a category.

    Raises KeyingError with every problem found (nothing is written then).
    """
    name = name.strip()
    errors = _check_header(exam, name, component_codes)
    candidates, found_errors = _sheet_candidates(exam, numbers_text, category_code)
    errors += found_errors
    if errors:
        raise KeyingError(*errors)
    sheet = KeyingSheet(
        exam_id=exam.id,
        name=name,
        component_codes=[c.code for c in exam.components if c.code in component_codes],
        status=KeyingStatus.OPEN,
        created_by_id=actor.id if actor else None,
    )
    db.session.add(sheet)
    db.session.flush()
    db.session.add_all(
        KeyingLine(sheet_id=sheet.id, candidate_id=c.id, position=i)
        for i, c in enumerate(candidates, 1)
    )
    db.session.flush()
    after = {"name": name, "components": sheet.component_codes, "candidates": len(candidates)}
    audit.record(actor, "keying.create", sheet, after=after, reason=name)
    return sheet


def _check_header(exam: Exam, name: str, codes: list[str]) -> list[str]:
    errors = []
    if not name:
        errors.append("请填写录入单名称，例如「技能测试 第3考场」")
    elif db.session.scalar(
        select(KeyingSheet.id).where(KeyingSheet.exam_id == exam.id, KeyingSheet.name == name)
    ):
        errors.append(f"本考试已有名为「{name}」的录入单，请换一个名称")
    known = {c.code for c in exam.components}
    if not codes:
        errors.append("请至少选择一个科目")
    errors += [f"科目 {code} 不是本考试的科目" for code in codes if code not in known]
    return errors


def _sheet_candidates(
    exam: Exam, numbers_text: str, category_code: str
) -> tuple[list[Candidate], list[str]]:
    numbers = [n for n in _SEPARATORS.split(numbers_text.strip()) if n]
    if numbers and category_code:
        return [], ["请只用一种方式选择考生：填写考生号，或选择专业类别"]
    if category_code:
        return _category_candidates(exam, category_code)
    if not numbers:
        return [], ["请填写考生号（每行一个，或用逗号、空格分隔），或选择专业类别"]
    errors = [f"考生号 {n} 重复" for n in sorted({n for n in numbers if numbers.count(n) > 1})]
    query = select(Candidate).where(Candidate.exam_id == exam.id)
    by_number = {
        c.candidate_no: c
        for c in db.session.scalars(query.where(Candidate.candidate_no.in_(set(numbers))))
    }
    errors += [f"考生号 {n} 不存在" for n in dict.fromkeys(numbers) if n not in by_number]
    if len(set(numbers)) > MAX_CANDIDATES:
        errors.append(f"一张录入单最多 {MAX_CANDIDATES} 名考生，请分成几张")
    candidates = [by_number[n] for n in dict.fromkeys(numbers) if n in by_number]
    return candidates, errors


def _category_candidates(exam: Exam, code: str) -> tuple[list[Candidate], list[str]]:
    if code not in {c.code for c in exam.categories}:
        return [], [f"专业类别 {code} 不存在"]
    query = (
        select(Candidate)
        .where(Candidate.exam_id == exam.id, Candidate.category_code == code)
        .order_by(Candidate.candidate_no)
    )
    candidates = list(db.session.scalars(query))
    if not candidates:
        return [], [f"专业类别 {code} 还没有考生"]
    if len(candidates) > MAX_CANDIDATES:
        return [], [
            f"专业类别 {code} 有 {len(candidates)} 名考生，一张录入单最多 {MAX_CANDIDATES} 名"
        ]
    return candidates, []


def parse_entry(info: ComponentInfo, text: str) -> str | None:
    """The canonical text of a keyed cell: "" for absent, None for blank (not keyed).

    Raises CellError (the import's messages) for a value that is not acceptable.
    """
    text = text.strip()
    if not text:
        return None
    if text in ABSENT_MARKS:
        return ""
    return score_parser(info)(text)

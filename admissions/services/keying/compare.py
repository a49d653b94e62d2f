"""Double entry, second half: compare the two passes, resolve differences, apply to the scores.

Every cell of a sheet (candidate × component) is *settled* when both passes keyed the same value,
or when a clerk resolved it with a reason. Applying writes the settled values through the audited
score service (`score_entry.correct_scores`), all candidates in the caller's one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from admissions.extensions import db
from admissions.files.parsers import CellError
from admissions.models import (
    Account,
    Candidate,
    Component,
    Exam,
    KeyedEntry,
    KeyingResolution,
    KeyingSheet,
    KeyingStatus,
)
from admissions.models.base import utcnow
from admissions.services import audit
from admissions.services.exam.state import KEYING_DONE as DONE
from admissions.services.imports.pipeline import component_infos
from admissions.services.imports.scores import shown, stored_value
from admissions.services.keying.sheets import (
    ABSENT_TEXT,
    STATUS_NAMES,
    Cell,
    KeyingError,
    lock_sheet,
    parse_entry,
    sheet_components,
)
from admissions.services.scores import entry as score_entry

Keyed = tuple[object, str | None]  # (value, grade) as stored


@dataclass(frozen=True)
class Difference:
    """A cell the passes disagree on or miss; `first`/`second` are None when not keyed."""

    candidate: Candidate
    component: Component
    first: str | None
    second: str | None
    resolution: KeyingResolution | None

    @property
    def kind(self) -> str:
        """不一致 (both keyed, different) or 漏录 (a pass has nothing)."""
        return "漏录" if self.first is None or self.second is None else "不一致"

    @property
    def resolved_text(self) -> str | None:
        """The resolved value as shown, or None while unresolved."""
        if self.resolution is None:
            return None
        return shown(self.resolution.value, self.resolution.grade) or ABSENT_TEXT


def _entries(sheet: KeyingSheet, pass_no: int) -> dict[Cell, Keyed]:
    query = select(KeyedEntry).where(KeyedEntry.sheet_id == sheet.id, KeyedEntry.pass_no == pass_no)
    return {
        (e.candidate_id, e.component_code): (e.value, e.grade) for e in db.session.scalars(query)
    }


def _resolutions(sheet: KeyingSheet) -> dict[Cell, KeyingResolution]:
    query = select(KeyingResolution).where(KeyingResolution.sheet_id == sheet.id)
    return {(r.candidate_id, r.component_code): r for r in db.session.scalars(query)}


def _text(keyed: Keyed | None) -> str | None:
    if keyed is None:
        return None
    value, grade = keyed
    return shown(value, grade) or ABSENT_TEXT  # type: ignore[arg-type]


def differences(sheet: KeyingSheet) -> list[Difference]:
    """Every cell whose passes disagree or miss a value, resolved or not, in sheet order."""
    first, second, resolutions = _entries(sheet, 1), _entries(sheet, 2), _resolutions(sheet)
    found = []
    for line in sheet.lines:
        for component in sheet_components(sheet):
            cell = (line.candidate_id, component.code)
            a, b = first.get(cell), second.get(cell)
            if a is not None and a == b:
                continue
            found.append(
                Difference(line.candidate, component, _text(a), _text(b), resolutions.get(cell))
            )
    return found


def unresolved(sheet: KeyingSheet) -> list[Difference]:
    """The differences still waiting for a resolution."""
    return [d for d in differences(sheet) if d.resolution is None]


def refresh_status(sheet: KeyingSheet) -> None:
    """open while a pass is missing; then keyed while differences wait, else resolved."""
    if sheet.status in DONE:
        return
    if sheet.pass1_at is None or sheet.pass2_at is None:
        sheet.status = KeyingStatus.OPEN
    elif unresolved(sheet):
        sheet.status = KeyingStatus.KEYED
    else:
        sheet.status = KeyingStatus.RESOLVED
    db.session.flush()


def resolve(
    sheet: KeyingSheet,
    candidate_id: int,
    code: str,
    choice: str,
    text: str,
    reason: str,
    actor: Account | None,
) -> KeyingResolution:
    """Settle one difference: `choice` "1"/"2" takes that pass's value, "other" the typed `text`.

    Raises KeyingError with a message for the clerk when refused.
    """
    lock_sheet(sheet)
    if sheet.status not in (KeyingStatus.KEYED, KeyingStatus.RESOLVED):
        raise KeyingError(f"录入单「{sheet.name}」{STATUS_NAMES[sheet.status]}，现在不能处理差异")
    diff = next(
        (
            d
            for d in differences(sheet)
            if (d.candidate.id, d.component.code) == (candidate_id, code)
        ),
        None,
    )
    if diff is None:
        raise KeyingError("该项两遍录入一致，无需处理")
    if not reason.strip():
        raise KeyingError("请填写处理原因")
    keyed = _chosen_text(diff, choice, text)
    info = next(i for i in component_infos(_exam(sheet)) if i.code == code)
    try:
        canonical = parse_entry(info, keyed)
    except CellError as error:
        raise KeyingError(str(error)) from None
    if canonical is None:
        raise KeyingError("请填写正确的成绩（缺考请填「缺考」）")
    value, grade = stored_value(diff.component, canonical or None)
    before = {"pass1": diff.first, "pass2": diff.second, "resolved": diff.resolved_text}
    resolution = diff.resolution or KeyingResolution(
        sheet_id=sheet.id, candidate_id=candidate_id, component_code=code
    )
    resolution.value, resolution.grade, resolution.reason = value, grade, reason.strip()
    resolution.resolved_by_id, resolution.resolved_at = (actor.id if actor else None), utcnow()
    db.session.add(resolution)
    db.session.flush()
    refresh_status(sheet)
    after = {"candidate_no": diff.candidate.candidate_no, "component": code, "value": keyed.strip()}
    audit.record(actor, "keying.resolve", sheet, before=before, after=after, reason=reason.strip())
    return resolution


def _chosen_text(diff: Difference, choice: str, text: str) -> str:
    if choice in ("1", "2"):
        keyed = diff.first if choice == "1" else diff.second
        if keyed is None:
            raise KeyingError(f"第 {choice} 遍没有录入该项，请选另一遍的值或另填正确的值")
        return keyed
    if choice == "other" or (not choice and text.strip()):  # a typed value needs no radio
        return text
    raise KeyingError("请选择采用第 1 遍、第 2 遍，或另填正确的值")


def _exam(sheet: KeyingSheet) -> Exam:
    exam = db.session.get(Exam, sheet.exam_id)
    assert exam is not None
    return exam


def settled_texts(sheet: KeyingSheet) -> dict[int, dict[str, str]]:
    """Candidate id → component code → the agreed or resolved text ("" = absent)."""
    first, resolutions = _entries(sheet, 1), _resolutions(sheet)
    settled: dict[int, dict[str, str]] = {}
    for line in sheet.lines:
        for component in sheet_components(sheet):
            cell = (line.candidate_id, component.code)
            chosen = resolutions.get(cell)
            keyed = (chosen.value, chosen.grade) if chosen else first[cell]
            settled.setdefault(line.candidate_id, {})[component.code] = (
                shown(keyed[0], keyed[1]) or ""  # type: ignore[arg-type]
            )
    return settled


def apply_sheet(sheet: KeyingSheet, actor: Account | None) -> int:
    """Write the settled values to the candidates' scores, audited per candidate with the sheet
    as the reason; return how many candidates changed. Flushes; the caller commits once."""
    lock_sheet(sheet)
    refresh_status(sheet)
    if sheet.status != KeyingStatus.RESOLVED:
        raise KeyingError(_not_ready(sheet))
    reason = f"双录入单「{sheet.name}」（#{sheet.id}）"
    settled, changed = settled_texts(sheet), 0
    for line in sheet.lines:
        entries = settled[line.candidate_id]
        try:
            count = score_entry.correct_scores(
                line.candidate, entries, reason, actor, action="score.double_entry",
                source="double_entry",
            )  # fmt: skip
        except ValueError as error:
            raise KeyingError(f"考生 {line.candidate.candidate_no}：{error}") from None
        changed += 1 if count else 0
    sheet.status = KeyingStatus.APPLIED
    sheet.applied_by_id, sheet.applied_at = (actor.id if actor else None), utcnow()
    db.session.flush()
    audit.record(actor, "keying.apply", sheet, after={"changed": changed}, reason=reason)
    return changed


def _not_ready(sheet: KeyingSheet) -> str:
    if sheet.status in DONE:
        return f"录入单「{sheet.name}」{STATUS_NAMES[sheet.status]}"
    if sheet.status == KeyingStatus.OPEN:
        return f"录入单「{sheet.name}」两遍尚未都录入完，不能写入成绩"
    return f"录入单「{sheet.name}」还有 {len(unresolved(sheet))} 处差异未处理，不能写入成绩"


def cancel_sheet(sheet: KeyingSheet, reason: str, actor: Account | None) -> None:
    """Cancel (作废) a sheet that was not applied; a reason is required."""
    lock_sheet(sheet)
    if sheet.status in DONE:
        raise KeyingError(f"录入单「{sheet.name}」{STATUS_NAMES[sheet.status]}，不能作废")
    if not reason.strip():
        raise KeyingError("请填写作废原因")
    before = {"status": sheet.status.value}
    sheet.status = KeyingStatus.CANCELLED
    db.session.flush()
    audit.record(
        actor, "keying.cancel", sheet, before=before, after={"status": "cancelled"},
        reason=reason.strip(),
    )  # fmt: skip

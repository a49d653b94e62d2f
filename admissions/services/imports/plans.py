"""Plans import (招生计划): plan lines per batch, creating the institutions the file names."""

from __future__ import annotations

import re

from sqlalchemy import select

from admissions.extensions import db
from admissions.files.readers import Row
from admissions.models import Institution, PlanLine, RulesVersion, Scheme
from admissions.models.candidate import CANDIDATE_TYPES
from admissions.models.plan import INSTITUTION_TYPES, OWNERSHIPS, split_types
from admissions.services.imports.context import ChangeList, ImportContext, Staged
from admissions.services.imports.requirements import requirement_problems
from admissions.services.imports.scale_check import SeatRow, excesses, has_scale, published_rows

_INSTITUTION_CODE = re.compile(r"\d{5}")
LABELS = {
    "program_name": "专业名称",
    "category_code": "专业类别",
    "seats": "计划数",
    "group_code": "专业组",
    "scheme_code": "计分方案",
    "requirements": "选考要求",
    "tuition": "学费",
    "years": "学制",
    "ownership": "办学性质",
    "notes": "备注",
    "types": "考生类型限制",
}


def _scheme_codes(context: ImportContext) -> set[str]:
    exam = context.exam
    query = (
        select(Scheme.code)
        .join(RulesVersion)
        .where(RulesVersion.exam_id == exam.id)
        .where(RulesVersion.version == exam.current_rules_version)
    )
    return set(db.session.scalars(query)) | {b.scheme_code for b in exam.batches}


_SHOWN_NEW = ("program_name", "category_code", "seats")


def _values(row: Row) -> dict[str, object]:
    return {
        "program_name": row["program_name"],
        "category_code": row["category"],
        "seats": int(row["seats"] or 0),
        "group_code": row["group"],
        "scheme_code": row["scheme"],
        "requirements": row["requirements"] or "",
        "tuition": _number(row.get("tuition")),
        "years": _number(row.get("years")),
        "ownership": row.get("ownership") or None,
        "notes": row.get("notes") or None,
        "types": row.get("types") or None,
    }


def _number(value: str | None) -> int | None:
    return None if value in (None, "") else int(value)


def stage(context: ImportContext) -> Staged:
    """Check every plan line against the exam; stage inserts and updates."""
    exam = context.exam
    batches = {b.code: b for b in exam.batches}
    categories = {c.code for c in exam.categories}
    schemes = _scheme_codes(context)
    institutions = {i.code: i for i in db.session.scalars(select(Institution))}
    new_names: dict[str, str] = {}
    new_types: dict[str, str] = {}
    for line, row in context.numbered():
        _check_row(context, line, row, batches, categories, schemes)
        _check_type(context, line, row, new_types)
        code, name = str(row["institution_code"]), str(row["institution_name"])
        known = institutions[code].name if code in institutions else new_names.get(code)
        if not _INSTITUTION_CODE.fullmatch(code):
            context.error(line, "institution_code", f"院校代码「{code}」应为5位数字")
        elif known is not None and known != name:
            context.error(line, "institution_name", f"院校代码 {code} 已登记为「{known}」")
        else:
            new_names.setdefault(code, name)
    existing = {
        (p.batch_id, p.institution_id, p.program_code): p
        for p in db.session.scalars(select(PlanLine).where(PlanLine.exam_id == exam.id))
    }
    inserts: list[Row] = []
    updates: list[tuple[PlanLine, Row]] = []
    unchanged = 0
    changes = ChangeList()
    for line, row in context.numbered():
        batch, institution = (
            batches.get(str(row["batch"])),
            institutions.get(str(row["institution_code"])),
        )
        current = (
            existing.get((batch.id, institution.id, row["program_code"]))
            if batch and institution
            else None
        )
        key = f"{row['batch']} {row['institution_code']} {row['program_code']}"
        after = _values(row)
        if current is None:
            inserts.append(row)
            changes.add(line, key, True, [(LABELS[k], None, after[k]) for k in _SHOWN_NEW])
            continue
        differs = [k for k, v in after.items() if getattr(current, k) != v]
        if not differs:
            unchanged += 1
        else:
            updates.append((current, row))
            changes.add(
                line, key, False, [(LABELS[k], getattr(current, k), after[k]) for k in differs]
            )

    if not context.errors and has_scale(exam):
        _check_scale(context, batches, institutions, new_names, [p for p, _ in updates])

    def apply() -> None:
        for code, name in new_names.items():
            if code not in institutions:
                institutions[code] = Institution(code=code, name=name)
                db.session.add(institutions[code])
        for code, kind in new_types.items():
            institutions[code].institution_type = kind
        db.session.flush()
        for row in inserts:
            db.session.add(
                PlanLine(
                    exam_id=exam.id,
                    batch_id=batches[str(row["batch"])].id,
                    institution_id=institutions[str(row["institution_code"])].id,
                    program_code=row["program_code"],
                    **_values(row),
                )
            )
        for plan_line, row in updates:
            for key, value in _values(row).items():
                setattr(plan_line, key, value)
        db.session.flush()

    return Staged((len(inserts), len(updates), unchanged), apply, changes.rows)


def check_rows(context: ImportContext) -> None:
    """The row checks of a plans file that need no other row: batch, category, scheme, group,
    requirements, and the optional columns' words (an institution's upload uses them too)."""
    exam = context.exam
    batches = {b.code: b for b in exam.batches}
    categories = {c.code for c in exam.categories}
    schemes = _scheme_codes(context)
    new_types: dict[str, str] = {}
    for line, row in context.numbered():
        _check_row(context, line, row, batches, categories, schemes)
        _check_type(context, line, row, new_types)


def line_values(row: Row) -> dict[str, object]:
    """The plan line's columns from a checked row (program_code and the keys excluded)."""
    return _values(row)


def _check_row(context, line, row, batches, categories, schemes) -> None:  # noqa: ANN001
    batch = batches.get(str(row["batch"]))
    if batch is None:
        context.error(line, "batch", f"批次「{row['batch']}」不存在（可用：{'、'.join(batches)}）")
    if row["category"] not in categories:
        known = "、".join(sorted(categories))
        context.error(line, "category", f"专业类别「{row['category']}」不存在（可用：{known}）")
    if row["scheme"] and row["scheme"] not in schemes:
        context.error(line, "scheme", f"计分方案「{row['scheme']}」不存在")
    if batch is not None and batch.shape == "grouped" and not row["group"]:
        context.error(line, "group", f"批次 {batch.code} 按院校专业组填报，必须填写专业组")
    if row["requirements"]:
        for problem in requirement_problems(str(row["requirements"]), context.exam):
            context.error(line, "requirements", problem)


def _check_type(context: ImportContext, line: int, row: Row, new_types: dict[str, str]) -> None:
    """办学性质, 院校类型 (one per institution in the file) and 考生类型限制 take known words only."""
    if row.get("ownership") and row["ownership"] not in OWNERSHIPS:
        context.error(line, "ownership", f"办学性质「{row['ownership']}」应为 公办 或 民办")
    kind = row.get("institution_type")
    if kind and kind not in INSTITUTION_TYPES:
        allowed = "、".join(INSTITUTION_TYPES)
        context.error(line, "institution_type", f"院校类型「{kind}」应为 {allowed} 之一")
    elif kind:
        code = str(row["institution_code"])
        if new_types.setdefault(code, str(kind)) != kind:
            context.error(line, "institution_type",
                          f"院校 {code} 的院校类型在本文件中前后不同（「{new_types[code]}」与「{kind}」）")  # fmt: skip
    for name in split_types(row.get("types")):
        if name not in CANDIDATE_TYPES:
            allowed = "、".join(CANDIDATE_TYPES)
            context.error(line, "types", f"考生类型「{name}」应为 {allowed} 之一（多项用 ; 分隔）")


def _check_scale(context, batches, institutions, new_names, replaced) -> None:  # noqa: ANN001
    """With a scale set: the plan as it would stand after this file, against the scale; each
    excess is reported on the file's last row of that institution (or level)."""
    gone = {line.id for line in replaced}
    rows = [r for r in published_rows(context.exam) if r.key not in gone]
    last: dict[tuple[str, str], int] = {}
    for line, row in context.numbered():
        level = batches[str(row["batch"])].level or ""
        code = str(row["institution_code"])
        rows.append(SeatRow(level, code, int(row["seats"] or 0), 0, line))
        last[(level, code)] = last[(level, "")] = line
    for excess in excesses(context.exam, rows, new_names):
        line = last.get((excess.level, excess.institution_code), context.lines[-1])
        context.error(line, "seats", excess.message)

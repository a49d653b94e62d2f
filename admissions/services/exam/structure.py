"""Categories and batches, edited through the rules file: the rules stay the one source of truth.

A change made on the board's form is applied to the current rules, written back as TOML and
loaded as a new rules version (``load_exam_rules``), so the CLI, the export and the tables agree.
Allowed only before scores are published and while the current version is not frozen. Also the
list of rules versions with who/when and which are frozen. Flushes, never commits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from admissions.extensions import db
from admissions.models import Account, Exam, RulesVersion
from admissions.services.exam.rules import (
    RulesChangeRefused,
    RulesLoad,
    current_version,
    exam_rules,
    is_frozen,
    load_exam_rules,
    runs_using,
)
from admissions.services.exam.state import scores_published
from scoring.rules import dump_rules
from scoring.rules_model import Rules

CATEGORY_CODE = re.compile(r"^[A-Za-z0-9-]{1,20}$")


class StructureInputError(ValueError):
    """A form value that cannot be used (message in Chinese)."""


@dataclass(frozen=True)
class BatchEdit:
    """The editable fields of a batch, as typed on the form."""

    name: str
    max_choices: str
    ratio: str
    rounds: str


@dataclass(frozen=True)
class VersionRow:
    """One rules version for the versions list."""

    version: int
    created_at: datetime
    created_by: str
    digest: str
    runs: int
    frozen: bool
    current: bool


def lock_reason(exam: Exam) -> str | None:
    """Why categories and batches cannot be edited now, or None."""
    expert = "；确需调整（如增加征集志愿轮次）请在“规则文件”页修改，修改会记入新版本"
    if scores_published(exam):
        return "成绩已发布，专业类别和批次已锁定（考生已按它们查看成绩、填报志愿）" + expert
    version = current_version(exam)
    if version is not None and is_frozen(version):
        return f"规则第 {version.version} 版已被正式投档使用（已冻结）" + expert
    return None


def update_batch(exam: Exam, code: str, edit: BatchEdit, *, actor: Account | None) -> RulesLoad:
    """A new rules version with the batch's name, max choices, ratio and rounds changed."""
    _, rules = _editable_rules(exam)
    if code not in {b.code for b in rules.batches}:
        raise StructureInputError(f"没有批次 {code}")
    fields = _batch_fields(edit)
    batches = tuple(replace(b, **fields) if b.code == code else b for b in rules.batches)
    return _save(exam, rules, replace(rules, batches=batches), actor)


def save_category(exam: Exam, code: str, name: str, *, actor: Account | None) -> RulesLoad:
    """A new rules version with the category added, or renamed when the code exists."""
    _, rules = _editable_rules(exam)
    code, name = code.strip(), name.strip()
    if not CATEGORY_CODE.match(code):
        raise StructureInputError("类别代码只能由字母、数字和“-”组成，最长 20 个字符")
    if not name or len(name) > 60:
        raise StructureInputError("请填写类别名称（最多 60 个字）")
    known = dict(rules.categories)
    known[code] = name
    return _save(exam, rules, replace(rules, categories=tuple(known.items())), actor)


def _editable_rules(exam: Exam) -> tuple[RulesVersion, Rules]:
    reason = lock_reason(exam)
    if reason:
        raise RulesChangeRefused(reason)
    try:
        return exam_rules(exam)
    except LookupError as exc:
        raise RulesChangeRefused(str(exc)) from None


def _save(exam: Exam, old: Rules, new: Rules, actor: Account | None) -> RulesLoad:
    """Load ``new`` as the next version, unless the form changed nothing."""
    text = dump_rules(new)
    if text == dump_rules(old):
        return RulesLoad(exam, exam.current_rules_version or 0, False, changed=False)
    return load_exam_rules(text, actor=actor, name="规则文件")


def _batch_fields(edit: BatchEdit) -> dict[str, object]:
    name = edit.name.strip()
    if not name or len(name) > 60:
        raise StructureInputError("请填写批次名称（最多 60 个字）")
    max_choices = _integer(edit.max_choices, "最多志愿数", 1, 1000)
    rounds = _integer(edit.rounds, "投档轮数", 1, 20)
    try:
        ratio = Decimal(edit.ratio.strip())
    except InvalidOperation:
        raise StructureInputError(f"投档比例“{edit.ratio}”不是数字") from None
    if not ratio.is_finite() or not Decimal(1) <= ratio <= Decimal(2):
        raise StructureInputError("投档比例应在 1 到 2 之间，例如 1.05")
    if ratio.as_tuple().exponent < -4:  # type: ignore[operator]
        raise StructureInputError("投档比例最多 4 位小数")
    return {"name": name, "max_choices": max_choices, "rounds": rounds, "ratio": ratio}


def _integer(text: str, label: str, low: int, high: int) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise StructureInputError(f"{label}“{text}”不是整数") from None
    if not low <= value <= high:
        raise StructureInputError(f"{label}应在 {low} 到 {high} 之间")
    return value


def versions(exam: Exam) -> list[VersionRow]:
    """Every rules version of the exam, newest first, with who/when and whether frozen."""
    rows = db.session.scalars(
        select(RulesVersion)
        .where(RulesVersion.exam_id == exam.id)
        .order_by(RulesVersion.version.desc())
    ).all()
    out = []
    for row in rows:
        author = db.session.get(Account, row.created_by_id) if row.created_by_id else None
        out.append(
            VersionRow(
                row.version, row.created_at, author.username if author else "命令行或系统",
                row.digest, runs_using(row), is_frozen(row),
                row.version == exam.current_rules_version,
            )
        )  # fmt: skip
    return out


def version_text(exam: Exam, number: int) -> str | None:
    """The TOML text of one version of the exam's rules, or None."""
    return db.session.scalar(
        select(RulesVersion.toml_text).where(
            RulesVersion.exam_id == exam.id, RulesVersion.version == number
        )
    )

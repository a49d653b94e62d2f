"""Rules files (TOML) of an exam: validate with the engine, store versions, keep the tables in step.

``load_exam_rules`` creates an exam (version 1) or a new rules version of an existing one and
updates its components, categories, batches, rounds and control lines; ``exam_rules`` gives the
current version as engine ``Rules``; ``export_rules`` writes it back as TOML (round trip). The
schemes of each version are stored with it. Every function flushes and never commits.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass

from sqlalchemy import func, select

from admissions.extensions import db
from admissions.models import (
    Account,
    AllocationRun,
    Exam,
    ExamStatus,
    PlanScale,
    RulesVersion,
    RunStatus,
    Scheme,
)
from admissions.services import audit
from admissions.services.exam.freeze import batches_with_saved_runs, frozen_changes
from admissions.services.exam.tables import (
    RulesChangeRefused,
    sync_tables,
    table_lines,
    with_lines,
)
from admissions.services.provinces import get_or_create_province
from scoring.report import SchemeReport, scheme_report
from scoring.rules import RulesError, dump_rules, load_rules
from scoring.rules_model import Rules

__all__ = [
    "RulesChangeRefused",
    "RulesError",
    "RulesLoad",
    "create_exam_from_rules",
    "current_version",
    "digest",
    "exam_rules",
    "export_rules",
    "is_frozen",
    "load_exam_rules",
    "parse_rules",
    "runs_using",
    "scheme_reports",
    "update_exam_rules",
]


@dataclass(frozen=True)
class RulesLoad:
    """What ``load_exam_rules`` did."""

    exam: Exam
    version: int
    created: bool
    changed: bool = True


def digest(text: str) -> str:
    """SHA-256 of the rules text (UTF-8), hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_rules(text: str, name: str = "<rules>") -> Rules:
    """Validate rules text with the engine; raise ``RulesError`` listing every problem."""
    return load_rules(text, name=name)


def create_exam_from_rules(
    toml_text: str,
    *,
    actor: Account | None = None,
    status: ExamStatus = ExamStatus.REGISTRATION_OPEN,
    name: str = "<rules>",
) -> Exam:
    """Create the exam, rules version 1 and the tables it defines; flush, do not commit."""
    rules = parse_rules(toml_text, name)
    if db.session.scalar(select(Exam.id).where(Exam.code == rules.exam.code)) is not None:
        raise RulesChangeRefused(f"考试 {rules.exam.code} 已存在")
    province = get_or_create_province(rules.exam.province)
    exam = Exam(
        code=rules.exam.code,
        name=rules.exam.name,
        province_id=province.id,
        year=rules.exam.year,
        status=status,
        current_rules_version=1,
        ranking_scheme=rules.ranking_scheme,
    )
    db.session.add(exam)
    db.session.flush()
    version = _add_version(exam, 1, toml_text, rules, actor)
    sync_tables(exam, rules)
    audit.record(
        actor, "exam.create", exam, after={"code": exam.code, "rules_digest": version.digest}
    )
    return exam


def load_exam_rules(
    toml_text: str, *, actor: Account | None = None, name: str = "<rules>"
) -> RulesLoad:
    """Create the exam from a rules file, or add a new rules version to the existing exam.

    Raises ``RulesError`` (invalid file) or ``RulesChangeRefused`` (a change that a frozen
    version forbids, see ``rules_freeze``; another province; or a removed component, category
    or batch still in use); nothing is written then.
    """
    rules = parse_rules(toml_text, name)
    exam = db.session.scalar(select(Exam).where(Exam.code == rules.exam.code))
    if exam is None:
        exam = create_exam_from_rules(toml_text, actor=actor, name=name)
        return RulesLoad(exam, 1, True)
    current = current_version(exam)
    if current is not None and is_frozen(current):
        _refuse_frozen_changes(exam, current, rules)
    if rules.exam.province != exam.province.code:
        raise RulesChangeRefused(
            f"规则文件的省份 {rules.exam.province} 与考试 {exam.code} 的省份 {exam.province.code} 不同"
        )
    if current is not None and current.digest == digest(toml_text):
        return RulesLoad(exam, current.version, False, changed=False)
    _refuse_batches_without_level(exam, rules)
    before = {"version": exam.current_rules_version, "rules_digest": current and current.digest}
    sync_tables(exam, rules, parse_rules(current.toml_text) if current else None)
    number = (current.version if current else 0) + 1
    version = _add_version(exam, number, toml_text, rules, actor)
    exam.name, exam.year = rules.exam.name, rules.exam.year
    exam.current_rules_version, exam.ranking_scheme = number, rules.ranking_scheme
    db.session.flush()
    audit.record(
        actor, "exam.rules_version", exam, before=before,
        after={"version": number, "rules_digest": version.digest},
    )  # fmt: skip
    return RulesLoad(exam, number, False)


def _refuse_batches_without_level(exam: Exam, rules: Rules) -> None:
    """Once an approved scale is set, every batch must say its level (本科 / 专科)."""
    if db.session.scalar(select(PlanScale.id).where(PlanScale.exam_id == exam.id).limit(1)) is None:
        return
    missing = [f"{b.name}（{b.code}）" for b in rules.batches if b.level is None]
    if missing:
        raise RulesChangeRefused(
            f"考试 {exam.code} 已设定核定招生规模，每个批次都须写明层次"
            f'（level = "本科" 或 "专科"）；未写层次的批次：{"、".join(missing)}'
        )


def _refuse_frozen_changes(exam: Exam, current: RulesVersion, rules: Rules) -> None:
    old = parse_rules(current.toml_text, f"{exam.code} v{current.version}")
    changes = frozen_changes(old, rules, batches_with_saved_runs(exam))
    if changes:
        raise RulesChangeRefused(
            f"考试 {exam.code} 的规则第 {current.version} 版已被正式投档使用（已冻结），"
            f"不能再修改{'、'.join(changes)}；批次名称、志愿数、投档比例、轮数或新增类别"
            "可以保存为新版本"
        )


def _add_version(
    exam: Exam, number: int, text: str, rules: Rules, actor: Account | None
) -> RulesVersion:
    version = RulesVersion(
        exam_id=exam.id,
        version=number,
        toml_text=text,
        digest=digest(text),
        created_by_id=actor.id if actor else None,
    )
    db.session.add(version)
    db.session.flush()
    for s in rules.schemes:
        db.session.add(
            Scheme(
                rules_version_id=version.id, code=s.code, formula=s.formula.source,
                decimals=s.decimals, bonus_cap=s.bonus_cap,
                qualify=[e.source for e in s.qualify],
                tiebreak=[e.source for e in s.tiebreak], ties=s.ties,
            )
        )  # fmt: skip
    db.session.flush()
    return version


def current_version(exam: Exam) -> RulesVersion | None:
    """The exam's current rules version row, or None."""
    return db.session.scalar(
        select(RulesVersion).where(
            RulesVersion.exam_id == exam.id, RulesVersion.version == exam.current_rules_version
        )
    )


def is_frozen(version: RulesVersion) -> bool:
    """True when a saved allocation run (succeeded or published) used this version, or it was
    frozen explicitly: results people act on must stay reproducible from their rules."""
    if version.frozen:
        return True
    return bool(runs_using(version))


def runs_using(version: RulesVersion) -> int:
    """How many saved (not dry) succeeded or published allocation runs used this version."""
    used = db.session.scalar(
        select(func.count(AllocationRun.id)).where(
            AllocationRun.rules_version_id == version.id,
            AllocationRun.dry_run.is_(False),
            AllocationRun.status.in_((RunStatus.SUCCEEDED, RunStatus.PUBLISHED)),
        )
    )
    return int(used or 0)


# Parsed rules by (version id, its text, control lines as stored): both are read on every
# call, so a changed line or a new version is seen at once; only the parsing (TOML, every
# condition) is kept, per process. ``Rules`` are frozen, so sharing them is safe.
_RULES_CACHE_SIZE = 64
_rules_cache: dict[tuple[object, ...], Rules] = {}
_rules_lock = threading.Lock()


def exam_rules(exam: Exam, version: RulesVersion | None = None) -> tuple[RulesVersion, Rules]:
    """The current rules version and its engine ``Rules``, control lines as fixed in the
    ControlLine table (their one source of truth); ``LookupError`` when none. ``version``:
    the current version's row, when the caller has read it already."""
    version = version or current_version(exam)
    if version is None:
        raise LookupError(f"考试 {exam.code} 没有规则文件")
    lines = table_lines(exam)
    key = (version.id, version.toml_text, exam.code, lines)
    with _rules_lock:
        rules = _rules_cache.get(key)
    if rules is None:
        parsed = parse_rules(version.toml_text, f"{exam.code} v{version.version}")
        rules = with_lines(parsed, lines)
        with _rules_lock:
            if len(_rules_cache) >= _RULES_CACHE_SIZE:
                _rules_cache.clear()
            _rules_cache[key] = rules
    return version, rules


def export_rules(exam: Exam) -> str:
    """The current rules as TOML text (loads back to equal rules)."""
    return dump_rules(exam_rules(exam)[1])


def update_exam_rules(exam: Exam, toml_text: str, *, actor: Account | None = None) -> RulesLoad:
    """A new rules version for ``exam`` from text edited on the board's page.

    The file must name this exam (``[exam] code``); otherwise ``RulesChangeRefused``."""
    rules = parse_rules(toml_text, "规则文件")
    if rules.exam.code != exam.code:
        raise RulesChangeRefused(f"规则文件的考试代码 {rules.exam.code} 与本考试 {exam.code} 不同")
    return load_exam_rules(toml_text, actor=actor, name="规则文件")


def scheme_reports(toml_text: str) -> list[SchemeReport]:
    """Per scheme: maximum total, culture/vocational shares and warnings (under 50 % skill)."""
    rules = parse_rules(toml_text)
    return [scheme_report(rules, s.code) for s in rules.schemes]

"""Creating an exam and its first rules version from a rules file (TOML).

Validation of the file is shallow here (the structure the tables need); the full rules engine
(``scoring.rules``) checks expressions and cross-references.
"""

from __future__ import annotations

import hashlib
import tomllib
from decimal import Decimal
from typing import Any

from admissions.extensions import db
from admissions.models import (
    Account,
    Batch,
    BatchShape,
    Category,
    Component,
    ComponentGroup,
    ControlLine,
    Exam,
    ExamStatus,
    Round,
    RulesVersion,
    Scheme,
)
from admissions.services import audit
from admissions.services.provinces import get_or_create_province


def digest(text: str) -> str:
    """SHA-256 of the rules text (UTF-8), hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def create_exam_from_rules(
    toml_text: str,
    *,
    actor: Account | None = None,
    status: ExamStatus = ExamStatus.REGISTRATION_OPEN,
) -> Exam:
    """Create the exam, rules version 1 and the tables it defines; flush, do not commit."""
    rules = tomllib.loads(toml_text)
    head = rules["exam"]
    province = get_or_create_province(str(head["province"]))
    exam = Exam(
        code=head["code"],
        name=head["name"],
        province_id=province.id,
        year=int(head["year"]),
        track=head.get("track", ""),
        status=status,
        current_rules_version=1,
        ranking_scheme=head.get("ranking") or rules["batches"][0]["scheme"],
    )
    db.session.add(exam)
    db.session.flush()
    version = RulesVersion(
        exam_id=exam.id,
        version=1,
        toml_text=toml_text,
        digest=digest(toml_text),
        created_by_id=actor.id if actor else None,
    )
    db.session.add(version)
    db.session.flush()
    _add_schemes(version, rules.get("schemes", {}))
    _add_components(exam, rules.get("components", {}))
    for code, name in rules.get("categories", {}).items():
        db.session.add(Category(exam_id=exam.id, code=code, name=name))
    for sequence, spec in enumerate(rules.get("batches", []), start=1):
        _add_batch(exam, sequence, spec)
    db.session.flush()
    audit.record(
        actor, "exam.create", exam, after={"code": exam.code, "rules_digest": version.digest}
    )
    return exam


def _add_schemes(version: RulesVersion, schemes: dict[str, Any]) -> None:
    for code, spec in schemes.items():
        db.session.add(
            Scheme(
                rules_version_id=version.id,
                code=code,
                formula=spec["formula"],
                decimals=int(spec.get("decimals", 2)),
                bonus_cap=Decimal(str(spec.get("bonus_cap", 0))),
                qualify=list(spec.get("qualify", [])),
                tiebreak=list(spec.get("tiebreak", [])),
                ties=spec.get("ties", "share"),
            )
        )


def _add_components(exam: Exam, components: dict[str, Any]) -> None:
    for position, (code, spec) in enumerate(components.items()):
        grades = spec.get("grades")
        top = max(grades.values()) if grades else spec["max"]
        db.session.add(
            Component(
                exam_id=exam.id,
                code=code,
                name=spec["name"],
                max=Decimal(str(top)),
                group=ComponentGroup(spec["group"]),
                grades=grades,
                position=position,
            )
        )


def _add_batch(exam: Exam, sequence: int, spec: dict[str, Any]) -> None:
    batch = Batch(
        exam_id=exam.id,
        code=spec["code"],
        name=spec["name"],
        sequence=sequence,
        shape=BatchShape(spec.get("shape", "flat")),
        max_choices=int(spec["max_choices"]),
        majors_per_group=spec.get("majors_per_group"),
        ratio=Decimal(str(spec.get("ratio", 1))),
        rounds=int(spec.get("rounds", 1)),
        scheme_code=spec["scheme"],
    )
    db.session.add(batch)
    db.session.flush()
    for category, conditions in spec.get("lines", {}).items():
        db.session.add(
            ControlLine(batch_id=batch.id, category_code=category, conditions=conditions)
        )
    for number in range(1, batch.rounds + 1):
        db.session.add(Round(batch_id=batch.id, number=number))

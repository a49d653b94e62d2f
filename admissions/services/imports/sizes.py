"""How many characters each import column may hold: the length of the database column it fills.

The reader checks every cell against its column's ``max_length`` (`TableSpec.with_lengths`), so a
name too long for its column is refused on its line on every database, not by PostgreSQL when
writing (SQLite would keep it whole).
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import InstrumentedAttribute

from admissions.files.columns import TableSpec
from admissions.models import (
    Batch,
    Candidate,
    Component,
    Institution,
    PlanLine,
    PreferenceItem,
    Scheme,
)

Fills = Mapping[str, InstrumentedAttribute[str] | InstrumentedAttribute[str | None]]

FILLS: dict[str, Fills] = {
    "plans": {
        "batch": Batch.code,
        "institution_code": Institution.code,
        "institution_name": Institution.name,
        "program_code": PlanLine.program_code,
        "program_name": PlanLine.program_name,
        "category": PlanLine.category_code,
        "group": PlanLine.group_code,
        "scheme": Scheme.code,
    },
    "candidates": {
        "candidate_no": Candidate.candidate_no,
        "national_id": Candidate.national_id,
        "name": Candidate.name,
        "category": Candidate.category_code,
        "type": Candidate.candidate_type,
        "school": Candidate.school,
        "bonus_reason": Candidate.bonus_reason,
        "work_employer": Candidate.work_employer,
    },
    "scores": {"candidate_no": Candidate.candidate_no},
    "credits": {"candidate_no": Candidate.candidate_no, "component": Component.name},
    "preferences": {
        "candidate_no": Candidate.candidate_no,
        "batch": Batch.code,
        "institution_code": Institution.code,
        "program_code": PlanLine.program_code,
        "group": PreferenceItem.group_code,
    },
    "decisions": {
        "candidate_no": Candidate.candidate_no,
        "batch": Batch.code,
        "program_code": PlanLine.program_code,
    },
}


def lengths(fills: Fills) -> dict[str, int]:
    """Column key → the length of the String column it fills (Text columns have none)."""
    found = {key: getattr(attribute.type, "length", None) for key, attribute in fills.items()}
    return {key: length for key, length in found.items() if length}


def sized(spec: TableSpec, extra: Mapping[str, int] | None = None) -> TableSpec:
    """`spec` with each column limited to the length of the database column it fills (kinds of
    ``FILLS``), and the `extra` limits on top."""
    return spec.with_lengths({**lengths(FILLS.get(spec.kind, {})), **(extra or {})})

"""Demo institutions and plan lines in the 本科 (BK) and 专科 (ZK) batches."""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy import select

from admissions.extensions import db
from admissions.models import Batch, Exam, Institution, PlanLine
from admissions.services.demo.names import CATEGORY_SHARES, PROGRAMS, UNDERGRADUATE, VOCATIONAL

# Seats per candidate of a category: about 15 % get a 本科 seat, 55 % a 专科 seat.
SEAT_FRACTION = {"BK": 0.15, "ZK": 0.55}


@dataclass(frozen=True)
class DemoLine:
    """A stored plan line with what preferences need to know."""

    id: int
    batch_code: str
    category: str
    prestige: float


def get_or_create_institutions() -> dict[str, tuple[Institution, float]]:
    """The 40 demo institutions by code, with a prestige; reused if they already exist."""
    specs = [(f"1{i:04d}", *spec) for i, spec in enumerate(UNDERGRADUATE, start=1)]
    specs += [(f"5{i:04d}", *spec) for i, spec in enumerate(VOCATIONAL, start=1)]
    existing = {i.code: i for i in db.session.scalars(select(Institution)).all()}
    result = {}
    for code, name, city, prestige in specs:
        institution = existing.get(code) or Institution(code=code, name=name, city=city)
        db.session.add(institution)
        result[code] = (institution, prestige)
    db.session.flush()
    return result


def create_plan_lines(
    rng: random.Random, exam: Exam, candidates_per_category: dict[str, int]
) -> list[DemoLine]:
    """Plan lines of both batches, seats in proportion to the candidates of each category."""
    institutions = get_or_create_institutions()
    batches = {b.code: b for b in exam.batches}
    lines: list[DemoLine] = []
    for batch_code, is_undergraduate in (("BK", True), ("ZK", False)):
        batch = batches[batch_code]
        hosts = [v for code, v in institutions.items() if code.startswith("1") == is_undergraduate]
        lines += _lines_for_batch(
            rng, exam, batch, hosts, candidates_per_category, is_undergraduate
        )
    return lines


def _lines_for_batch(
    rng: random.Random,
    exam: Exam,
    batch: Batch,
    hosts: list[tuple[Institution, float]],
    candidates_per_category: dict[str, int],
    undergraduate: bool,
) -> list[DemoLine]:
    offers: dict[str, list[tuple[Institution, float, str]]] = {c: [] for c in CATEGORY_SHARES}
    for institution, prestige in hosts:
        categories = rng.sample(list(CATEGORY_SHARES), rng.randint(3, 5))
        for category in categories:
            names = PROGRAMS[category][0 if undergraduate else 1]
            for name in rng.sample(names, min(len(names), rng.randint(1, 2))):
                offers[category].append((institution, prestige, name))
    rows: list[tuple[PlanLine, float]] = []
    program_numbers: dict[int, int] = {}
    for category, offered in offers.items():
        total = round(candidates_per_category.get(category, 0) * SEAT_FRACTION[batch.code])
        weights = [rng.uniform(0.5, 1.5) for _ in offered]
        for (institution, prestige, name), weight in zip(offered, weights, strict=True):
            number = program_numbers.get(institution.id, 0) + 1
            program_numbers[institution.id] = number
            seats = max(2, round(total * weight / sum(weights)))
            line = PlanLine(
                exam_id=exam.id, batch_id=batch.id, institution_id=institution.id,
                program_code=f"{category[:1]}{number:02d}", program_name=name,
                category_code=category, seats=seats, requirements="",
            )  # fmt: skip
            rows.append((line, prestige))
    db.session.add_all([line for line, _ in rows])
    db.session.flush()
    return [DemoLine(line.id, batch.code, line.category_code, p) for line, p in rows]

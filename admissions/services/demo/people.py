"""Synthetic candidates: valid ID numbers, names, schools and plausible component scores."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from admissions import idcard
from admissions.services.demo.names import (
    CATEGORY_SHARES,
    GIVEN_CHARS,
    REGIONS,
    SCHOOL_SUFFIXES,
    SURNAMES,
)

CANDIDATE_TYPES = [  # weighted: most candidates are this year's graduates
    "应届中职毕业生",
    "应届中职毕业生",
    "应届中职毕业生",
    "应届中职毕业生",
    "往届中职毕业生",
    "具有工作经历",
]


@dataclass(frozen=True)
class Person:
    """One synthetic candidate before it is stored; ``ability`` drives scores and choices."""

    candidate_no: str
    national_id: str
    name: str
    gender: str
    birth_date: date
    category: str
    candidate_type: str
    school: str
    phone: str
    bonus: Decimal
    ability: float


def make_people(rng: random.Random, count: int, year: int) -> list[Person]:
    """``count`` people with unique, checksum-valid ID numbers."""
    categories = list(CATEGORY_SHARES)
    weights = list(CATEGORY_SHARES.values())
    seen: set[str] = set()
    people = []
    for index in range(count):
        region, city = rng.choice(REGIONS)
        national_id = _unique_id(rng, region, seen)
        info = idcard.parse(national_id)
        bonus = Decimal(rng.choice([5, 10])) if rng.random() < 0.03 else Decimal(0)
        people.append(
            Person(
                candidate_no=f"{year % 100:02d}37{index + 1:010d}",
                national_id=national_id,
                name=rng.choice(SURNAMES) + "".join(rng.sample(GIVEN_CHARS, rng.choice([1, 2]))),
                gender=info.gender,
                birth_date=info.birth_date,
                category=rng.choices(categories, weights)[0],
                candidate_type=rng.choice(CANDIDATE_TYPES),
                school=city + "市" + rng.choice(SCHOOL_SUFFIXES),
                phone=f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
                bonus=bonus,
                ability=rng.gauss(0.0, 1.0),
            )
        )
    return people


def _unique_id(rng: random.Random, region: str, seen: set[str]) -> str:
    while True:
        born = date(2007, 1, 1) + timedelta(days=rng.randrange(730))
        number = idcard.make(region, born, rng.randrange(1, 1000))
        if number not in seen:
            seen.add(number)
            return number


def component_score(rng: random.Random, ability: float, maximum: Decimal) -> Decimal | None:
    """A normal-ish score around 60 % of the maximum, clipped, sometimes with a half point.

    About 0.3 % are absent (None).
    """
    if rng.random() < 0.003:
        return None
    fraction = 0.6 + 0.14 * (0.75 * ability + 0.66 * rng.gauss(0.0, 1.0))
    raw = min(max(fraction, 0.0), 1.0) * float(maximum)
    step = 2 if rng.random() < 0.3 else 1  # half points sometimes
    return min(Decimal(round(raw * step)) / step, maximum)

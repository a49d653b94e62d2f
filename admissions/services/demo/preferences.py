"""Demo preferences for round 1 of each batch: flat, ordered, mostly plausible."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select

from admissions.extensions import db
from admissions.models import Exam, PreferenceItem, PreferenceList, PreferenceStatus
from admissions.services.demo.plans import DemoLine


def create_preferences(
    rng: random.Random,
    exam: Exam,
    lines: list[DemoLine],
    candidates: list[tuple[int, str, float]],
    submitted_at: datetime,
) -> int:
    """Submitted round-1 lists; ``candidates`` are (id, category, percentile 0..1 in category).

    Better candidates aim at more prestigious institutions, with some noise and a few long shots.
    Returns the number of items written.
    """
    batches = {b.code: b for b in exam.batches}
    by_key: dict[tuple[str, str], list[DemoLine]] = defaultdict(list)
    for line in lines:
        by_key[(line.batch_code, line.category)].append(line)
    list_rows: list[dict[str, Any]] = []
    wanted: dict[tuple[int, int], list[int]] = {}
    for candidate_id, category, percentile in candidates:
        for batch_code, batch in batches.items():
            if batch_code == "BK" and percentile < 0.55 and rng.random() < 0.9:
                continue  # most weaker candidates skip the 本科 batch
            options = by_key.get((batch_code, category), [])
            choice_ids = _choose(rng, options, percentile, batch.max_choices)
            if not choice_ids:
                continue
            list_rows.append(
                {"candidate_id": candidate_id, "batch_id": batch.id, "round_number": 1,
                 "version": 1, "status": PreferenceStatus.SUBMITTED, "submitted_at": submitted_at,
                 "created_at": submitted_at}
            )  # fmt: skip
            wanted[(candidate_id, batch.id)] = choice_ids
    db.session.execute(insert(PreferenceList), list_rows)
    ids = db.session.execute(
        select(PreferenceList.id, PreferenceList.candidate_id, PreferenceList.batch_id).where(
            PreferenceList.batch_id.in_([b.id for b in batches.values()])
        )
    ).all()
    items = [
        {"list_id": list_id, "position": position, "plan_line_id": line_id, "adjust": False}
        for list_id, candidate_id, batch_id in ids
        for position, line_id in enumerate(wanted.get((candidate_id, batch_id), []), start=1)
    ]
    db.session.execute(insert(PreferenceItem), items)
    return len(items)


def _choose(
    rng: random.Random, options: list[DemoLine], percentile: float, max_choices: int
) -> list[int]:
    if not options:
        return []
    count = min(len(options), max_choices, rng.randint(4, 12))

    def appeal(line: DemoLine) -> float:
        # Near one's own level first; a line far above is a long shot, far below a safety.
        return -abs(line.prestige - (0.35 + 0.65 * percentile)) + rng.gauss(0.0, 0.08)

    picked = sorted(options, key=appeal, reverse=True)[:count]
    picked.sort(key=lambda line: line.prestige + rng.gauss(0.0, 0.05), reverse=True)
    return [line.id for line in picked]

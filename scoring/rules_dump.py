"""Write a :class:`~scoring.rules_model.Rules` back to TOML text (round trip with ``load_rules``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import tomli_w

from scoring.rules_model import Batch, Component, Rules, Scheme


def _num(value: Decimal) -> int | Decimal:
    """Whole numbers as TOML integers, others as exact decimals."""
    return int(value) if value == value.to_integral_value() else value


def _component(c: Component) -> dict[str, Any]:
    out: dict[str, Any] = {"name": c.name, "max": _num(c.max), "group": c.group}
    if c.grades:
        out["grades"] = {k: _num(v) for k, v in c.grades}
    return out


def _scheme(s: Scheme) -> dict[str, Any]:
    return {
        "formula": s.formula.source,
        "decimals": s.decimals,
        "bonus_cap": _num(s.bonus_cap),
        "qualify": [e.source for e in s.qualify],
        "tiebreak": [e.source for e in s.tiebreak],
        "ties": s.ties,
    }


def _batch(b: Batch) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": b.code,
        "name": b.name,
        "scheme": b.scheme,
        "shape": b.shape,
        "max_choices": b.max_choices,
    }
    if b.majors_per_group is not None:
        out["majors_per_group"] = b.majors_per_group
    if b.level is not None:
        out["level"] = b.level
    out.update(ratio=_num(b.ratio), rounds=b.rounds)
    out["lines"] = {cat: [e.source for e in conds] for cat, conds in b.lines}
    return out


def dump_rules(rules: Rules) -> str:
    """The rules as TOML text; ``load_rules(dump_rules(r)) == r``."""
    exam: dict[str, Any] = {
        "code": rules.exam.code,
        "name": rules.exam.name,
        "province": rules.exam.province,
        "year": rules.exam.year,
    }
    if rules.exam.ranking is not None:
        exam["ranking"] = rules.exam.ranking
    data = {
        "exam": exam,
        "components": {c.code: _component(c) for c in rules.components},
        "categories": dict(rules.categories),
        "schemes": {s.code: _scheme(s) for s in rules.schemes},
        "batches": [_batch(b) for b in rules.batches],
    }
    return tomli_w.dumps(data)

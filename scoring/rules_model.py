"""Frozen dataclasses describing one exam's rules (docs/rules-reference.md).

Derived names available to expressions: ``culture`` and ``vocational`` (sums of the component
groups), ``bonus`` (capped), ``raw_total`` (rounded formula), ``total`` (raw_total + bonus) and, in
``tiebreak`` only, ``choice``.  The candidate type (考生类型) is read through indicator names,
usable in formulas, qualification and tie-breaks: ``type_fresh``, ``type_former`` and ``type_work``
are 1 for a candidate of that type and 0 otherwise (``TYPE_NAMES``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from scoring.expr import Expression

GROUPS = ("culture", "vocational")
DERIVED = ("culture", "vocational", "bonus", "raw_total", "total")
CHOICE = "choice"
#: Indicator name → candidate type (考生类型) it is 1 for.
TYPE_NAMES = {
    "type_fresh": "应届中职毕业生",
    "type_former": "往届中职毕业生",
    "type_work": "具有工作经历",
}
RESERVED = frozenset({*DERIVED, *TYPE_NAMES, CHOICE, "max", "min", "and", "or", "not"})
TIES = ("share", "candidate_no")
SHAPES = ("flat", "grouped")
LEVELS = ("本科", "专科")  # a batch's level (层次), matched against the approved scale


def type_flags(candidate_type: str) -> dict[str, Decimal]:
    """The indicator names of a candidate type: 1 for its own name, 0 for the others."""
    return {name: Decimal(int(label == candidate_type)) for name, label in TYPE_NAMES.items()}


@dataclass(frozen=True)
class Component:
    """One exam component (科目); ``grades`` maps a grade letter to its points when graded."""

    code: str
    name: str
    max: Decimal
    group: str
    grades: tuple[tuple[str, Decimal], ...] = ()

    @property
    def graded(self) -> bool:
        """True when scores are grade letters converted by ``grades``."""
        return bool(self.grades)

    def grade_points(self, grade: str) -> Decimal:
        """Points of a grade letter; ``KeyError`` when unknown."""
        return dict(self.grades)[grade]


@dataclass(frozen=True)
class Scheme:
    """A weighting scheme (计分方案)."""

    code: str
    formula: Expression
    decimals: int = 2
    bonus_cap: Decimal = Decimal(0)
    qualify: tuple[Expression, ...] = ()
    tiebreak: tuple[Expression, ...] = ()
    ties: str = "share"


@dataclass(frozen=True)
class Batch:
    """A batch (批次) with its control lines per category (``"*"`` = every other category)."""

    code: str
    name: str
    scheme: str
    shape: str = "flat"
    max_choices: int = 1
    majors_per_group: int | None = None
    ratio: Decimal = Decimal(1)
    rounds: int = 1
    lines: tuple[tuple[str, tuple[Expression, ...]], ...] = ()
    level: str | None = None  # 本科 | 专科; required of every batch once an approved scale is set

    def lines_for(self, category: str) -> tuple[Expression, ...]:
        """The control-line conditions that apply to ``category``."""
        table = dict(self.lines)
        return table.get(category, table.get("*", ()))


@dataclass(frozen=True)
class Exam:
    """The ``[exam]`` table."""

    code: str
    name: str
    province: str
    year: int
    ranking: str | None = None


@dataclass(frozen=True)
class Rules:
    """A whole rules file, validated."""

    exam: Exam
    components: tuple[Component, ...]
    categories: tuple[tuple[str, str], ...]
    schemes: tuple[Scheme, ...]
    batches: tuple[Batch, ...] = field(default=())

    def component(self, code: str) -> Component:
        """The component with this code; ``KeyError`` when unknown."""
        for comp in self.components:
            if comp.code == code:
                return comp
        raise KeyError(code)

    def scheme(self, code: str) -> Scheme:
        """The scheme with this code; ``KeyError`` when unknown."""
        for scheme in self.schemes:
            if scheme.code == code:
                return scheme
        raise KeyError(code)

    def batch(self, code: str) -> Batch:
        """The batch with this code; ``KeyError`` when unknown."""
        for batch in self.batches:
            if batch.code == code:
                return batch
        raise KeyError(code)

    @property
    def ranking_scheme(self) -> str:
        """The headline scheme for 位次 and the score-rank table."""
        if self.exam.ranking is not None:
            return self.exam.ranking
        if self.batches:
            return self.batches[0].scheme
        return self.schemes[0].code

    @property
    def category_codes(self) -> tuple[str, ...]:
        """Category codes in file order."""
        return tuple(code for code, _ in self.categories)

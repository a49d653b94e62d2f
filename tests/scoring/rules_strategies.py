"""Hypothesis strategies for random rules, formulas and candidates, with an independent
``Decimal`` reference evaluation of the generated formulas."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Context, Decimal, localcontext
from pathlib import Path

from hypothesis import strategies as st

CODES = ("c0", "c1", "c2", "c3", "c4")
MAXES = {
    "c0": Decimal(150),
    "c1": Decimal(150),
    "c2": Decimal(100),
    "c3": Decimal(200),
    "c4": Decimal(230),
}
GROUPS = {"c0": "culture", "c1": "culture", "c2": "culture", "c3": "vocational", "c4": "vocational"}


@dataclass(frozen=True)
class Formula:
    """Formula text plus a reference evaluator built only from Python ``Decimal`` operators."""

    text: str
    tree: tuple[object, ...]

    def reference(self, env: dict[str, Decimal]) -> Decimal:
        """Evaluate with Python's default decimal context, directly."""
        with localcontext(Context()):
            return _ref(self.tree, env)


def _ref(tree: tuple[object, ...], env: dict[str, Decimal]) -> Decimal:
    kind = tree[0]
    if kind == "lit":
        return tree[1]  # type: ignore[return-value]
    if kind == "name":
        return env[tree[1]]  # type: ignore[index]
    a = _ref(tree[1], env)  # type: ignore[arg-type]
    b = _ref(tree[2], env)  # type: ignore[arg-type]
    if kind == "+":
        return a + b
    if kind == "-":
        return a - b
    if kind == "*":
        return a * b
    if kind == "/":
        return a / b
    if kind == "max":
        return max(a, b)
    return min(a, b)


literals = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(50), places=2).map(
    lambda d: d.normalize() if d == d.to_integral_value() else d
)


def _leaf() -> st.SearchStrategy[Formula]:
    names = st.sampled_from(CODES + ("culture", "vocational")).map(
        lambda n: Formula(n, ("name", n))
    )
    lits = literals.map(lambda d: Formula(format(d, "f"), ("lit", d)))
    return st.one_of(names, names, lits)


def _combine(
    children: st.SearchStrategy[Formula], ops: tuple[str, ...]
) -> st.SearchStrategy[Formula]:
    def build(op: str, a: Formula, b: Formula) -> Formula:
        if op in ("max", "min"):
            return Formula(f"{op}({a.text}, {b.text})", (op, a.tree, b.tree))
        return Formula(f"({a.text}) {op} ({b.text})", (op, a.tree, b.tree))

    return st.builds(build, st.sampled_from(ops), children, children)


def formulas(
    ops: tuple[str, ...] = ("+", "-", "*", "/", "max", "min"), depth: int = 6
) -> st.SearchStrategy[Formula]:
    """Random formulas over c0..c4, culture, vocational and literals."""
    return st.recursive(_leaf(), lambda ch: _combine(ch, ops), max_leaves=depth)


def positive_linear() -> st.SearchStrategy[Formula]:
    """Formulas with positive weights only: sums of weight * component."""

    def build(weights: list[Decimal]) -> Formula:
        parts = [f"{format(w, 'f')} * {c}" for w, c in zip(weights, CODES, strict=True)]
        tree: tuple[object, ...] = ("lit", Decimal(0))
        for w, c in zip(weights, CODES, strict=True):
            tree = ("+", tree, ("*", ("lit", w), ("name", c)))
        return Formula(" + ".join(parts), tree)

    return st.lists(literals, min_size=5, max_size=5).map(build)


def score(code: str, places: int = 1) -> st.SearchStrategy[Decimal | None]:
    """A score of ``code`` with up to ``places`` decimals, or None (absent)."""
    step = Decimal(1).scaleb(-places)
    values = st.integers(0, int(MAXES[code] / step)).map(lambda k: k * step)
    return st.one_of(st.none(), values, values, values)


def rules_text(formula: str, decimals: int = 2, bonus_cap: str = "10", qualify: str = "[]",
               tiebreak: str = '["c4", "culture"]', ties: str = "share") -> str:  # fmt: skip
    """A complete rules file around a formula."""
    comps = "\n".join(
        f'[components.{c}]\nname = "科目{i}"\nmax = {MAXES[c]}\ngroup = "{GROUPS[c]}"\n'
        for i, c in enumerate(CODES)
    )
    return f'''[exam]
code = "T2026"
name = "测试考试"
province = "370000"
year = 2026

{comps}
[categories]
A = "甲类"
B = "乙类"
C = "丙类"

[schemes.s]
formula = "{formula}"
decimals = {decimals}
bonus_cap = {bonus_cap}
qualify = {qualify}
tiebreak = {tiebreak}
ties = "{ties}"

[[batches]]
code = "BK"
name = "本科批"
scheme = "s"
shape = "flat"
max_choices = 10
ratio = 1.0
rounds = 1

[batches.lines]
"*" = ["total >= 100"]
B = ["culture >= 120", "vocational >= 150"]
'''


PRESETS = Path(__file__).resolve().parents[2] / "presets"

"""What a student and a board read: :func:`explain` (one candidate's breakdown) and
:func:`scheme_report` (maximum total, culture/vocational shares, the national 50 % guideline).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from scoring.composite import Composite, Verdict, _fmt
from scoring.expr import EXACT, Bin, Call, Name, Neg, Node, Num, evaluate
from scoring.rules_model import TYPE_NAMES, Rules, Scheme, type_flags
from scoring.rules_text import expression_text, labels_for

HALF = Decimal("0.5")


def linear_weights(node: Node) -> dict[str, Decimal] | None:
    """Coefficients of a linear formula ({name: weight, "": constant}); None if not linear."""
    if isinstance(node, Num):
        return {"": node.value}
    if isinstance(node, Name):
        return {node.name: Decimal(1)}
    if isinstance(node, Neg):
        inner = linear_weights(node.operand)
        return None if inner is None else {k: -v for k, v in inner.items()}
    if isinstance(node, Bin):
        a, b = linear_weights(node.left), linear_weights(node.right)
        if a is None or b is None:
            return None
        if node.op in "+-":
            sign = 1 if node.op == "+" else -1
            out = dict(a)
            for k, v in b.items():
                out[k] = out.get(k, Decimal(0)) + sign * v
            return out
        const_b = set(b) <= {""}
        if node.op == "*" and (set(a) <= {""} or const_b):
            c, other = (a.get("", Decimal(0)), b) if set(a) <= {""} else (b.get("", Decimal(0)), a)
            return {k: EXACT.multiply(c, v) for k, v in other.items()}
        if node.op == "/" and const_b and b.get("", Decimal(0)) != 0:
            return {k: EXACT.divide(v, b[""]) for k, v in a.items()}
    assert isinstance(node, Bin | Call)
    return None


def component_weights(rules: Rules, node: Node) -> dict[str, Decimal] | None:
    """The weight of each component in a linear formula (``culture``/``vocational`` spread over
    their components); None when the formula is not a weighted sum."""
    return _component_weights(rules, linear_weights(node))


def _component_weights(
    rules: Rules, weights: dict[str, Decimal] | None
) -> dict[str, Decimal] | None:
    """Per-component weights, ``culture``/``vocational`` spread over their components."""
    if weights is None:
        return None
    out = {k: v for k, v in weights.items() if k not in ("culture", "vocational", "")}
    for comp in rules.components:
        extra = weights.get(comp.group, Decimal(0))
        out[comp.code] = EXACT.add(out.get(comp.code, Decimal(0)), extra)
    return out


@dataclass(frozen=True)
class ExplainRow:
    """One component in a candidate's breakdown."""

    code: str
    name: str
    score: Decimal
    source: str
    weight: Decimal | None
    contribution: Decimal | None


@dataclass(frozen=True)
class Explanation:
    """A candidate's breakdown under one scheme."""

    rows: tuple[ExplainRow, ...]
    formula: str
    """The formula as written in the rules file (``chinese + math``)."""
    raw_total: Decimal
    bonus_claimed: Decimal
    bonus: Decimal
    total: Decimal
    rank: int | None
    verdicts: tuple[tuple[str, Verdict], ...]
    formula_text: str = ""
    """The formula in words (``语文 + 数学``), as the pages show it."""

    def lines(self) -> list[str]:
        """The breakdown as plain Chinese text, one line per item."""
        out = [f"计分公式：{self.formula_text or self.formula}"]
        for r in self.rows:
            if r.source == "type":  # a candidate-type credit of a linear formula
                out.append(
                    f"{r.name}：{'是' if r.score else '否'}，计入 {_fmt(r.contribution or Decimal(0))}"
                )
                continue
            src = {"sat": "", "credited": "（认定成绩）", "absent": "（缺考，按 0 分计）"}[r.source]
            part = (
                f"，权重 {_fmt(r.weight)}，计入 {_fmt(r.contribution)}"
                if r.weight is not None and r.contribution is not None
                else ""
            )
            out.append(f"{r.name}：{_fmt(r.score)}{src}{part}")
        out.append(f"总分（不含加分）：{_fmt(self.raw_total)}")
        out.append(f"加分：{_fmt(self.bonus)}（申报 {_fmt(self.bonus_claimed)}）")
        out.append(f"总分：{_fmt(self.total)}")
        if self.rank is not None:
            out.append(f"位次：{self.rank}")
        for what, v in self.verdicts:
            out.append(f"{what}：" + ("符合" if v.ok else "不符合（" + "；".join(v.reasons) + "）"))
        return out


def explain(rules: Rules, composite: Composite, rank: int | None = None,
            verdicts: tuple[tuple[str, Verdict], ...] = ()) -> Explanation:  # fmt: skip
    """Each component, its weight and contribution (linear formulas; then each candidate-type
    credit of the formula, source ``"type"``), bonus, total, rank, verdicts."""
    scheme = rules.scheme(composite.scheme)
    linear = linear_weights(scheme.formula.root)
    weights = _component_weights(rules, linear)
    rows = []
    for comp, score in zip(rules.components, composite.components, strict=True):
        w = weights.get(comp.code, Decimal(0)) if weights is not None else None
        contrib = None if w is None else EXACT.multiply(w, score.effective)
        rows.append(ExplainRow(comp.code, comp.name, score.effective, score.source, w, contrib))
    flags = type_flags(composite.candidate_type)
    for name, label in TYPE_NAMES.items():
        if linear and linear.get(name):
            w, is_type = linear[name], flags[name]
            rows.append(ExplainRow(name, label, is_type, "type", w, EXACT.multiply(w, is_type)))
    return Explanation(tuple(rows), scheme.formula.source, composite.raw_total,
                       composite.bonus_claimed, composite.bonus, composite.total, rank, verdicts,
                       expression_text(scheme.formula, labels_for(rules)))  # fmt: skip


@dataclass(frozen=True)
class SchemeReport:
    """Maximum total and the shares of it; ``warnings`` in Chinese."""

    scheme: str
    max_total: Decimal
    culture_max: Decimal
    vocational_max: Decimal
    culture_share: Decimal
    vocational_share: Decimal
    warnings: tuple[str, ...]


def _at(rules: Rules, scheme: Scheme, groups: set[str]) -> Decimal:
    """The formula at full marks of ``groups`` (others 0), without any candidate-type credit."""
    env = type_flags("") | {
        c.code: (c.max if c.group in groups else Decimal(0)) for c in rules.components
    }
    for g in ("culture", "vocational"):
        env[g] = sum((c.max for c in rules.components if c.group == g and g in groups), Decimal(0))
    return evaluate(scheme.formula.root, env)


def scheme_report(rules: Rules, scheme_code: str) -> SchemeReport:
    """The formula at full marks, and at full marks of one group only (the other at 0)."""
    scheme = rules.scheme(scheme_code)
    try:
        top = _at(rules, scheme, {"culture", "vocational"})
        cul, voc = _at(rules, scheme, {"culture"}), _at(rules, scheme, {"vocational"})
    except ArithmeticError:
        zero = Decimal(0)
        return SchemeReport(
            scheme.code, zero, zero, zero, zero, zero, ("满分时公式出现除以零，无法计算占比",)
        )
    cs = EXACT.divide(cul, top) if top else Decimal(0)
    vs = EXACT.divide(voc, top) if top else Decimal(0)
    warnings = []
    if vs < HALF:
        pct = _fmt(EXACT.multiply(vs, Decimal(100)).quantize(Decimal("0.1")))
        warnings.append(f"职业技能占满分的 {pct}%，低于国家要求的 50%")
    return SchemeReport(scheme.code, top, cul, voc, cs, vs, tuple(warnings))

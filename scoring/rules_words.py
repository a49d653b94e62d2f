"""A whole rules file in plain Chinese: components, categories, schemes and batches.

:func:`describe_rules` returns frozen dataclasses of ready-made sentences (no markup), built with
:mod:`scoring.rules_text`; every field of the rules file that a candidate or a clerk needs is here:
each scheme's formula with the components' names, rounding, bonus cap, qualification conditions,
the tie-break chain in words, the last resort for exact ties; each batch's shape, dispatch ratio,
rounds and control lines per category; grade tables and maximums of the components.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from scoring.report import component_weights, scheme_report
from scoring.rules_model import Batch, Component, Rules, Scheme
from scoring.rules_text import (
    expression_text,
    labels_for,
    number_text,
    tiebreak_item_text,
)

__all__ = [
    "BatchText", "ComponentText", "RulesText", "SchemeText", "batch_text", "component_text",
    "describe_rules", "lines_text", "named", "scheme_label", "scheme_text", "ties_text",
]  # fmt: skip

GROUP_NAMES = {"culture": "文化素质", "vocational": "职业技能"}
SHAPE_NAMES = {"flat": "平行志愿（专业+院校）", "grouped": "院校专业组志愿"}
OTHER_CATEGORIES = "其他专业类别"
CREDITS = (
    "某科有认定成绩（如技能大赛获奖认定）时，认定成绩与考试成绩取较高者计入；缺考的科目按 0 分计入"
)


def named(name: str, code: str) -> str:
    """Name first, code in full-width parentheses: ``信息技术类（IT）``."""
    return f"{name}（{code}）" if name and name != code else code


@dataclass(frozen=True)
class ComponentText:
    """One component: ``语文``, ``满分 120``, ``文化素质``, and its grade table when graded."""

    code: str
    name: str
    maximum: str
    group: str
    grades: str


@dataclass(frozen=True)
class SchemeText:
    """One scheme (计分方案) in sentences."""

    code: str
    label: str
    formula: str
    weights: tuple[tuple[str, str], ...]
    maximum: str
    rounding: str
    bonus: str
    qualify: tuple[str, ...]
    tiebreak: tuple[str, ...]
    ties: str
    order: str


@dataclass(frozen=True)
class BatchText:
    """One batch (批次) in sentences; ``lines`` pairs a category label with its control line."""

    code: str
    label: str
    scheme: str
    shape: str
    ratio: str
    rounds: str
    lines: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class RulesText:
    """The whole rules file in sentences, in file order."""

    exam: str
    credits: str
    components: tuple[ComponentText, ...]
    categories: tuple[str, ...]
    schemes: tuple[SchemeText, ...]
    batches: tuple[BatchText, ...]
    ranking: str


def describe_rules(rules: Rules) -> RulesText:
    """Every part of ``rules`` as sentences a candidate reads."""
    labels = labels_for(rules)
    categories = dict(rules.categories)
    return RulesText(
        exam=f"{rules.exam.name}（{rules.exam.year} 年）",
        credits=CREDITS,
        components=tuple(component_text(c) for c in rules.components),
        categories=tuple(named(name, code) for code, name in rules.categories),
        schemes=tuple(scheme_text(rules, s, labels) for s in rules.schemes),
        batches=tuple(batch_text(rules, b, categories, labels) for b in rules.batches),
        ranking=f"位次和一分一段表按{scheme_label(rules, rules.ranking_scheme)}的总分计算",
    )


def component_text(component: Component) -> ComponentText:
    """A component's maximum, group and grade table."""
    grades = "、".join(f"{grade} 等 {number_text(points)} 分" for grade, points in component.grades)
    return ComponentText(
        component.code, component.name, f"满分 {number_text(component.max)}",
        GROUP_NAMES.get(component.group, component.group), grades,
    )  # fmt: skip


def scheme_label(rules: Rules, code: str) -> str:
    """``计分方案`` when the file has one scheme, else ``计分方案 2（skill_heavy）`` (file order)."""
    codes = [s.code for s in rules.schemes]
    if len(codes) <= 1:
        return "计分方案"
    number = codes.index(code) + 1 if code in codes else 0
    return f"计分方案 {number}（{code}）" if number else f"计分方案（{code}）"


def scheme_text(
    rules: Rules, scheme: Scheme, labels: Mapping[str, str] | None = None
) -> SchemeText:
    """Formula, rounding, bonus cap, qualification, the order of candidates and its last resort."""
    labels = labels if labels is not None else labels_for(rules)
    decimals = "取整数" if scheme.decimals == 0 else f"保留 {scheme.decimals} 位小数"
    if scheme.bonus_cap > 0:
        bonus = f"加分最多计入 {number_text(scheme.bonus_cap)} 分，计入后为总分；不含加分的总分保留，用于同分比较"
    else:
        bonus = "不计加分"
    tiebreak = tuple(tiebreak_item_text(e, labels) for e in scheme.tiebreak)
    order = "按总分从高到低排序"
    if tiebreak:
        order += "；总分相同时依次比较：" + "，".join(tiebreak)
    order += "；仍相同时：" + ties_text(scheme.ties)
    return SchemeText(
        scheme.code, scheme_label(rules, scheme.code), expression_text(scheme.formula, labels),
        weights_text(rules, scheme), maximum_text(rules, scheme),
        f"计算结果{decimals}（四舍五入）", bonus,
        tuple(expression_text(e, labels) for e in scheme.qualify), tiebreak,
        ties_text(scheme.ties), order,
    )  # fmt: skip


def weights_text(rules: Rules, scheme: Scheme) -> tuple[tuple[str, str], ...]:
    """(component name, its weight) for a formula that is a weighted sum, file order; empty
    when the formula is not linear (``max``, products of scores): the formula says it then."""
    weights = component_weights(rules, scheme.formula.root)
    if weights is None:
        return ()
    return tuple(
        (c.name, f"× {number_text(weights[c.code])}")
        for c in rules.components
        if weights.get(c.code)
    )


def maximum_text(rules: Rules, scheme: Scheme) -> str:
    """The total at full marks and the share of each part: ``满分 750（文化素质 320，职业技能 430，
    职业技能占 57.3%）``."""
    report = scheme_report(rules, scheme.code)
    if report.warnings and not report.max_total:
        return "；".join(report.warnings)
    share = number_text(
        (report.vocational_share * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    )
    return (
        f"满分 {number_text(report.max_total)}（文化素质 {number_text(report.culture_max)}，"
        f"职业技能 {number_text(report.vocational_max)}，职业技能占 {share}%）"
    )


def ties_text(ties: str) -> str:
    """The last resort for candidates equal on every key."""
    if ties == "candidate_no":
        return "考生号小者优先"
    return "并列，同时投档（可因此超出计划数）"


def batch_text(
    rules: Rules, batch: Batch, categories: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
) -> BatchText:  # fmt: skip
    """A batch's shape, ratio, rounds, scheme and control lines."""
    categories = categories if categories is not None else dict(rules.categories)
    labels = labels if labels is not None else labels_for(rules)
    if batch.shape == "grouped":
        per_group = batch.majors_per_group or 1
        shape = f"{SHAPE_NAMES['grouped']}，最多填报 {batch.max_choices} 个专业组，每组最多 {per_group} 个专业"
    else:
        shape = f"{SHAPE_NAMES['flat']}，最多填报 {batch.max_choices} 个志愿"
    ratio = number_text(batch.ratio)
    extra = batch.rounds - 1
    rounds = f"共 {batch.rounds} 轮" + (f"：第 1 轮及 {extra} 轮征集志愿" if extra else "")
    return BatchText(
        batch.code, named(batch.name, batch.code), scheme_label(rules, batch.scheme), shape,
        f"投档比例 1:{ratio}（可投档人数 = 空余计划数 × {ratio}，向下取整）", rounds,
        lines_text(batch, categories, labels),
    )  # fmt: skip


def lines_text(
    batch: Batch, categories: Mapping[str, str], labels: Mapping[str, str]
) -> tuple[tuple[str, str], ...]:
    """(category label, line in words) per entry of the batch's control lines, file order;
    ``*`` reads ``其他专业类别`` (every category without its own line)."""
    out = []
    for category, conditions in batch.lines:
        who = OTHER_CATEGORIES if category == "*" else named(categories.get(category, ""), category)
        what = "，".join(expression_text(c, labels) for c in conditions) or "不设控制线"
        out.append((who, what))
    return tuple(out)

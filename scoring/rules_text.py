"""Expressions in plain Chinese: formulas, conditions and the tie-break chain as a person reads them.

Pure functions over the parsed expressions (:mod:`scoring.expr`); names are replaced by their
labels (component names, ``总分`` …) and operators by their signs::

    0.5*(chinese+math+english) + 1.8*skill_test   →   0.5 × (语文 + 数学 + 英语) + 1.8 × 技能测试
    total >= 521                                  →   总分 ≥ 521
    skill >= 138 and not culture < 100            →   技能测试 ≥ 138 且 非 (文化素质 < 100)

The rendering keeps the expression's structure: parentheses appear exactly where the tree needs
them (and around a right operand of the same precedence), so the text, read back, means the same.
Whole rules (schemes, batches, control lines) are described by :mod:`scoring.rules_words`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from scoring.expr import EXACT, ExprError, Expression, parse_condition, parse_expression
from scoring.expr_nodes import Bin, BoolOp, Call, Compare, Name, Neg, Node, Not, Num
from scoring.rules_model import CHOICE, TYPE_NAMES, Rules

__all__ = [
    "DERIVED_LABELS", "ARITH_SIGNS", "COMPARE_SIGNS", "BOOL_WORDS", "FUNCTION_WORDS",
    "condition_sources_text", "expression_text", "labels_for", "labels_from", "node_text",
    "number_text", "source_text", "tiebreak_item_text", "type_test_text",
]  # fmt: skip

#: Labels of the names every rules file may use besides its component codes.
DERIVED_LABELS: dict[str, str] = {
    "culture": "文化素质",
    "vocational": "职业技能",
    "bonus": "加分",
    "raw_total": "总分（不含加分）",
    "total": "总分",
    CHOICE: "志愿序号",
    **TYPE_NAMES,  # 1 for a candidate of that type, else 0
}
ARITH_SIGNS = {"+": "+", "-": "−", "*": "×", "/": "÷"}
COMPARE_SIGNS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "=", "!=": "≠"}
BOOL_WORDS = {"and": "且", "or": "或", "not": "非"}
FUNCTION_WORDS = {"max": "较大值", "min": "较小值"}

# Precedence, loosest first (the grammar of scoring.expr).
_OR, _AND, _NOT, _COMPARE, _SUM, _PRODUCT, _UNARY, _ATOM = range(8)
_BIN_PRECEDENCE = {"+": _SUM, "-": _SUM, "*": _PRODUCT, "/": _PRODUCT}


def labels_for(rules: Rules) -> dict[str, str]:
    """Every name a rules file's expressions may use → its Chinese label."""
    return labels_from((c.code, c.name) for c in rules.components)


def labels_from(components: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Labels from (component code, component name) pairs, plus the derived names."""
    labels = dict(DERIVED_LABELS)
    labels.update({code: name for code, name in components})
    return labels


def type_test_text(node: Compare) -> str | None:
    """A test of a candidate-type indicator in words: ``type_work == 1`` → ``考生类型为具有工作经历``,
    ``type_work == 0`` (or ``!= 1``) → ``考生类型不是具有工作经历``; None for any other comparison."""
    left, right = node.left, node.right
    if not (isinstance(left, Name) and left.name in TYPE_NAMES and isinstance(right, Num)):
        return None
    if node.op not in ("==", "!=") or right.value not in (0, 1):
        return None
    is_type = (node.op == "==") == (right.value == 1)
    return f"考生类型{'为' if is_type else '不是'}{TYPE_NAMES[left.name]}"


def number_text(value: Decimal) -> str:
    """A decimal as people write it: no exponent, no trailing zeros ("521", "0.5", "-3")."""
    text = format(value.normalize(context=EXACT), "f")
    return "0" if text in ("-0", "") else text


def expression_text(expression: Expression, labels: Mapping[str, str]) -> str:
    """A parsed formula or condition in words."""
    return node_text(expression.root, labels)


def node_text(node: Node, labels: Mapping[str, str]) -> str:
    """One node of an expression tree in words (names by their labels)."""
    return _render(node, labels)[0]


def source_text(source: str, labels: Mapping[str, str], condition: bool = False) -> str:
    """Expression text as stored (``"total >= 521"``) in words; text the language cannot read
    (a name unknown to ``labels``, a typo) is returned as written, never hidden."""
    try:
        parse = parse_condition if condition else parse_expression
        return expression_text(parse(source, labels.keys()), labels)
    except ExprError:
        return source


def condition_sources_text(sources: Iterable[str], labels: Mapping[str, str]) -> str:
    """Several stored conditions, all of which must hold: ``总分 ≥ 480，职业技能 ≥ 300``."""
    return "，".join(source_text(s, labels, condition=True) for s in sources)


def tiebreak_item_text(expression: Expression, labels: Mapping[str, str]) -> str:
    """One tie-break key in words: ``技能操作（高者优先）``; ``-choice`` reads ``志愿序号（靠前者优先）``."""
    root = expression.root
    if isinstance(root, Name) and root.name == CHOICE:
        return f"{labels.get(CHOICE, CHOICE)}（靠后者优先）"
    if isinstance(root, Neg) and isinstance(root.operand, Name) and root.operand.name == CHOICE:
        return f"{labels.get(CHOICE, CHOICE)}（靠前者优先）"
    if isinstance(root, Neg):
        return f"{node_text(root.operand, labels)}（低者优先）"
    return f"{node_text(root, labels)}（高者优先）"


def _render(node: Node, labels: Mapping[str, str]) -> tuple[str, int]:
    """The text of ``node`` and its precedence (how tightly it binds)."""
    if isinstance(node, Num):
        return number_text(node.value), _ATOM
    if isinstance(node, Name):
        return labels.get(node.name, node.name), _ATOM
    if isinstance(node, Call):
        args = "、".join(_render(arg, labels)[0] for arg in node.args)
        return f"{FUNCTION_WORDS[node.func]}({args})", _ATOM
    if isinstance(node, Neg):
        return "−" + _wrap(node.operand, labels, _UNARY), _UNARY
    if isinstance(node, Bin):
        level = _BIN_PRECEDENCE[node.op]
        left = _wrap(node.left, labels, level)
        right = _wrap(node.right, labels, level, right=True)
        return f"{left} {ARITH_SIGNS[node.op]} {right}", level
    if isinstance(node, Compare):
        if typed := type_test_text(node):
            return typed, _COMPARE
        left, right = _render(node.left, labels)[0], _render(node.right, labels)[0]
        return f"{left} {COMPARE_SIGNS[node.op]} {right}", _COMPARE
    if isinstance(node, BoolOp):
        level = _AND if node.op == "and" else _OR
        left = _bool_operand(node.left, node.op, labels, right=False)
        right = _bool_operand(node.right, node.op, labels, right=True)
        return f"{left} {BOOL_WORDS[node.op]} {right}", level
    assert isinstance(node, Not)
    text, level = _render(node.operand, labels)
    if level < _ATOM:
        text = f"({text})"
    return f"{BOOL_WORDS['not']} {text}", _NOT


def _wrap(node: Node, labels: Mapping[str, str], level: int, right: bool = False) -> str:
    text, inner = _render(node, labels)
    # A right operand of the same precedence keeps its parentheses: a − (b − c), a ÷ (b × c).
    # A negative right operand gets them too, for the eye: 语文 − (−5).
    if inner < level or (right and inner == level) or (right and isinstance(node, Neg)):
        return f"({text})"
    return text


def _bool_operand(node: Node, op: str, labels: Mapping[str, str], right: bool) -> str:
    text, _ = _render(node, labels)
    # "且" inside "或" (and the other way round) is bracketed, though the grammar would not need
    # it for "且": readers should never have to know which binds tighter.
    if isinstance(node, BoolOp) and (node.op != op or right):
        return f"({text})"
    return text

"""Expressions in plain Chinese: examples a person checks by eye, and properties over random trees —
the words never leak a code, and read back they parse to the very same tree."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.expr import parse_condition, parse_expression
from scoring.expr_nodes import Bin, BoolOp, Call, Compare, Name, Neg, Node, Not, Num
from scoring.rules_text import (
    ARITH_SIGNS,
    BOOL_WORDS,
    COMPARE_SIGNS,
    FUNCTION_WORDS,
    condition_sources_text,
    expression_text,
    labels_from,
    number_text,
    source_text,
    tiebreak_item_text,
)

LABELS = labels_from(
    [("chinese", "语文"), ("math", "数学"), ("english", "英语"), ("skill_test", "技能测试"),
     ("cert", "证书等级"), ("skill", "技能操作")]
)  # fmt: skip
NAMES = list(LABELS)


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("chinese + math + english + knowledge_free", None),
        ("chinese + math + english", "语文 + 数学 + 英语"),
        (
            "0.5*(chinese+math+english) + 1.8*skill_test + cert",
            "0.5 × (语文 + 数学 + 英语) + 1.8 × 技能测试 + 证书等级",
        ),
        ("culture + vocational", "文化素质 + 职业技能"),
        ("10 - (2 - 3)", "10 − (2 − 3)"),
        ("10 - 2 - 3", "10 − 2 − 3"),
        ("chinese / (math * 2)", "语文 ÷ (数学 × 2)"),
        ("max(chinese, math) + min(english, 1.50)", "较大值(语文、数学) + 较小值(英语、1.5)"),
        ("-chinese + 5", "−语文 + 5"),
        ("chinese - -5", "语文 − (−5)"),
        ("2 * -(chinese + math)", "2 × (−(语文 + 数学))"),
    ],
)
def test_formulas_read_with_names_and_signs(source: str, words: str | None) -> None:
    if words is None:  # an unknown name: shown as written, never hidden
        assert source_text(source, LABELS) == source
        return
    assert expression_text(parse_expression(source, NAMES), LABELS) == words
    assert source_text(source, LABELS) == words


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("total >= 521", "总分 ≥ 521"),
        ("raw_total > 400.0", "总分（不含加分） > 400"),
        ("skill >= 294 and culture >= 100", "技能操作 ≥ 294 且 文化素质 ≥ 100"),
        ("skill == 0 or culture != 0", "技能操作 = 0 或 文化素质 ≠ 0"),
        ("not skill < 138", "非 (技能操作 < 138)"),
        ("(total >= 1 or bonus > 2) and math <= 3", "(总分 ≥ 1 或 加分 > 2) 且 数学 ≤ 3"),
        ("total >= 1 or bonus > 2 and math <= 3", "总分 ≥ 1 或 (加分 > 2 且 数学 ≤ 3)"),
    ],
)
def test_conditions_read_in_words(source: str, words: str) -> None:
    assert expression_text(parse_condition(source, NAMES), LABELS) == words


def test_control_lines_join_their_conditions() -> None:
    assert condition_sources_text(["total >= 480", "vocational >= 300"], LABELS) == (
        "总分 ≥ 480，职业技能 ≥ 300"
    )
    assert condition_sources_text([], LABELS) == ""


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("skill", "技能操作（高者优先）"),
        ("-choice", "志愿序号（靠前者优先）"),
        ("choice", "志愿序号（靠后者优先）"),
        ("-english", "英语（低者优先）"),
        ("chinese + math", "语文 + 数学（高者优先）"),
        ("max(chinese, math)", "较大值(语文、数学)（高者优先）"),
    ],
)
def test_tiebreak_keys_say_who_wins(source: str, words: str) -> None:
    assert tiebreak_item_text(parse_expression(source, NAMES), LABELS) == words


@pytest.mark.parametrize(
    ("value", "text"),
    [("521.0000", "521"), ("0.50", "0.5"), ("1E+2", "100"), ("-0", "0"), ("-3.10", "-3.1")],
)
def test_numbers_without_trailing_zeros_or_exponent(value: str, text: str) -> None:
    assert number_text(Decimal(value)) == text


# --- properties over random expressions ----------------------------------------------------------

_numbers = st.decimals(min_value=0, max_value=1000, places=2).map(lambda d: format(d, "f"))


def _arith(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(children, st.sampled_from("+-*/"), children).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        children.map(lambda c: f"-({c})"),
        st.tuples(st.sampled_from(["max", "min"]), st.lists(children, min_size=2, max_size=3)).map(
            lambda t: f"{t[0]}({', '.join(t[1])})"
        ),
    )  # fmt: skip


arithmetic = st.recursive(st.one_of(_numbers, st.sampled_from(NAMES)), _arith, max_leaves=12)
comparisons = st.tuples(arithmetic, st.sampled_from(list(COMPARE_SIGNS)), arithmetic).map(
    lambda t: f"{t[0]} {t[1]} {t[2]}"
)
conditions = st.recursive(
    comparisons,
    lambda c: st.one_of(
        st.tuples(c, st.sampled_from(["and", "or"]), c).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        c.map(lambda x: f"not ({x})"),
    ),
    max_leaves=6,
)


def _read_back(words: str) -> str:
    """The words turned back into the expression language (labels → codes, signs → operators)."""
    back = {label: code for code, label in LABELS.items()}
    for label in sorted(back, key=len, reverse=True):
        words = words.replace(label, f" {back[label]} ")
    signs = {v: k for k, v in {**ARITH_SIGNS, **COMPARE_SIGNS, **FUNCTION_WORDS}.items()}
    signs.update({v: f" {k} " for k, v in BOOL_WORDS.items()})
    signs["、"] = ","
    pattern = "|".join(re.escape(sign) for sign in signs)
    return re.sub(pattern, lambda m: signs[m.group()], words)  # one pass: "≥" never meets "="


def _shape(node: Node) -> object:
    """The tree without its columns."""
    if isinstance(node, Num):
        return ("num", node.value)
    if isinstance(node, Name):
        return ("name", node.name)
    if isinstance(node, Neg | Not):
        return (type(node).__name__, _shape(node.operand))
    if isinstance(node, Call):
        return ("call", node.func, tuple(_shape(a) for a in node.args))
    assert isinstance(node, Bin | Compare | BoolOp)
    return (type(node).__name__, node.op, _shape(node.left), _shape(node.right))


@given(arithmetic)
def test_a_formula_in_words_reads_back_as_the_same_tree(source: str) -> None:
    parsed = parse_expression(source, NAMES)
    words = expression_text(parsed, LABELS)
    assert not re.search(r"[A-Za-z_]", words), words  # no code, no English operator
    assert _shape(parse_expression(_read_back(words), NAMES).root) == _shape(parsed.root)


@given(conditions)
def test_a_condition_in_words_reads_back_as_the_same_tree(source: str) -> None:
    parsed = parse_condition(source, NAMES)
    words = expression_text(parsed, LABELS)
    assert not re.search(r"[A-Za-z_]|>=|<=|==|!=", words), words
    assert _shape(parse_condition(_read_back(words), NAMES).root) == _shape(parsed.root)

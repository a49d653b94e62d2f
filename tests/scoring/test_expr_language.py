"""The expression language: what it accepts, how it evaluates, what it refuses."""

from decimal import Decimal

import pytest

from scoring.expr import ExprError, evaluate, holds, parse_condition, parse_expression

NAMES = ["chinese", "math", "skill"]
ENV = {"chinese": Decimal("98.5"), "math": Decimal(112), "skill": Decimal(130)}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("chinese + math", Decimal("210.5")),
        ("2 * (chinese - 8.5) / 4", Decimal(45)),
        ("-chinese + +math", Decimal("13.5")),
        ("max(chinese, math, skill)", Decimal(130)),
        ("min(chinese, math)", Decimal("98.5")),
        ("1 / 3", Decimal("0.3333333333333333333333333333")),
        ("10 - 2 - 3", Decimal(5)),
        ("12 / 2 / 3", Decimal(2)),
    ],
)
def test_arithmetic_is_exact_decimal(source: str, expected: Decimal) -> None:
    assert evaluate(parse_expression(source, NAMES).root, ENV) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("skill >= 130", True),
        ("skill > 130", False),
        ("chinese == 98.5 and not math < 100", True),
        ("skill < 100 or chinese != 98.5", False),
        ("not (skill <= 129 or math > 112)", True),
        ("0.1 + 0.2 == 0.3", True),
    ],
)
def test_conditions(source: str, expected: bool) -> None:
    assert holds(parse_condition(source, NAMES).root, ENV) is expected


def test_names_are_collected() -> None:
    assert parse_expression("max(chinese, 1) + skill", NAMES).names == {"chinese", "skill"}


@pytest.mark.parametrize(
    ("source", "column", "fragment"),
    [
        ("chinese + englsh", 11, "未知的名称“englsh”"),
        ("chinese.real", 8, "不允许用“.”访问属性"),
        ("__import__('os')", 12, "不允许的字符“'”"),
        ("__import__(1)", 1, "只允许调用 max() 和 min()"),
        ("abs(chinese)", 1, "不允许“abs”"),
        ("2 ** 1000", 3, "不允许乘方"),
        ("1e308", 2, "多余的“e308”"),
        ("12345678901", 1, "太大或小数位太多"),
        ("1.1234567", 1, "小数部分最多 6 位"),
        ("", 1, "表达式为空"),
        ("chinese +", 10, "此处应为数字、名称或“(”，实际是表达式结尾"),
        ("(chinese", 9, "此处应为“)”"),
        ("max(chinese)", 1, "至少需要两个参数"),
        ("max", 1, "须带括号使用"),
        ("chinese >= 1", 1, "此处应为数值，实际是条件"),
        ("chinese math", 9, "多余的“math”"),
        ("chinese ; math", 9, "不允许的字符“;”"),
        ("lambda", 1, "未知的名称“lambda”"),
    ],
)
def test_refused_expressions_name_the_column(source: str, column: int, fragment: str) -> None:
    with pytest.raises(ExprError) as info:
        parse_expression(source, NAMES)
    assert info.value.column == column
    assert fragment in info.value.message


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("skill", "此处应为条件"),
        ("1 < skill < 3", "比较不能连写"),
        ("skill >= 1 and math", "此处应为条件"),
        ("not skill", "此处应为条件"),
        ("(skill >= 1) + 1 > 0", "此处应为数值"),
    ],
)
def test_refused_conditions(source: str, fragment: str) -> None:
    with pytest.raises(ExprError, match=fragment):
        parse_condition(source, NAMES)


def test_deep_nesting_and_long_text_are_refused() -> None:
    with pytest.raises(ExprError, match="嵌套超过 40 层"):
        parse_expression("(" * 100 + "1" + ")" * 100, NAMES)
    with pytest.raises(ExprError, match="超过 2000 个字符"):
        parse_expression("1 + " * 600 + "1", NAMES)


def test_division_by_zero_is_reported() -> None:
    with pytest.raises(ZeroDivisionError):
        evaluate(parse_expression("chinese / (skill - 130)", NAMES).root, ENV)

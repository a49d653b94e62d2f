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
        ("chinese + englsh", 11, "unknown name 'englsh'"),
        ("chinese.real", 8, "attribute access"),
        ("__import__('os')", 12, "unexpected character"),
        ("__import__(1)", 1, "calls are not allowed"),
        ("abs(chinese)", 1, "calls are not allowed"),
        ("2 ** 1000", 3, "power"),
        ("1e308", 2, "unexpected 'e308'"),
        ("12345678901", 1, "too large"),
        ("1.1234567", 1, "too precise"),
        ("", 1, "empty"),
        ("chinese +", 10, "expected a number"),
        ("(chinese", 9, "expected ')'"),
        ("max(chinese)", 1, "at least two"),
        ("max", 1, "must be called"),
        ("chinese >= 1", 1, "expected a number, found a condition"),
        ("chinese math", 9, "unexpected 'math'"),
        ("chinese ; math", 9, "unexpected character ';'"),
        ("lambda", 1, "unknown name"),
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
        ("skill", "expected a condition"),
        ("1 < skill < 3", "cannot be chained"),
        ("skill >= 1 and math", "expected a condition"),
        ("not skill", "expected a condition"),
        ("(skill >= 1) + 1 > 0", "expected a number"),
    ],
)
def test_refused_conditions(source: str, fragment: str) -> None:
    with pytest.raises(ExprError, match=fragment):
        parse_condition(source, NAMES)


def test_deep_nesting_and_long_text_are_refused() -> None:
    with pytest.raises(ExprError, match="nested deeper"):
        parse_expression("(" * 100 + "1" + ")" * 100, NAMES)
    with pytest.raises(ExprError, match="longer than"):
        parse_expression("1 + " * 600 + "1", NAMES)


def test_division_by_zero_is_reported() -> None:
    with pytest.raises(ZeroDivisionError):
        evaluate(parse_expression("chinese / (skill - 130)", NAMES).root, ENV)

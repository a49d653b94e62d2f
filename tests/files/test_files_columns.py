"""Column specs and cell parsers: canonical text out, a clear message for everything else."""

from __future__ import annotations

from decimal import Decimal

import pytest
from files_helpers import COMPONENTS
from hypothesis import given
from hypothesis import strategies as st

from admissions.files import parsers as p
from admissions.files.columns import KINDS, scores_spec, spec_for


def test_every_kind_has_unique_keys_and_aliases() -> None:
    for kind in KINDS:
        spec = spec_for(kind, COMPONENTS)
        names = [name for column in spec.columns for name in (column.key, *column.aliases)]
        assert len({name.casefold() for name in names}) == len(names), kind
        for keys in spec.unique:
            assert all(spec.column(key) for key in keys)


def test_scores_spec_follows_the_components() -> None:
    spec = scores_spec(COMPONENTS)
    assert [c.key for c in spec.columns] == ["candidate_no", "chinese", "math", "skill", "cert"]
    assert [c.aliases for c in spec.columns][1:] == [
        ("语文",),
        ("数学",),
        ("技能测试",),
        ("证书等级",),
    ]
    assert not any(c.required for c in spec.columns[1:])  # blank = absent


@given(
    st.decimals(min_value=0, max_value=200, places=2, allow_nan=False),
    st.sampled_from([" ", "0", ""]),
)
def test_decimal_fast_path_agrees_with_exact_decimal(number: Decimal, pad: str) -> None:
    parse = p.decimal(maximum=Decimal(120), places=1)
    text = (pad.strip() + str(number)) if pad == "0" else str(number)
    try:
        got: str | None = parse(text)
    except p.CellError:
        got = None
    exact = Decimal(text)
    fits = exact <= 120 and exact == exact.quantize(Decimal("0.1"))
    assert (got is not None) == fits
    if got is not None:
        assert Decimal(got) == exact
        assert got == "0" or got.startswith("0.") or not got.startswith("0")  # no leading zeros
        assert "." not in got or not got.endswith(("0", "."))  # no trailing zeros


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("120", "120"),
        ("120.0", "120"),
        ("0", "0"),
        ("000", "0"),
        ("0.5", "0.5"),
        (".5", "0.5"),
        ("1e2", "100"),
    ],
)
def test_decimal_canonical_text(text: str, expected: str) -> None:
    assert p.decimal(maximum=Decimal(120), places=1)(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("120.5", "「120.5」超过满分 120"),
        ("1e3", "「1e3」超过满分 120"),
        ("-0.5", "「-0.5」为负数"),
        ("Infinity", "「Infinity」不是数字"),
        ("1,5", "「1,5」不是数字"),
        ("0.05", "「0.05」小数位过多（最多 1 位）"),
    ],
)
def test_decimal_refusals(text: str, message: str) -> None:
    with pytest.raises(p.CellError, match=f"^{message}$"):
        p.decimal(maximum=Decimal(120), places=1)(text)


@pytest.mark.parametrize(
    ("text", "expected"), [("是", "Y"), ("否", "N"), ("y", "Y"), ("No", "N"), ("TRUE", "Y")]
)
def test_yes_no(text: str, expected: str) -> None:
    assert p.yes_no(text) == expected


def test_integer_accepts_whole_decimals_only() -> None:
    assert p.integer(0)("12.0") == "12"
    with pytest.raises(p.CellError, match="不是整数"):
        p.integer(0)("12.5")


def test_grade_is_case_insensitive_and_returns_the_table_letter() -> None:
    assert p.grade({"A": 45, "B": 40})("b") == "B"

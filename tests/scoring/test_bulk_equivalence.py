"""The bulk path equals the exact per-candidate path, row by row."""

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.bulk import bulk_compute, bulk_lines, qualify_reasons
from scoring.composite import (
    CandidateInput,
    Credit,
    ScoreError,
    check_lines,
    compute_candidate,
    qualify,
)
from scoring.order import order_keys, rank_composites, rank_keys
from scoring.rules import load_rules
from tests.scoring.rules_strategies import CODES, PRESETS, formulas, rules_text, score

D = Decimal
TIEBREAKS = [
    "c4",
    "culture",
    "raw_total",
    "max(c0, c1) - c2",
    "c3 / 3",
    "-choice",
    "c0 * c1 * c2 * c3 / 7",
    "type_former * c1",
]
QUALIFY = ["c4 >= 100", "culture > vocational / 2 or c0 == 150", "not c1 < 30", "total / 3 >= 50",
           "type_work == 1 or c0 >= 60", "not type_fresh == 1"]  # fmt: skip
TYPE_CREDITS = ["", " + 7.5 * type_work", " + type_fresh - 0.25 * type_former"]

row = st.fixed_dictionaries(
    {c: score(c, 1) for c in CODES}
    | {
        "credit": st.one_of(st.none(), st.tuples(st.sampled_from(CODES), st.integers(0, 100))),
        "bonus": st.one_of(st.none(), st.decimals(0, 20, places=1)),
        "category": st.sampled_from(["A", "B", "C"]),
        "type": st.sampled_from(["应届中职毕业生", "往届中职毕业生", "具有工作经历", ""]),
    }  # fmt: skip
)


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    data: dict[str, list[object]] = {
        c: [np.nan if r[c] is None else float(r[c]) for r in rows] for c in CODES
    }  # type: ignore[arg-type]
    for c in CODES:
        data[f"credit_{c}"] = [
            float(r["credit"][1]) if r["credit"] and r["credit"][0] == c else np.nan for r in rows
        ]  # type: ignore[index]
    data["bonus"] = [np.nan if r["bonus"] is None else float(r["bonus"]) for r in rows]  # type: ignore[arg-type]
    data["candidate_type"] = [r["type"] for r in rows]
    return pd.DataFrame(data)


def _inputs(rows: list[dict[str, object]]) -> list[CandidateInput]:
    out = []
    for r in rows:
        credits = {r["credit"][0]: Credit(D(r["credit"][1]))} if r["credit"] else {}  # type: ignore[index]
        out.append(CandidateInput({c: r[c] for c in CODES}, credits, r["bonus"] or D(0),  # type: ignore[misc, arg-type]
                                  candidate_type=r["type"]))  # type: ignore[arg-type]  # fmt: skip
    return out


@given(
    formula=formulas(("+", "-", "*", "/", "max", "min"), depth=5),
    decimals=st.integers(0, 3),
    tiebreak=st.lists(st.sampled_from(TIEBREAKS), max_size=3, unique=True),
    conds=st.lists(st.sampled_from(QUALIFY), max_size=2, unique=True),
    rows=st.lists(row, min_size=1, max_size=25),
    credit=st.sampled_from(TYPE_CREDITS),
)
def test_bulk_equals_exact_path(formula, decimals, tiebreak, conds, rows, credit) -> None:  # type: ignore[no-untyped-def]
    tb = "[" + ", ".join(f'"{t}"' for t in tiebreak) + "]"
    q = "[" + ", ".join(f'"{t}"' for t in conds) + "]"
    rules = load_rules(rules_text(f"({formula.text}){credit}", decimals, "12.5", q, tb))
    try:
        exact = [compute_candidate(rules, "s", c) for c in _inputs(rows)]
    except ZeroDivisionError:
        with pytest.raises(ZeroDivisionError):
            bulk_compute(rules, "s", _frame(rows))
        return
    bulk = bulk_compute(rules, "s", _frame(rows))
    assert list(bulk.raw_total.decimals()) == [c.raw_total for c in exact]
    assert list(bulk.total.decimals()) == [c.total for c in exact]
    assert list(bulk.bonus.decimals()) == [c.bonus for c in exact]
    assert list(bulk.qualified) == [qualify(rules, c).ok for c in exact]
    assert [qualify_reasons(rules, bulk, i) for i in range(len(rows))] == [
        qualify(rules, c).reasons for c in exact
    ]
    assert list(bulk.absent_count) == [len(c.absent) for c in exact]
    cats = [r["category"] for r in rows]
    assert list(bulk_lines(rules, "BK", pd.Series(cats), bulk)) == [
        check_lines(rules, "BK", cat, c).ok for cat, c in zip(cats, exact, strict=True)
    ]
    keys_bulk = order_keys(rules, "s", bulk)
    keys_exact = order_keys(rules, "s", exact)
    assert np.array_equal(keys_bulk.keys, keys_exact.keys)
    assert (keys_bulk.choice_at, keys_bulk.choice_sign) == (
        keys_exact.choice_at,
        keys_exact.choice_sign,
    )
    assert list(rank_keys(keys_bulk.keys, cats)) == rank_composites(exact, cats)


def test_first_failure_names_the_condition() -> None:
    hubei = load_rules(PRESETS / "hubei.toml")
    frame = pd.DataFrame(
        {"culture_test": [200, 200], "knowledge": [100, 100], "skill": [300, 293.5]}
    )
    result = bulk_compute(hubei, "standard", frame)
    assert list(result.qualified) == [True, False]
    assert list(result.first_failure) == [-1, 0]
    assert qualify_reasons(hubei, result, 1) == ("技能操作 293.5 < 294",)


def test_decimal_and_text_columns_are_exact() -> None:
    sd = load_rules(PRESETS / "shandong.toml")
    frame = pd.DataFrame({"chinese": [D("98.5"), "100.25", None], "skill": ["1", D(2), D(3)]})
    assert list(bulk_compute(sd, "standard", frame).total.decimals()) == [
        D("99.5"),
        D("102.25"),
        D(3),
    ]


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pd.DataFrame({"chinese": [121.0]}), "语文: 分数不在 0–120 之间"),
        (pd.DataFrame({"chinese": [1.125]}), "语文: 小数位数超过 2 位"),
        (pd.DataFrame({"chinese": [99.0001]}), "语文: 小数位数超过 2 位"),
        (pd.DataFrame({"chinese": ["1.125"]}), "语文: 1.125 小数位数超过 2 位"),
        (pd.DataFrame({"chemistry": [1.0]}), "未知列：chemistry"),
        (pd.DataFrame({"bonus": [-1.0]}), "加分不能为负数"),
    ],
)
def test_bad_columns_are_refused(frame: pd.DataFrame, message: str) -> None:
    sd = load_rules(PRESETS / "shandong.toml")
    with pytest.raises(ScoreError, match=message):
        bulk_compute(sd, "standard", frame)


def test_unknown_grade_is_refused() -> None:
    gd = load_rules(PRESETS / "guangdong-bk.toml")
    with pytest.raises(ScoreError, match="证书等级: 等级 'F' 不存在"):
        bulk_compute(gd, "standard", pd.DataFrame({"cert": ["A", "F"]}))


def test_domain_worked_example_through_the_bulk_path() -> None:
    gd = load_rules(PRESETS / "guangdong-bk.toml")
    frame = pd.DataFrame(
        {
            "chinese": [98.5],
            "math": [112.0],
            "english": [87.0],
            "skill_test": [73.0],
            "cert": ["B"],
            "bonus": [15.0],
        }
    )
    result = bulk_compute(gd, "standard", frame)
    assert result.raw_total.decimals()[0] == D("320.2")
    assert result.total.decimals()[0] == D("330.2")


def test_plain_arrays_are_accepted_and_frame_export() -> None:
    sd = load_rules(PRESETS / "shandong.toml")
    result = bulk_compute(
        sd, "standard", {"chinese": np.array([100.0, np.nan]), "bonus": [3.0, 30.0]}
    )
    frame = result.to_frame()
    assert frame.total.tolist() == [D(103), D(10)]
    assert frame.absent_count.tolist() == [4, 5]


def test_lines_and_keys_refuse_results_of_another_scheme() -> None:
    rules = load_rules(
        rules_text("c0").replace("[schemes.s]", '[schemes.t]\nformula = "c1"\n\n[schemes.s]')
    )
    other = bulk_compute(rules, "t", pd.DataFrame({"c1": [1.0]}))
    with pytest.raises(ValueError, match="batch BK uses scheme s, not t"):
        bulk_lines(rules, "BK", pd.Series(["A"]), other)
    with pytest.raises(ValueError, match="computed with scheme t, not s"):
        order_keys(rules, "s", other)
    exact = compute_candidate(rules, "t", CandidateInput({"c1": D(1)}))
    with pytest.raises(ValueError, match="batch BK uses scheme s, not t"):
        check_lines(rules, "BK", "A", exact)
    from scoring.order import rank_category

    with pytest.raises(ValueError, match="headline scheme s"):
        rank_category(rules, other, ["A"])

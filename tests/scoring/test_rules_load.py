"""Loading, validating and writing back rules files."""

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.rules import RulesError, dump_rules, load_rules
from tests.scoring.rules_strategies import PRESETS, formulas, rules_text

GOOD = rules_text("c0 + c1 + c2 + c3 + c4")


def test_loads_a_complete_file() -> None:
    rules = load_rules(GOOD)
    assert rules.exam.code == "T2026"
    assert [c.code for c in rules.components] == ["c0", "c1", "c2", "c3", "c4"]
    assert rules.component("c3").group == "vocational"
    assert rules.scheme("s").bonus_cap == Decimal(10)
    assert rules.batch("BK").lines_for("B")[1].source == "vocational >= 150"
    assert rules.batch("BK").lines_for("Z")[0].source == "total >= 100"
    assert rules.ranking_scheme == "s"


def test_numbers_are_read_as_exact_decimals() -> None:
    rules = load_rules(GOOD.replace("max = 100", "max = 100.5"))
    assert rules.component("c2").max == Decimal("100.5")


def test_error_names_file_key_and_column(tmp_path: Path) -> None:
    path = tmp_path / "sd.toml"
    path.write_text(
        GOOD.replace('formula = "c0 + c1', 'formula = "c0 + englsh + c1'), encoding="utf-8"
    )
    with pytest.raises(RulesError) as info:
        load_rules(path)
    assert str(info.value) == "sd.toml 第 38 行第 17 列（schemes.s.formula）：未知的名称“englsh”"


def test_text_uses_the_callers_name_or_a_default() -> None:
    bad = GOOD.replace('ties = "share"', 'ties = "random"')
    with pytest.raises(RulesError, match=r"^<rules> 第 43 行第 8 列（schemes.s.ties）："):
        load_rules(bad)
    with pytest.raises(RulesError, match=r"^upload.toml 第 43 行第 8 列（schemes.s.ties）："):
        load_rules(bad, name="upload.toml")


def test_every_error_is_reported_at_once() -> None:
    bad = GOOD.replace('ties = "share"', 'ties = "x"').replace("decimals = 2", "decimals = 9")
    bad = bad.replace('group = "culture"', 'group = "other"', 1)
    with pytest.raises(RulesError) as info:
        load_rules(bad)
    keys = [e.key for e in info.value.errors]
    assert keys == ["components.c0.group", "schemes.s.decimals", "schemes.s.ties"]


def test_a_bad_formula_does_not_hide_the_schemes_other_errors() -> None:
    bad = rules_text("c0 +", decimals=9, qualify='["skil >= 1"]', ties="x")
    with pytest.raises(RulesError) as info:
        load_rules(bad)
    assert [(e.key, e.column) for e in info.value.errors] == [
        ("schemes.s.formula", 5), ("schemes.s.decimals", None),
        ("schemes.s.qualify[0]", 1), ("schemes.s.ties", None),
    ]  # fmt: skip


def test_missing_file_is_a_rules_error(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="^nope.toml：找不到这个文件$"):
        load_rules(tmp_path / "nope.toml")


def test_graded_component_max_is_its_top_grade() -> None:
    text = (
        GOOD
        + '\n[components.cert]\nname = "证书"\ngroup = "vocational"\ngrades = { A = 45, B = 40 }\n'
    )
    # a table after [[batches]] would belong to it; rebuild with cert among the components
    text = GOOD.replace(
        "[categories]",
        '[components.cert]\nname = "证书"\ngroup = "vocational"\ngrades = { A = 45, B = 40 }\n\n[categories]',
    )
    rules = load_rules(text)
    assert rules.component("cert").max == Decimal(45)
    assert rules.component("cert").grade_points("B") == Decimal(40)
    assert load_rules(dump_rules(rules)) == rules


@pytest.mark.parametrize("preset", sorted(PRESETS.glob("*.toml")), ids=lambda p: p.name)
def test_presets_round_trip(preset: Path) -> None:
    rules = load_rules(preset)
    assert load_rules(dump_rules(rules)) == rules


@given(
    formula=formulas(),
    decimals=st.integers(0, 6),
    cap=st.decimals(min_value=0, max_value=100, places=1),
    ties=st.sampled_from(["share", "candidate_no"]),
    tiebreak=st.lists(
        st.sampled_from(["c4", "culture", "raw_total", "max(c0, c1)", "-choice", "c3 / 2"]),
        max_size=3,
        unique=True,
    ),
)
def test_round_trip_is_identity(formula, decimals, cap, ties, tiebreak) -> None:  # type: ignore[no-untyped-def]
    tb = "[" + ", ".join(f'"{t}"' for t in tiebreak) + "]"
    rules = load_rules(
        rules_text(formula.text, decimals, format(cap, "f"), '["c4 >= 10"]', tb, ties)
    )
    again = load_rules(dump_rules(rules))
    assert again == rules
    assert dump_rules(again) == dump_rules(rules)

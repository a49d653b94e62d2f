"""Whole rules files in plain Chinese: every scheme and batch field in sentences, on real presets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scoring.rules import load_rules
from scoring.rules_words import describe_rules, named, scheme_label

PRESETS = Path(__file__).resolve().parents[2] / "presets"


def test_guangdong_bk_in_words() -> None:
    text = describe_rules(load_rules(PRESETS / "guangdong-bk.toml"))
    scheme = text.schemes[0]
    assert scheme.label == "计分方案"
    assert scheme.formula == "0.5 × (语文 + 数学 + 英语) + 1.8 × 专业技能课程考试 + 证书等级"
    assert scheme.weights == (
        ("语文", "× 0.5"), ("数学", "× 0.5"), ("英语", "× 0.5"), ("专业技能课程考试", "× 1.8"),
        ("证书等级", "× 1"),
    )  # fmt: skip
    assert scheme.maximum == "满分 450（文化素质 225，职业技能 225，职业技能占 50%）"
    assert text.credits.startswith("某科有认定成绩")
    assert scheme.rounding == "计算结果保留 1 位小数（四舍五入）"
    assert scheme.bonus.startswith("加分最多计入 10 分")
    assert scheme.qualify == ("证书等级 > 0",)
    assert scheme.tiebreak == (
        "总分（不含加分）（高者优先）", "语文 + 数学（高者优先）", "较大值(语文、数学)（高者优先）",
        "英语（高者优先）",
    )  # fmt: skip
    assert scheme.ties == "并列，同时投档（可因此超出计划数）"
    assert scheme.order.startswith("按总分从高到低排序；总分相同时依次比较：总分（不含加分）")
    cert = next(c for c in text.components if c.code == "cert")
    assert cert.grades == "A 等 45 分、B 等 40 分、C 等 35 分、D 等 30 分、E 等 25 分"
    assert cert.maximum == "满分 45" and cert.group == "职业技能"
    batch = text.batches[0]
    assert batch.label == "本科批（BK）"
    assert batch.shape == "院校专业组志愿，最多填报 15 个专业组，每组最多 6 个专业"
    assert batch.ratio.startswith("投档比例 1:1（")
    assert batch.rounds == "共 2 轮：第 1 轮及 1 轮征集志愿"
    assert batch.lines == (("其他专业类别", "总分 ≥ 300"),)
    assert "计算机类（CS）" in text.categories
    assert text.ranking == "位次和一分一段表按计分方案的总分计算"


def test_hubei_chain_says_earlier_choice_wins_then_candidate_number() -> None:
    scheme = describe_rules(load_rules(PRESETS / "hubei.toml")).schemes[0]
    assert scheme.tiebreak[-1] == "志愿序号（靠前者优先）"
    assert scheme.ties == "考生号小者优先"
    assert scheme.bonus == "不计加分"


def test_dual_control_lines_name_the_category_and_both_parts() -> None:
    text = describe_rules(load_rules(PRESETS / "chongqing.toml"))
    lines = dict(text.batches[0].lines)
    assert lines["计算机类（CS）"] == "文化素质 ≥ 249，职业技能 ≥ 420"


@pytest.mark.parametrize("preset", sorted(PRESETS.glob("*.toml")), ids=lambda p: p.stem)
def test_no_code_or_operator_leaks_from_any_preset(preset: Path) -> None:
    rules = load_rules(preset)
    text = describe_rules(rules)
    codes = {c.code for c in rules.components} | {"total", "raw_total", "culture", "vocational"}
    sentences = [
        s.formula for s in text.schemes
    ] + [q for s in text.schemes for q in s.qualify] + [
        t for s in text.schemes for t in s.tiebreak
    ] + [line for b in text.batches for _, line in b.lines]  # fmt: skip
    for sentence in sentences:
        assert not any(re.search(rf"\b{re.escape(code)}\b", sentence) for code in codes), sentence
        assert not re.search(r">=|<=|==|!=|\*|\band\b|\bor\b", sentence), sentence


def test_names_come_before_codes() -> None:
    assert named("信息技术类", "IT") == "信息技术类（IT）"
    assert named("", "IT") == "IT" and named("IT", "IT") == "IT"


def test_several_schemes_are_numbered_in_file_order() -> None:
    text = (PRESETS / "hubei.toml").read_text(encoding="utf-8")
    text = text.replace(
        "[schemes.standard]", '[schemes.skill_heavy]\nformula = "2 * skill"\n\n[schemes.standard]'
    )
    rules = load_rules(text)
    assert [s.code for s in rules.schemes][:2] == ["skill_heavy", "standard"]
    assert scheme_label(rules, "skill_heavy") == "计分方案 1（skill_heavy）"
    assert scheme_label(rules, "standard") == "计分方案 2（standard）"
    assert describe_rules(rules).schemes[0].formula == "2 × 技能操作"


def test_a_formula_that_is_not_a_weighted_sum_has_no_weights_listed() -> None:
    text = (PRESETS / "hubei.toml").read_text(encoding="utf-8")
    rules = load_rules(text.replace(
        'formula = "culture_test + knowledge + skill"',
        'formula = "max(culture_test, knowledge) + skill"',
    ))  # fmt: skip
    scheme = describe_rules(rules).schemes[0]
    assert scheme.weights == () and scheme.formula.startswith("较大值(")
    assert scheme.maximum.startswith("满分 ")

"""Composite scores: credits, absence, grades, rounding, bonus, exactness and monotonicity."""

from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from scoring.composite import (
    CandidateInput,
    Credit,
    ScoreError,
    check_lines,
    compute_candidate,
    qualify,
)
from scoring.rules import load_rules
from tests.scoring.rules_strategies import (
    CODES,
    GROUPS,
    PRESETS,
    formulas,
    positive_linear,
    rules_text,
    score,
)

D = Decimal
GD = load_rules(PRESETS / "guangdong-bk.toml")
SD = load_rules(PRESETS / "shandong.toml")


def test_domain_worked_example_rounds_half_up_exactly() -> None:
    cand = CandidateInput(
        {"chinese": D("98.5"), "math": D(112), "english": D(87), "skill_test": D(73), "cert": "B"},
        bonus=D(15),
    )
    c = compute_candidate(GD, "standard", cand)
    assert c.raw_total == D("320.2")  # binary floats would give 320.1
    assert c.bonus == D(10) and c.bonus_claimed == D(15)
    assert c.total == D("330.2")
    assert c.tiebreak[0] == D("320.2")


def test_credit_counts_when_higher_and_keeps_provenance() -> None:
    scores = {
        "chinese": D(100),
        "math": D(100),
        "english": D(60),
        "knowledge": D(150),
        "skill": D(130),
    }
    c = compute_candidate(
        SD, "standard", CandidateInput(scores, {"skill": Credit(D(200), "国赛一等奖")})
    )
    skill = c.components[-1]
    assert (skill.sat, skill.credited, skill.effective, skill.source, skill.reason) == (
        D(130), D(200), D(200), "credited", "国赛一等奖")  # fmt: skip
    lower = compute_candidate(SD, "standard", CandidateInput(scores, {"skill": Credit(D(120))}))
    assert lower.components[-1].effective == D(130) and lower.components[-1].source == "sat"
    assert lower.raw_total == D(540)


def test_credit_for_an_absent_component() -> None:
    c = compute_candidate(
        SD, "standard", CandidateInput({"skill": None}, {"skill": Credit(D(180), "免试")})
    )
    assert c.components[-1].source == "credited"
    assert c.raw_total == D(180)
    assert c.absent == ("chinese", "math", "english", "knowledge")


def test_absence_counts_zero_and_never_disqualifies_by_itself() -> None:
    c = compute_candidate(SD, "standard", CandidateInput({"chinese": D(100)}))
    assert c.raw_total == D(100) and len(c.absent) == 4
    assert qualify(SD, c).ok


def test_grade_letters_are_converted_and_unknown_grades_refused() -> None:
    c = compute_candidate(GD, "standard", CandidateInput({"cert": "a"}))
    assert c.components[-1].effective == D(45) and c.components[-1].grade == "A"
    with pytest.raises(ScoreError, match="等级 'F' 不存在"):
        compute_candidate(GD, "standard", CandidateInput({"cert": "F"}))


@pytest.mark.parametrize(
    ("scores", "bonus", "message"),
    [
        ({"chinese": D(121)}, D(0), "语文: 分数 121 不在 0–120 之间"),
        ({"chinese": D(-1)}, D(0), "不在 0–120 之间"),
        ({"chemistry": D(1)}, D(0), "未知科目：chemistry"),
        ({}, D(-2), "加分不能为负数"),
    ],
)
def test_bad_scores_are_refused(scores: dict[str, Decimal], bonus: Decimal, message: str) -> None:
    with pytest.raises(ScoreError, match=message):
        compute_candidate(SD, "standard", CandidateInput(scores, bonus=bonus))


def test_qualify_reason_is_readable() -> None:
    hubei = load_rules(PRESETS / "hubei.toml")
    c = compute_candidate(
        hubei,
        "standard",
        CandidateInput({"culture_test": D(200), "knowledge": D(140), "skill": D(130)}),
    )
    assert qualify(hubei, c).reasons == ("技能操作 130 < 294",)


def test_control_lines_per_category_with_dual_lines() -> None:
    cq = load_rules(PRESETS / "chongqing.toml")
    c = compute_candidate(
        cq, "standard", CandidateInput({"culture_test": D(240), "theory": D(190), "skill": D(240)})
    )
    assert c.total == D(670)
    assert check_lines(cq, "BK", "CS", c).reasons == ("文化素质 240 < 249",)
    assert check_lines(cq, "BK", "AUT", c).ok  # falls under "*": total >= 560
    low = compute_candidate(cq, "standard", CandidateInput({"culture_test": D(100)}))
    assert check_lines(cq, "BK", "AUT", low).reasons == ("总分 100 < 560",)


def test_compound_condition_reason() -> None:
    js = load_rules(PRESETS / "jiangsu.toml")
    c = compute_candidate(js, "standard", CandidateInput({"skill_a": D(50), "skill_b": D(150)}))
    assert qualify(js, c).reasons == ("不满足条件：专业技能A场 ≥ 60 或 专业技能B场 = 0",)


def _env(scores: dict[str, Decimal | None]) -> dict[str, Decimal]:
    env = {k: (v if v is not None else D(0)) for k, v in scores.items()}
    for g in ("culture", "vocational"):
        env[g] = sum((env[c] for c in CODES if GROUPS[c] == g), D(0))
    return env


candidates = st.fixed_dictionaries({c: score(c, 2) for c in CODES})


@given(
    formula=formulas(),
    scores=candidates,
    decimals=st.integers(0, 4),
    bonus=st.decimals(0, 30, places=1),
)
def test_composite_equals_python_decimal(formula, scores, decimals, bonus) -> None:  # type: ignore[no-untyped-def]
    rules = load_rules(rules_text(formula.text, decimals, "7.5"))
    try:
        expected_raw = formula.reference(_env(scores))
    except (ZeroDivisionError, InvalidOperation):  # x/0 and 0/0
        with pytest.raises(ZeroDivisionError):
            compute_candidate(rules, "s", CandidateInput(scores, bonus=bonus))
        return
    with localcontext(Context()):
        expected_raw = expected_raw.quantize(D(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        expected_total = expected_raw + min(bonus, D("7.5"))
    c = compute_candidate(rules, "s", CandidateInput(scores, bonus=bonus))
    assert c.raw_total == expected_raw
    assert c.total == expected_total


@given(
    formula=positive_linear(),
    scores=candidates,
    which=st.sampled_from(CODES),
    step=st.decimals("0.01", 50, places=2),
)
def test_raising_a_component_never_lowers_the_composite(formula, scores, which, step) -> None:  # type: ignore[no-untyped-def]
    rules = load_rules(rules_text(formula.text, 1))
    before = compute_candidate(rules, "s", CandidateInput(scores))
    raised = dict(scores)
    raised[which] = min((scores[which] or D(0)) + step, rules.component(which).max)
    assume(raised[which] != scores[which])
    after = compute_candidate(rules, "s", CandidateInput(raised))
    assert after.raw_total >= before.raw_total


@pytest.mark.parametrize(
    ("sat", "message"),
    [(98.5, "不能是浮点数"), ("abc", "'abc' 不是数字"), ("NaN", "不在 0–120 之间")],
)
def test_scores_must_be_exact_numbers(sat: object, message: str) -> None:
    with pytest.raises(ScoreError, match=message):
        compute_candidate(SD, "standard", CandidateInput({"chinese": sat}))  # type: ignore[dict-item]


def test_text_scores_are_read_exactly() -> None:
    c = compute_candidate(SD, "standard", CandidateInput({"chinese": " 98.5 ", "math": "0.1"}))
    assert c.raw_total == D("98.60")

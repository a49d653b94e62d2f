"""Each preset: maximum total pinned, a few hand-computed candidates."""

from decimal import Decimal

import pytest

from scoring.composite import CandidateInput, Credit, check_lines, compute_candidate, qualify
from scoring.report import scheme_report
from scoring.rules import load_rules
from tests.scoring.rules_strategies import PRESETS

D = Decimal


def _load(name: str):  # type: ignore[no-untyped-def]
    return load_rules(PRESETS / name)


@pytest.mark.parametrize(
    ("name", "max_total", "vocational_share", "warned"),
    [
        ("shandong.toml", D(750), D(430) / D(750), False),
        ("jiangsu.toml", D(1000), D("0.6"), False),
        ("guangdong-bk.toml", D(450), D("0.5"), False),
        ("guangdong-zk.toml", D(450), D(0), True),
        ("chongqing.toml", D(750), D("0.6"), False),
        ("hubei.toml", D(700), D("0.7"), False),
    ],
)
def test_maximum_total_and_shares(
    name: str, max_total: Decimal, vocational_share: Decimal, warned: bool
) -> None:
    report = scheme_report(_load(name), "standard")
    assert report.max_total == max_total
    assert report.vocational_share == vocational_share
    assert bool(report.warnings) is warned


def test_shandong_candidate() -> None:
    rules = _load("shandong.toml")
    c = compute_candidate(rules, "standard", CandidateInput(
        {"chinese": D("101.5"), "math": D(96), "english": D("62.5"), "knowledge": D(171), "skill": D(205)},
        bonus=D(20)))  # fmt: skip
    assert (c.raw_total, c.bonus, c.total) == (D(636), D(10), D(646))  # cap 10
    assert check_lines(rules, "BK", "IT", c).ok


def test_jiangsu_candidate_and_b_only_after_a() -> None:
    rules = _load("jiangsu.toml")
    c = compute_candidate(rules, "standard", CandidateInput(
        {"chinese": D(120), "math": D(110), "english": D(80), "theory": D(250), "skill_a": D(90), "skill_b": D(170)}))  # fmt: skip
    assert c.total == D(820) and c.tiebreak == (D(260),)
    failed_a = compute_candidate(rules, "standard", CandidateInput({"skill_a": D(50)}))
    assert qualify(rules, failed_a).ok  # failed A场, did not sit B场: 0 counts, no B score to annul
    assert failed_a.total == D(50)


def test_guangdong_bk_candidate() -> None:
    rules = _load("guangdong-bk.toml")
    c = compute_candidate(rules, "standard", CandidateInput(
        {"chinese": D(101), "math": D(88), "english": D(75), "skill_test": D("66.5"), "cert": "C"}, bonus=D(5)))  # fmt: skip
    # 0.5 * 264 + 1.8 * 66.5 + 35 = 132 + 119.7 + 35 = 286.7
    assert (c.raw_total, c.total) == (D("286.7"), D("291.7"))
    assert c.tiebreak == (D("286.7"), D(189), D(101), D(75))
    no_cert = compute_candidate(rules, "standard", CandidateInput({"chinese": D(150)}))
    assert qualify(rules, no_cert).reasons == ("证书等级 0 ≤ 0",)


def test_guangdong_zk_candidate() -> None:
    rules = _load("guangdong-zk.toml")
    c = compute_candidate(
        rules,
        "standard",
        CandidateInput({"chinese": D(99), "math": D(101), "english": D(77), "cert": "E"}),
    )
    assert c.total == D(277) and qualify(rules, c).ok


def test_chongqing_candidate_with_credit() -> None:
    rules = _load("chongqing.toml")
    c = compute_candidate(rules, "standard", CandidateInput(
        {"culture_test": D(250), "theory": D(175), "skill": D(220)}, {"skill": Credit(D(245), "国赛一等奖")}))  # fmt: skip
    assert (c.culture, c.vocational, c.total) == (D(250), D(420), D(670))
    assert check_lines(rules, "BK", "CS", c).ok  # exactly on both dual lines


def test_hubei_candidates() -> None:
    rules = _load("hubei.toml")
    ok = compute_candidate(
        rules,
        "standard",
        CandidateInput({"culture_test": D(150), "knowledge": D(120), "skill": D(294)}),
    )
    assert ok.total == D(564) and qualify(rules, ok).ok
    low = compute_candidate(
        rules,
        "standard",
        CandidateInput({"culture_test": D(210), "knowledge": D(150), "skill": D(293)}),
    )
    assert qualify(rules, low).reasons == ("技能操作 293 < 294",)

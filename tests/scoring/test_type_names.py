"""The candidate type (考生类型) in rules expressions: type_fresh / type_former / type_work."""

from decimal import Decimal

import pandas as pd
import pytest

from admissions.models.candidate import CANDIDATE_TYPES
from scoring.bulk import bulk_compute, qualify_reasons
from scoring.composite import CandidateInput, compute_candidate, qualify
from scoring.report import explain
from scoring.rules import RulesError, load_rules
from scoring.rules_model import TYPE_NAMES
from scoring.rules_words import describe_rules
from tests.scoring.rules_strategies import rules_text

D = Decimal
SCORES = {"c0": D("100.5"), "c1": D(80), "c2": D(60), "c3": D(40), "c4": D("120.25")}
TYPES = ["应届中职毕业生", "往届中职毕业生", "具有工作经历"]


def _rules(formula: str, qualify: str = "[]", tiebreak: str = '["c4"]'):
    return load_rules(rules_text(formula, 2, "10", qualify, tiebreak))


def test_the_names_cover_exactly_the_candidate_types() -> None:
    assert sorted(TYPE_NAMES.values()) == sorted(CANDIDATE_TYPES)


def test_a_credit_for_work_experience_gives_the_exact_totals() -> None:
    rules = _rules("c0 + c1 + c2 + c3 + c4 + 12.5 * type_work - 0.25 * type_former")
    exact = [
        compute_candidate(rules, "s", CandidateInput(SCORES, bonus=D(3), candidate_type=t)).total
        for t in TYPES
    ]
    assert exact == [D("403.75"), D("403.50"), D("416.25")]
    frame = pd.DataFrame({**{c: [float(v)] * 3 for c, v in SCORES.items()},
                          "bonus": [3.0] * 3, "candidate_type": TYPES})  # fmt: skip
    assert list(bulk_compute(rules, "s", frame).total.decimals()) == exact


def test_a_candidate_without_a_type_gets_no_credit() -> None:
    rules = _rules("c0 + 10 * type_work")
    assert compute_candidate(rules, "s", CandidateInput(SCORES)).total == D("100.5")
    frame = pd.DataFrame({"c0": [100.5]})
    assert list(bulk_compute(rules, "s", frame).total.decimals()) == [D("100.50")]


def test_qualification_by_type_with_a_readable_reason() -> None:
    rules = _rules("c0 + c4", '["type_work == 1 or c0 >= 150"]', '["type_fresh", "c4"]')
    verdicts = [
        qualify(rules, compute_candidate(rules, "s", CandidateInput(SCORES, candidate_type=t)))
        for t in TYPES
    ]
    assert [v.ok for v in verdicts] == [False, False, True]
    frame = pd.DataFrame({**{c: [float(v)] * 3 for c, v in SCORES.items()},
                          "candidate_type": TYPES})  # fmt: skip
    bulk = bulk_compute(rules, "s", frame)
    assert list(bulk.qualified) == [False, False, True]
    assert [qualify_reasons(rules, bulk, i) for i in range(3)] == [v.reasons for v in verdicts]
    assert "具有工作经历" in verdicts[0].reasons[0]
    assert [t.at(0) for t in bulk.tiebreak if t is not None][0] == D(1)


def test_the_rules_render_the_types_in_chinese() -> None:
    rules = _rules("c0 + c4 + 20 * type_work", '["type_work == 1", "not type_former == 1"]')
    (scheme,) = describe_rules(rules).schemes
    assert scheme.formula == "科目0 + 科目4 + 20 × 具有工作经历"
    assert scheme.qualify == ("考生类型为具有工作经历", "非 (考生类型为往届中职毕业生)")
    assert scheme.maximum.startswith("满分 380（")  # the full marks count no type credit


@pytest.mark.parametrize(
    ("formula", "qualify", "message"),
    [
        (
            "c0 + 5 * type_veteran",
            "[]",
            "未知的考生类型“type_veteran”，可用：type_fresh（应届中职毕业生）",
        ),
        ("c0", '["type_Work == 1"]', "未知的考生类型“type_Work”"),
    ],
)
def test_an_unknown_type_name_is_refused_in_chinese(formula, qualify, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RulesError) as caught:
        _rules(formula, qualify)
    assert message in str(caught.value)


def test_a_type_name_in_a_control_line_is_refused() -> None:
    text = rules_text("c0").replace('"*" = ["total >= 100"]', '"*" = ["type_work == 1"]')
    with pytest.raises(RulesError, match="考生类型“type_work”（具有工作经历）不能用于此处"):
        load_rules(text)


def test_a_component_cannot_be_named_like_a_type() -> None:
    text = rules_text("c0").replace(
        "[components.c0]",
        '[components.type_work]\nname = "x"\nmax = 10\ngroup = "culture"\n\n[components.c0]',
    )
    with pytest.raises(RulesError):
        load_rules(text)


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("type_work == 1", "考生类型为具有工作经历"),
        ("type_work != 0", "考生类型为具有工作经历"),
        ("type_fresh == 0", "考生类型不是应届中职毕业生"),
        ("type_former != 1", "考生类型不是往届中职毕业生"),
        ("type_work + type_former >= 1", "具有工作经历 + 往届中职毕业生 ≥ 1"),
        ("type_work == 2", "具有工作经历 = 2"),
    ],
)
def test_type_tests_read_as_sentences(source: str, words: str) -> None:
    rules = _rules("c0", f'["{source}"]')
    assert describe_rules(rules).schemes[0].qualify == (words,)


def test_the_breakdown_shows_each_type_credit_so_the_rows_add_up() -> None:
    rules = _rules("c0 + c1 + 12.5 * type_work - 0.25 * type_former")
    worker = compute_candidate(rules, "s", CandidateInput(SCORES, candidate_type="具有工作经历"))
    lines = explain(rules, worker).lines()
    assert "往届中职毕业生：否，计入 0" in lines and "具有工作经历：是，计入 12.5" in lines
    assert "总分（不含加分）：193" in lines
    rows = explain(rules, worker).rows
    assert sum(r.contribution for r in rows if r.contribution is not None) == worker.raw_total

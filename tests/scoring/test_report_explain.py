"""A student's breakdown and the board's scheme report."""

from decimal import Decimal

from scoring.composite import CandidateInput, Credit, compute_candidate, qualify
from scoring.expr import parse_expression
from scoring.report import explain, linear_weights, scheme_report
from scoring.rules import load_rules
from tests.scoring.rules_strategies import PRESETS, rules_text

D = Decimal


def test_explain_guangdong_breakdown() -> None:
    rules = load_rules(PRESETS / "guangdong-bk.toml")
    c = compute_candidate(rules, "standard", CandidateInput(
        {"chinese": D("98.5"), "math": D(112), "english": None, "skill_test": D(73), "cert": "B"},
        {"english": Credit(D(100), "退役军人")}, D(15)))  # fmt: skip
    e = explain(rules, c, rank=7, verdicts=(("资格", qualify(rules, c)),))
    rows = {r.code: r for r in e.rows}
    assert rows["chinese"].weight == D("0.5") and rows["chinese"].contribution == D("49.25")
    assert rows["skill_test"].contribution == D("131.4")
    assert rows["english"].source == "credited"
    assert e.raw_total == D("326.7") and e.total == D("336.7")  # 155.25 + 131.4 + 40
    text = e.lines()
    assert "语文：98.5，权重 0.5，计入 49.25" in text
    assert "英语：100（认定成绩），权重 0.5，计入 50" in text
    assert "加分：10（申报 15）" in text
    assert "位次：7" in text and "资格：符合" in text


def test_explain_nonlinear_formula_has_no_weights() -> None:
    rules = load_rules(rules_text("max(c0, c1) + c4"))
    c = compute_candidate(rules, "s", CandidateInput({"c0": D(10)}))
    e = explain(rules, c)
    assert all(r.weight is None for r in e.rows)
    assert "科目0：10" in e.lines()
    assert "科目1：0（缺考，按 0 分计）" in e.lines()


def test_linear_weights() -> None:
    names = ["a", "b"]
    assert linear_weights(parse_expression("0.5 * (a + b) - b / 4 + 3", names).root) == {
        "a": D("0.5"), "b": D("0.25"), "": D(3)}  # fmt: skip
    assert linear_weights(parse_expression("a * b", names).root) is None
    assert linear_weights(parse_expression("a / b", names).root) is None


def test_scheme_report_warns_under_half() -> None:
    report = scheme_report(load_rules(rules_text("2 * (c0 + c1 + c2) + c3 + c4")), "s")
    assert report.max_total == D(1230)
    assert report.culture_max == D(800) and report.vocational_max == D(430)
    assert report.warnings == ("职业技能占满分的 35%，低于国家要求的 50%",)


def test_scheme_report_survives_division_by_zero_at_full_marks() -> None:
    report = scheme_report(load_rules(rules_text("c0 / (c3 - 200)")), "s")
    assert report.warnings == ("满分时公式出现除以零，无法计算占比",)


def test_explain_spreads_group_weights_over_components() -> None:
    rules = load_rules(rules_text("0.5 * culture + 2 * c4 + c3"))
    c = compute_candidate(rules, "s", CandidateInput({"c0": D(100), "c4": D(10)}))
    weights = {r.code: r.weight for r in explain(rules, c).rows}
    assert weights == {"c0": D("0.5"), "c1": D("0.5"), "c2": D("0.5"), "c3": D(1), "c4": D(2)}
    assert sum(r.contribution for r in explain(rules, c).rows if r.contribution) == c.raw_total

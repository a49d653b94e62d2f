"""A corpus of bad rules files: each refused with a precise message in Chinese (file, line and
column in the file, key)."""

import pytest

from scoring.rules import RulesError, load_rules
from tests.scoring.rules_strategies import rules_text

GOOD = rules_text("c0 + c1 + c2 + c3 + c4")


def _formula(expr: str) -> str:
    return rules_text(expr)


CORPUS = [
    # (id, text, expected message)
    (
        "unknown-name",
        _formula("c0 + englsh"),
        "bad.toml 第 38 行第 17 列（schemes.s.formula）：未知的名称“englsh”",
    ),
    (
        "attribute",
        _formula("c0.real"),
        "bad.toml 第 38 行第 14 列（schemes.s.formula）：不允许用“.”访问属性",
    ),
    (
        "dunder-call",
        _formula("__import__(1)"),
        "bad.toml 第 38 行第 12 列（schemes.s.formula）：只允许调用 max() 和 min()，不允许“__import__”",
    ),
    (
        "other-call",
        _formula("round(c0)"),
        "bad.toml 第 38 行第 12 列（schemes.s.formula）：只允许调用 max() 和 min()，不允许“round”",
    ),
    (
        "power",
        _formula("c0 ** 2"),
        "bad.toml 第 38 行第 15 列（schemes.s.formula）：不允许乘方“**”",
    ),
    (
        "huge-literal",
        _formula("c0 * 99999999999999"),
        "bad.toml 第 38 行第 17 列（schemes.s.formula）：数字 99999999999999 太大或小数位太多（整数部分最多 9 位，小数部分最多 6 位）",
    ),
    (
        "exponent",
        _formula("c0 * 1e9"),
        "bad.toml 第 38 行第 18 列（schemes.s.formula）：多余的“e9”",
    ),
    (
        "total-in-formula",
        _formula("total + c0"),
        "bad.toml 第 38 行第 12 列（schemes.s.formula）：未知的名称“total”",
    ),
    (
        "bonus-in-formula",
        _formula("c0 + bonus"),
        "bad.toml 第 38 行第 17 列（schemes.s.formula）：未知的名称“bonus”",
    ),
    (
        "choice-in-formula",
        _formula("c0 + choice"),
        "bad.toml 第 38 行第 17 列（schemes.s.formula）：未知的名称“choice”",
    ),
    (
        "condition-formula",
        _formula("c0 >= 1"),
        "bad.toml 第 38 行第 12 列（schemes.s.formula）：此处应为数值，实际是条件",
    ),
    (
        "unbalanced",
        _formula("(c0 + c1"),
        "bad.toml 第 38 行第 20 列（schemes.s.formula）：此处应为“)”，实际是表达式结尾",
    ),
    ("empty-formula", _formula(""), "bad.toml 第 38 行第 12 列（schemes.s.formula）：表达式为空"),
    (
        "string-char",
        _formula("c0 + 'x'"),
        "bad.toml 第 38 行第 17 列（schemes.s.formula）：不允许的字符“'”",
    ),
    (
        "qualify-number",
        rules_text("c0", qualify='["c4"]'),
        "bad.toml 第 41 行第 13 列（schemes.s.qualify[0]）：此处应为条件（比较式，如 skill >= 138）",
    ),
    (
        "qualify-chained",
        rules_text("c0", qualify='["1 < c4 < 3"]'),
        "bad.toml 第 41 行第 20 列（schemes.s.qualify[0]）：比较不能连写（如 a < b < c），请用 and 连接两个比较",
    ),
    (
        "qualify-choice",
        rules_text("c0", qualify='["choice > 1"]'),
        "bad.toml 第 41 行第 13 列（schemes.s.qualify[0]）：未知的名称“choice”",
    ),
    (
        "qualify-not-list",
        rules_text("c0", qualify='"c4 >= 1"'),
        'bad.toml 第 41 行第 11 列（schemes.s.qualify）：须为表达式列表，如 ["skill >= 138"]',
    ),
    (
        "tiebreak-condition",
        rules_text("c0", tiebreak='["c4 > 1"]'),
        "bad.toml 第 42 行第 14 列（schemes.s.tiebreak[0]）：此处应为数值，实际是条件",
    ),
    (
        "tiebreak-choice-mixed",
        rules_text("c0", tiebreak='["choice + 1"]'),
        "bad.toml 第 42 行第 12 列（schemes.s.tiebreak）：choice（志愿序号）只能单独使用，写作 choice 或 -choice：“choice + 1”",
    ),
    (
        "tiebreak-choice-twice",
        rules_text("c0", tiebreak='["choice", "-choice"]'),
        "bad.toml 第 42 行第 12 列（schemes.s.tiebreak）：choice（志愿序号）只能出现一次",
    ),
    (
        "ties",
        rules_text("c0", ties="random"),
        "bad.toml 第 43 行第 8 列（schemes.s.ties）：须为 share（同分并列投档）或 candidate_no（考生号小者优先）",
    ),
    (
        "decimals",
        rules_text("c0", decimals=7),
        "bad.toml 第 39 行第 12 列（schemes.s.decimals）：须为 0 到 6 之间的整数",
    ),
    (
        "bonus-cap",
        rules_text("c0", bonus_cap="-1"),
        "bad.toml 第 40 行第 13 列（schemes.s.bonus_cap）：须在 0 到 100000 之间",
    ),
    (
        "scheme-unknown-key",
        GOOD.replace('ties = "share"', 'ties = "share"\nweight = 2'),
        "bad.toml 第 44 行第 10 列（schemes.s.weight）：未知的键（可用的键：bonus_cap、decimals、formula、qualify、tiebreak、ties）",
    ),
    (
        "group",
        GOOD.replace('group = "vocational"', 'group = "skill"', 1),
        "bad.toml 第 25 行第 9 列（components.c3.group）：须为 culture（文化素质）或 vocational（职业技能）",
    ),
    (
        "max-zero",
        GOOD.replace("max = 100", "max = 0"),
        "bad.toml 第 19 行第 7 列（components.c2.max）：须在 0.5 到 100000 之间",
    ),
    (
        "max-text",
        GOOD.replace("max = 100", 'max = "100"'),
        "bad.toml 第 19 行第 7 列（components.c2.max）：须为数字",
    ),
    (
        "reserved-code",
        GOOD.replace("[components.c4]", "[components.total]"),
        "bad.toml 第 27 行第 1 列（components.total）：科目代码须由字母、数字、下划线组成，且不能用保留名称（total、culture、vocational 等）",
    ),
    (
        "component-unknown-key",
        GOOD.replace('name = "科目0"', 'name = "科目0"\nmin = 0'),
        "bad.toml 第 9 行第 7 列（components.c0.min）：未知的键（可用的键：grades、group、max、name）",
    ),
    (
        "graded-max",
        GOOD.replace(
            "[categories]",
            '[components.cert]\nname = "证书"\ngroup = "vocational"\nmax = 50\ngrades = { A = 45 }\n\n[categories]',
        ),
        "bad.toml 第 35 行第 7 列（components.cert.max）：等级科目的满分须等于最高等级的分数（45）",
    ),
    (
        "province",
        GOOD.replace('province = "370000"', 'province = "3701"'),
        "bad.toml 第 4 行第 12 列（exam.province）：“3701”不是 GB/T 2260 省级行政区划代码（如 370000）",
    ),
    (
        "exam-code",
        GOOD.replace('code = "T2026"', 'code = "T 2026"'),
        "bad.toml 第 2 行第 8 列（exam.code）：“T 2026”含有不允许的字符（只能用字母、数字和“-”）",
    ),
    (
        "year",
        GOOD.replace("year = 2026", "year = 26"),
        "bad.toml 第 5 行第 8 列（exam.year）：须为 2000 到 2100 之间的整数",
    ),
    (
        "exam-missing",
        GOOD.replace("[exam]", "[exam_]"),
        "bad.toml 第 1 行第 1 列（exam_）：未知的键（可用的键：batches、categories、components、exam、schemes）",
    ),
    (
        "ranking",
        GOOD.replace("year = 2026", 'year = 2026\nranking = "zz"'),
        "bad.toml 第 6 行第 11 列（exam.ranking）：计分方案“zz”不存在",
    ),
    (
        "batch-scheme",
        GOOD.replace('scheme = "s"', 'scheme = "std"'),
        "bad.toml 第 48 行第 10 列（batches[0].scheme）：计分方案“std”不存在",
    ),
    (
        "batch-shape",
        GOOD.replace('shape = "flat"', 'shape = "tree"'),
        "bad.toml 第 49 行第 9 列（batches[0].shape）：须为 flat（平行志愿）或 grouped（院校专业组）",
    ),
    (
        "batch-ratio",
        GOOD.replace("ratio = 1.0", "ratio = 0.5"),
        "bad.toml 第 51 行第 9 列（batches[0].ratio）：须在 1 到 2 之间",
    ),
    (
        "grouped-needs-majors",
        GOOD.replace('shape = "flat"', 'shape = "grouped"'),
        "bad.toml 第 45 行（batches[0].majors_per_group）：须为 1 到 20 之间的整数",
    ),
    (
        "flat-majors",
        GOOD.replace("rounds = 1", "rounds = 1\nmajors_per_group = 3"),
        "bad.toml 第 53 行第 20 列（batches[0].majors_per_group）：只有 grouped（院校专业组）批次才设每组专业数",
    ),
    (
        "line-category",
        GOOD.replace('B = ["culture', 'Q = ["culture'),
        "bad.toml 第 56 行第 5 列（batches[0].lines.Q）：专业类别“Q”不存在",
    ),
    (
        "line-expression",
        GOOD.replace('"total >= 100"', '"total >= 100 and"'),
        "bad.toml 第 55 行第 25 列（batches[0].lines.*[0]）：此处应为数字、名称或“(”，实际是表达式结尾",
    ),
    (
        "line-choice",
        GOOD.replace('"total >= 100"', '"choice >= 1"'),
        "bad.toml 第 55 行第 9 列（batches[0].lines.*[0]）：未知的名称“choice”",
    ),
    (
        "toml-syntax",
        GOOD.replace("year = 2026", "year = = 2026"),
        "bad.toml 第 5 行第 8 列：TOML 格式错误：值的格式不正确（文字请加引号，数字不加引号）",
    ),
    (
        "top-level-key",
        "colour = 1\n" + GOOD,
        "bad.toml 第 1 行第 10 列（colour）：未知的键（可用的键：batches、categories、components、exam、schemes）",
    ),
]


@pytest.mark.parametrize(("text", "message"), [c[1:] for c in CORPUS], ids=[c[0] for c in CORPUS])
def test_bad_rules_are_refused_precisely(text: str, message: str) -> None:
    with pytest.raises(RulesError) as info:
        load_rules(text, name="bad.toml")
    assert message in [str(e) for e in info.value.errors], [str(e) for e in info.value.errors]


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 30

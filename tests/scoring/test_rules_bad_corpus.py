"""A corpus of bad rules files: each refused with a precise message (file, key, column)."""

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
        "bad.toml: schemes.s.formula, column 6: unknown name 'englsh'",
    ),
    (
        "attribute",
        _formula("c0.real"),
        "bad.toml: schemes.s.formula, column 3: attribute access '.' is not allowed",
    ),
    (
        "dunder-call",
        _formula("__import__(1)"),
        "bad.toml: schemes.s.formula, column 1: calls are not allowed except max() and min(): '__import__'",
    ),
    (
        "other-call",
        _formula("round(c0)"),
        "bad.toml: schemes.s.formula, column 1: calls are not allowed except max() and min(): 'round'",
    ),
    (
        "power",
        _formula("c0 ** 2"),
        "bad.toml: schemes.s.formula, column 4: '**' (power) is not allowed",
    ),
    (
        "huge-literal",
        _formula("c0 * 99999999999999"),
        "bad.toml: schemes.s.formula, column 6: number 99999999999999 is too large or too precise (at most 9 digits before and 6 after the point)",
    ),
    ("exponent", _formula("c0 * 1e9"), "bad.toml: schemes.s.formula, column 7: unexpected 'e9'"),
    (
        "total-in-formula",
        _formula("total + c0"),
        "bad.toml: schemes.s.formula, column 1: unknown name 'total'",
    ),
    (
        "bonus-in-formula",
        _formula("c0 + bonus"),
        "bad.toml: schemes.s.formula, column 6: unknown name 'bonus'",
    ),
    (
        "choice-in-formula",
        _formula("c0 + choice"),
        "bad.toml: schemes.s.formula, column 6: unknown name 'choice'",
    ),
    (
        "condition-formula",
        _formula("c0 >= 1"),
        "bad.toml: schemes.s.formula, column 1: expected a number, found a condition",
    ),
    (
        "unbalanced",
        _formula("(c0 + c1"),
        "bad.toml: schemes.s.formula, column 9: expected ')', found the end",
    ),
    ("empty-formula", _formula(""), "bad.toml: schemes.s.formula, column 1: empty expression"),
    (
        "string-char",
        _formula("c0 + 'x'"),
        'bad.toml: schemes.s.formula, column 6: unexpected character "\'"',
    ),
    (
        "qualify-number",
        rules_text("c0", qualify='["c4"]'),
        "bad.toml: schemes.s.qualify[0], column 1: expected a condition (a comparison such as 'skill >= 138')",
    ),
    (
        "qualify-chained",
        rules_text("c0", qualify='["1 < c4 < 3"]'),
        "bad.toml: schemes.s.qualify[0], column 8: comparisons cannot be chained; use 'and'",
    ),
    (
        "qualify-choice",
        rules_text("c0", qualify='["choice > 1"]'),
        "bad.toml: schemes.s.qualify[0], column 1: unknown name 'choice'",
    ),
    (
        "qualify-not-list",
        rules_text("c0", qualify='"c4 >= 1"'),
        "bad.toml: schemes.s.qualify: must be a list of expressions",
    ),
    (
        "tiebreak-condition",
        rules_text("c0", tiebreak='["c4 > 1"]'),
        "bad.toml: schemes.s.tiebreak[0], column 1: expected a number, found a condition",
    ),
    (
        "tiebreak-choice-mixed",
        rules_text("c0", tiebreak='["choice + 1"]'),
        "bad.toml: schemes.s.tiebreak: 'choice' must stand alone ('choice' or '-choice'): 'choice + 1'",
    ),
    (
        "tiebreak-choice-twice",
        rules_text("c0", tiebreak='["choice", "-choice"]'),
        "bad.toml: schemes.s.tiebreak: 'choice' may appear only once",
    ),
    (
        "ties",
        rules_text("c0", ties="random"),
        "bad.toml: schemes.s.ties: must be 'share' or 'candidate_no'",
    ),
    (
        "decimals",
        rules_text("c0", decimals=7),
        "bad.toml: schemes.s.decimals: must be a whole number from 0 to 6",
    ),
    (
        "bonus-cap",
        rules_text("c0", bonus_cap="-1"),
        "bad.toml: schemes.s.bonus_cap: must be from 0 to 100000",
    ),
    (
        "scheme-unknown-key",
        GOOD.replace('ties = "share"', 'ties = "share"\nweight = 2'),
        "bad.toml: schemes.s.weight: unknown key (allowed: bonus_cap, decimals, formula, qualify, tiebreak, ties)",
    ),
    (
        "group",
        GOOD.replace('group = "vocational"', 'group = "skill"', 1),
        "bad.toml: components.c3.group: must be 'culture' or 'vocational'",
    ),
    (
        "max-zero",
        GOOD.replace("max = 100", "max = 0"),
        "bad.toml: components.c2.max: must be from 0.5 to 100000",
    ),
    (
        "max-text",
        GOOD.replace("max = 100", 'max = "100"'),
        "bad.toml: components.c2.max: must be a number",
    ),
    (
        "reserved-code",
        GOOD.replace("[components.c4]", "[components.total]"),
        "bad.toml: components.total: a component code must be an identifier (letters, digits, _) and not a reserved name",
    ),
    (
        "component-unknown-key",
        GOOD.replace('name = "科目0"', 'name = "科目0"\nmin = 0'),
        "bad.toml: components.c0.min: unknown key (allowed: grades, group, max, name)",
    ),
    (
        "graded-max",
        GOOD.replace(
            "[categories]",
            '[components.cert]\nname = "证书"\ngroup = "vocational"\nmax = 50\ngrades = { A = 45 }\n\n[categories]',
        ),
        "bad.toml: components.cert.max: a graded component's max must be its top grade (45)",
    ),
    (
        "province",
        GOOD.replace('province = "370000"', 'province = "3701"'),
        "bad.toml: exam.province: '3701' is not a GB/T 2260 province code (e.g. 370000)",
    ),
    (
        "exam-code",
        GOOD.replace('code = "T2026"', 'code = "T 2026"'),
        "bad.toml: exam.code: 'T 2026' has characters that are not allowed",
    ),
    (
        "year",
        GOOD.replace("year = 2026", "year = 26"),
        "bad.toml: exam.year: must be a whole number from 2000 to 2100",
    ),
    ("exam-missing", GOOD.replace("[exam]", "[exam_]"), "bad.toml: exam: missing or empty table"),
    (
        "ranking",
        GOOD.replace("year = 2026", 'year = 2026\nranking = "zz"'),
        "bad.toml: exam.ranking: unknown scheme 'zz'",
    ),
    (
        "batch-scheme",
        GOOD.replace('scheme = "s"', 'scheme = "std"'),
        "bad.toml: batches[0].scheme: unknown scheme 'std'",
    ),
    (
        "batch-shape",
        GOOD.replace('shape = "flat"', 'shape = "tree"'),
        "bad.toml: batches[0].shape: must be 'flat' or 'grouped'",
    ),
    (
        "batch-ratio",
        GOOD.replace("ratio = 1.0", "ratio = 0.5"),
        "bad.toml: batches[0].ratio: must be from 1 to 2",
    ),
    (
        "grouped-needs-majors",
        GOOD.replace('shape = "flat"', 'shape = "grouped"'),
        "bad.toml: batches[0].majors_per_group: must be a whole number from 1 to 20",
    ),
    (
        "flat-majors",
        GOOD.replace("rounds = 1", "rounds = 1\nmajors_per_group = 3"),
        "bad.toml: batches[0].majors_per_group: only grouped batches have majors per group",
    ),
    (
        "line-category",
        GOOD.replace('B = ["culture', 'Q = ["culture'),
        "bad.toml: batches[0].lines.Q: unknown category 'Q'",
    ),
    (
        "line-expression",
        GOOD.replace('"total >= 100"', '"total >= 100 and"'),
        "bad.toml: batches[0].lines.*[0], column 17: expected a number, a name or '(', found the end",
    ),
    (
        "line-choice",
        GOOD.replace('"total >= 100"', '"choice >= 1"'),
        "bad.toml: batches[0].lines.*[0], column 1: unknown name 'choice'",
    ),
    (
        "toml-syntax",
        GOOD.replace("year = 2026", "year = = 2026"),
        "bad.toml: -: not valid TOML: Invalid value (at line 5, column 8)",
    ),
    (
        "top-level-key",
        "colour = 1\n" + GOOD,
        "bad.toml: colour: unknown key (allowed: batches, categories, components, exam, schemes)",
    ),
]


@pytest.mark.parametrize(("text", "message"), [c[1:] for c in CORPUS], ids=[c[0] for c in CORPUS])
def test_bad_rules_are_refused_precisely(text: str, message: str) -> None:
    with pytest.raises(RulesError) as info:
        load_rules(text, name="bad.toml")
    assert message in [str(e) for e in info.value.errors], [str(e) for e in info.value.errors]


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 30

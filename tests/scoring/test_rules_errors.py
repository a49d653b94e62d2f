"""Rules-file problems in Chinese with their line and column: the TOML decoder's every message
translated, and the validator's keys found in the text (tables, arrays of tables, quoted keys,
list elements over several lines)."""

from __future__ import annotations

import re
import tomllib

import pytest

from scoring.rules import RulesError, load_rules
from scoring.rules_errors import locate, toml_problem
from tests.scoring.rules_strategies import rules_text

GOOD = rules_text("c0 + c1 + c2 + c3 + c4")


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        ("a = 1\nb = = 2\n", "值的格式不正确（文字请加引号，数字不加引号）", 2, 5),
        ("[exam\ncode = 1\n", "表头末尾缺少“]”", 1, 6),
        ("[[batches]\n", "表数组的表头末尾缺少“]]”", 1, 10),
        ("a = 1\na = 2\n", "同一个键设置了两次", 2, 6),
        ("[x]\n[x]\n", "“x”重复声明", 2, 3),
        ("a 1\n", "键名后缺少“=”", 1, 3),
        ('name = "未结束\n', "字符串缺少结尾的引号（字符串须在同一行内结束）", 1, 12),
        ("a = [1, 2\n", "数组缺少结尾的“]”", 2, 1),
        ("g = { A = 1, A = 2 }\n", "行内表中的键“A”重复", 1, 19),
        ("= 1\n", "无法识别的内容（每行应为 键 = 值，或 [表名]）", 1, 1),
        ("a = 1 2\n", "值的后面还有多余的内容（一行只写一个 键 = 值；文字请加引号）", 1, 7),
        ("a = b\n", "值的格式不正确（文字请加引号，数字不加引号）", 1, 5),
    ],
)
def test_toml_errors_are_translated_with_their_place(text, message, line, column):
    with pytest.raises(tomllib.TOMLDecodeError) as info:
        tomllib.loads(text)
    words, at_line, at_column = toml_problem(str(info.value), text)
    assert words == f"TOML 格式错误：{message}"
    assert (at_line, at_column) == (line, column)
    assert not re.search(r"[A-Za-z]{3,}", words.removeprefix("TOML")), words  # no English leaks


def test_an_unknown_decoder_message_is_kept_after_a_chinese_prefix():
    assert toml_problem("Something new (at line 3, column 2)", "") == (
        "TOML 格式错误：Something new",
        3,
        2,
    )
    assert toml_problem("Unclosed array (at end of document)", "a = [\n  1,\n") == (
        "TOML 格式错误：数组缺少结尾的“]”",
        3,
        1,
    )


TEXT = """# a comment = not a key
[exam]
code = "T2026"   # trailing comment

[schemes.std]
formula = "c0 + englsh"
qualify = [
  "c0 >= 1",
  "c1 >>= 2",
]

[[batches]]
code = "BK"
[batches.lines]
"*" = ["total >= 100"]

[[batches]]
code = "ZK"
[batches.lines]
IT = ["total >= 90", "culture >= x"]
"""


@pytest.mark.parametrize(
    ("key", "column", "place"),
    [
        ("exam.code", None, (3, 8)),
        ("exam.name", None, (2, None)),  # absent: its table's line
        ("schemes.std.formula", 6, (6, 17)),
        ("schemes.std.qualify[1]", 5, (9, 8)),  # second element, on its own line
        ("batches[0].code", None, (13, 8)),
        ("batches[1].lines.*[0]", None, (19, None)),  # not in batch 1: its lines table
        ("batches[0].lines.*[0]", 7, (15, 15)),
        ("batches[1].lines.IT[1]", 12, (20, 34)),
        ("nothing.here", None, None),
    ],
)
def test_keys_are_found_in_the_text(key, column, place):
    assert locate(TEXT, key, column) == place


def test_every_problem_of_a_loaded_file_names_its_line():
    bad = GOOD.replace("year = 2026", "year = 1999").replace('ties = "share"', 'ties = "x"')
    with pytest.raises(RulesError) as info:
        load_rules(bad, name="r.toml")
    lines = bad.split("\n")
    for issue in info.value.errors:
        assert issue.line is not None, str(issue)
        assert issue.key.split(".")[-1] in lines[issue.line - 1], str(issue)
        assert str(issue).startswith(f"r.toml 第 {issue.line} 行")

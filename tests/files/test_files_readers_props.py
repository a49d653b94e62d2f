"""Properties of the reader: every bad cell is reported exactly once, at its line and column."""

from __future__ import annotations

from decimal import Decimal

from files_helpers import COMPONENTS, csv_bytes, xlsx_bytes
from hypothesis import given
from hypothesis import strategies as st

from admissions.files.readers import read_table

HEADER = ["考生号", "语文", "数学", "技能测试"]
MAXIMA = [Decimal(120), Decimal(120), Decimal(230)]
BAD = ["-1", "abc", "1.25", "999", "1e9", "½"]

good_score = st.integers(min_value=0, max_value=240).map(lambda half: str(Decimal(half) / 2))
cell = st.one_of(good_score, st.sampled_from(BAD), st.just(""))


def _number(text: str) -> object:
    return text if text in BAD or not text else float(text)


def _is_bad(text: str, maximum: Decimal) -> bool:
    if not text:
        return False
    if text in BAD:
        return True
    return Decimal(text) > maximum


@given(st.lists(st.lists(cell, min_size=3, max_size=3), min_size=1, max_size=30), st.booleans())
def test_errors_match_the_bad_cells_exactly(scores: list[list[str]], as_xlsx: bool) -> None:
    grid = [HEADER, *[[f"{i:05}", *row] for i, row in enumerate(scores)]]
    numeric = [
        [row[0], *(_number(text) for text in row[1:])] for row in grid[1:]
    ]  # as Excel stores them
    data = xlsx_bytes([HEADER, *numeric]) if as_xlsx else csv_bytes(grid, "gb18030")
    result = read_table(data, "s.xlsx" if as_xlsx else "s.csv", "scores", components=COMPONENTS)
    expected = {
        (line, HEADER[column + 1])
        for line, row in enumerate(scores, start=2)
        for column, text in enumerate(row)
        if _is_bad(text, MAXIMA[column])
    }
    assert {(error.line, error.column) for error in result.errors} == expected
    assert len(result.errors) == len(expected)
    good_lines = [
        line
        for line, row in enumerate(scores, start=2)
        if not any((line, h) in expected for h in HEADER)
    ]
    assert result.lines == good_lines
    for row, line in zip(result.rows, result.lines, strict=True):
        source = scores[line - 2]
        for key, text in zip(("chinese", "math", "skill"), source, strict=True):
            assert (row[key] is None) == (text == "")
            if text:
                assert Decimal(row[key] or "") == Decimal(text)

"""Rows read from the column caches (every cell accepted before) equal rows read cell by cell.

The reader takes a row whose every cell is a text its column accepted earlier (or a blank in an
optional column) from the caches alone; any other row gets the full checks. The same files read
with the caches turned off must give the same rows, lines, errors and headers.
"""

from __future__ import annotations

import random

import pytest
from files_helpers import csv_bytes

from admissions.files import readers
from admissions.files.columns import preferences_spec
from admissions.files.readers import read_table

HEADER = ["candidate_no", "batch", "round", "choice", "institution_code", "program_code", "group"]
GOOD = {
    "candidate_no": ["2601", "2602", "２６０３"],
    "batch": ["BK", "ZK"],
    "round": ["1", "2", "01"],
    "choice": ["1", "2", "3", "7"],
    "institution_code": ["10101", "10102"],
    "program_code": ["P1", "P2", ""],
    "group": ["", "G1"],
}
BAD = ["", "x", "-1", "1.5", "a\x00b", "A" * 300, "0"]


def _grid(rand: random.Random) -> list[list[str]]:
    rows = []
    for _ in range(rand.randint(1, 40)):
        row = [rand.choice(GOOD[key]) for key in HEADER]
        if rand.random() < 0.25:  # a bad cell somewhere, after good ones of its column
            row[rand.randrange(len(row))] = rand.choice(BAD)
        if rand.random() < 0.05:
            row = row[: rand.randrange(len(row))]  # a short row
        if rand.random() < 0.05:
            row = [*row, "extra"]  # data beyond the header
        if rand.random() < 0.1 and rows:
            row = list(rand.choice(rows))  # the same list line twice
        rows.append(row)
    return [HEADER, *rows]


def _read(data: bytes) -> tuple[object, ...]:
    result = read_table(data, "p.csv", preferences_spec({"BK": 4, "ZK": 2}))
    return result.rows, result.lines, result.errors, result.headers


@pytest.mark.parametrize("seed", range(60))
def test_cached_rows_equal_rows_checked_cell_by_cell(seed: int, monkeypatch) -> None:
    data = csv_bytes(_grid(random.Random(seed)))
    cached = _read(data)
    monkeypatch.setattr(readers, "_CACHE_SIZE", 0)  # nothing cached: every row is fully checked
    assert _read(data) == cached


def test_a_blank_required_cell_after_accepted_ones_is_still_refused() -> None:
    rows = [["2601", "BK", "1", "1", "10101", "P1", ""], ["2602", "BK", "1", "", "10101", "P1", ""]]
    result = read_table(csv_bytes([HEADER, *rows]), "p.csv", preferences_spec())
    assert result.lines == [2]
    assert [(e.line, e.column, e.message) for e in result.errors] == [
        (3, "choice", "必填，不能为空")
    ]

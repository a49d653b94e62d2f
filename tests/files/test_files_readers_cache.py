"""Rows read from the column caches (every cell accepted before) equal rows read cell by cell.

The reader takes a row of the header's width from the caches, parsing only the cells its
columns have not accepted before (an ID number, a name); a row with a cell refused, a blank
required cell, a short or long row gets the full checks. The same files read with the caches
turned off and every row fully checked must give the same rows, lines, errors and headers.
"""

from __future__ import annotations

import random

import pytest
from files_helpers import csv_bytes

from admissions import idcard
from admissions.files import readers
from admissions.files.columns import preferences_spec, spec_for
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


def _every_row_fully_checked(monkeypatch) -> None:
    monkeypatch.setattr(readers, "_CACHE_SIZE", 0)  # nothing cached
    monkeypatch.setattr(readers._Reader, "_parsed_misses", lambda *_args: None)


@pytest.mark.parametrize("seed", range(60))
def test_cached_rows_equal_rows_checked_cell_by_cell(seed: int, monkeypatch) -> None:
    data = csv_bytes(_grid(random.Random(seed)))
    cached = _read(data)
    monkeypatch.setattr(readers, "_CACHE_SIZE", 0)  # nothing cached: unseen cells parsed in line
    assert _read(data) == cached
    _every_row_fully_checked(monkeypatch)
    assert _read(data) == cached


CANDIDATE_HEADER = ["candidate_no", "national_id", "name", "category"]
NUMBERS = ["11010519491231002X", "440524188001010014", "37010220070501123X"]
BAD_CANDIDATE_CELLS = ["", "110105194912310021", "1101051949123100", "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X",
                       "A" * 80, "a\x00b", "x"]  # fmt: skip


def _candidates(rand: random.Random) -> list[list[str]]:
    rows = []
    for n in range(rand.randint(1, 40)):
        row = [f"26{n:04d}", rand.choice(NUMBERS), f"考生{n}", rand.choice(["IT", "NUR"])]
        if rand.random() < 0.3:  # a cell never seen before that the column refuses
            row[rand.randrange(len(row))] = rand.choice(BAD_CANDIDATE_CELLS)
        rows.append(row)
    return [CANDIDATE_HEADER, *rows]


@pytest.mark.parametrize("seed", range(40))
def test_unseen_cells_parsed_in_line_give_the_rows_and_errors_of_the_full_checks(
    seed: int, monkeypatch
) -> None:
    data = csv_bytes(_candidates(random.Random(seed)))

    def read() -> tuple[object, ...]:
        result = read_table(
            data, "c.csv", spec_for("candidates"), validators={"national_id": idcard.validate}
        )
        return result.rows, result.lines, result.errors, result.headers

    in_line = read()
    _every_row_fully_checked(monkeypatch)
    assert read() == in_line


def test_a_blank_required_cell_after_accepted_ones_is_still_refused() -> None:
    rows = [["2601", "BK", "1", "1", "10101", "P1", ""], ["2602", "BK", "1", "", "10101", "P1", ""]]
    result = read_table(csv_bytes([HEADER, *rows]), "p.csv", preferences_spec())
    assert result.lines == [2]
    assert [(e.line, e.column, e.message) for e in result.errors] == [
        (3, "choice", "必填，不能为空")
    ]


@pytest.mark.parametrize("seed", range(40))
def test_columns_in_any_order_a_few_of_them_or_an_unknown_one_read_as_cell_by_cell(
    seed: int, monkeypatch
) -> None:
    """A file with the columns shuffled, without some optional ones, or with a column the spec
    does not know (the header's error; the rows are still checked, and the fast path then picks
    the known cells out of each row) reads as the full checks read it: the same rows, keys in
    the spec's order, lines and errors; the shuffled file's rows are those of the same columns
    in order."""
    rand = random.Random(seed)
    width = len(HEADER)
    grid = [row for row in _grid(rand) if len(row) == width]  # a short row's cells differ
    keep = sorted(rand.sample(range(5, width), rand.randint(0, width - 5)))
    order = [*range(5), *keep]  # the required columns and some optional ones
    rand.shuffle(order)
    unknown = seed % 2 == 1
    if unknown:  # a column named 备注 somewhere, with text in every row
        grid = [[*row, "备注" if n == 0 else f"x{n}"] for n, row in enumerate(grid)]
        order.insert(rand.randrange(len(order) + 1), width)

    def columns(indices: list[int]) -> bytes:
        return csv_bytes([[row[i] for i in indices] for row in grid])

    shuffled = _read(columns(order))
    if not unknown:
        in_order = _read(columns(sorted(order)))
        assert shuffled[:2] == in_order[:2]  # the same rows and lines
    else:
        assert shuffled[2][0].column == "备注"
    _every_row_fully_checked(monkeypatch)
    full = _read(columns(order))
    assert full == shuffled
    assert [list(row) for row in shuffled[0]] == [list(row) for row in full[0]]


def _keys_in_order(rows: list[dict[str, str | None]], spec_keys: list[str]) -> bool:
    return all(list(row) == spec_keys for row in rows)


def test_every_column_of_the_spec_in_order_reads_as_cell_by_cell(monkeypatch) -> None:
    """The file holds every column of the spec, in its order."""
    spec = preferences_spec({"BK": 4})
    keys = [column.key for column in spec.columns]
    grid = [keys, ["2601", "BK", "1", "1", "10101", "P1", "", "", ""],
            ["2601", "BK", "1", "2", "10102", "P2", "", "", ""],
            ["2602", "ZK", "1", "1", "10101", "", "G1", "P1;P2", "Y"],
            ["2602", "BK", "1", "9", "10101", "P1", "", "", ""]]  # fmt: skip

    def read() -> tuple[object, ...]:
        result = read_table(csv_bytes(grid), "p.csv", spec)
        assert _keys_in_order(result.rows, keys)
        return result.rows, result.lines, result.errors, result.headers

    cached = read()
    assert cached[1] == [2, 3, 4]  # the fourth row's choice is over the batch's limit
    _every_row_fully_checked(monkeypatch)
    assert read() == cached


def test_one_known_column_beside_an_unknown_one_reads_as_cell_by_cell(monkeypatch) -> None:
    # the notes hold numbers of other rows: a cell picked from the wrong column would be found
    # in the cache, and the row would take another candidate's number
    grid = [["备注", "candidate_no"], ["2602", "2601"], ["2601", "2602"], ["2603", "2601"]]

    def read() -> tuple[object, ...]:
        result = read_table(csv_bytes(grid), "c.csv", spec_for("candidates"))
        return result.rows, result.lines, result.errors, result.headers

    cached = read()
    assert [row["candidate_no"] for row in cached[0]] == ["2601", "2602", "2601"]
    _every_row_fully_checked(monkeypatch)
    assert read() == cached

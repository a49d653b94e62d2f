"""CSV and XLSX exports: BOM, injection safety, numbers as numbers, every column and row present."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from admissions.files.columns import EXPORTS, export_columns
from admissions.files.writers import neutralise, to_csv, to_xlsx

COLUMNS = export_columns("admissions")


def _row(i: int, **changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "exam": "SD2026CK",
        "batch": "BK",
        "round": 1,
        "category": "IT",
        "candidate_no": f"{i:014}",
        "name": f"考生{i}",
        "national_id": "110105********002X",
        "institution_code": "10422",
        "institution_name": "山东职业学院",
        "program_code": "080901",
        "program_name": "计算机应用技术",
        "total": Decimal("612.50") - i,
        "rank": i + 1,
        "choice": 2,
        "status": "admitted",
        "reason": None,
    }
    row.update(changes)
    return row


def _read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_has_bom_english_header_and_values() -> None:
    table = _read_csv(to_csv([_row(0)], COLUMNS))
    assert table[0] == [column.key for column in COLUMNS]
    assert table[1][4] == "00000000000000"
    assert table[1][11] == "612.50"
    assert table[1][-1] == ""


def test_csv_chinese_headers_and_chosen_columns() -> None:
    columns = export_columns("admissions", ["name", "candidate_no", "total"])
    table = _read_csv(to_csv([_row(1)], columns, headers="zh"))
    assert table == [["姓名", "考生号", "总分"], ["考生1", "00000000000001", "611.50"]]


def test_unknown_export_column_is_refused() -> None:
    with pytest.raises(ValueError, match="未知的导出列：mark"):
        export_columns("admissions", ["name", "mark"])


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x","点我")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]
)
def test_csv_neutralises_formula_like_text(text: str) -> None:
    table = _read_csv(to_csv([_row(0, name=text, reason=text)], COLUMNS))
    assert table[1][5] == "'" + text
    assert table[1][-1] == "'" + text


def test_csv_negative_number_in_numeric_column_stays_a_number() -> None:
    table = _read_csv(to_csv([_row(0, total=Decimal("-3"))], COLUMNS))
    assert table[1][11] == "-3"


def test_csv_text_in_numeric_column_is_still_neutralised() -> None:
    table = _read_csv(to_csv([_row(0, total="=1+1")], COLUMNS))
    assert table[1][11] == "'=1+1"


@given(st.text(min_size=1))
def test_no_csv_cell_can_start_a_formula(text: str) -> None:
    table = _read_csv(to_csv([_row(0, name=text)], COLUMNS))
    dangerous = text.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert table[1][5] == ("'" + text if dangerous else text) == neutralise(text)


def _read_xlsx(data: bytes) -> list[list[object]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_xlsx_readback_has_every_column_and_row() -> None:
    rows = [_row(i) for i in range(2500)]
    table = _read_xlsx(to_xlsx(rows, COLUMNS, "录取名单"))
    assert table[0] == [column.key for column in COLUMNS]
    assert len(table) == 2501
    assert table[2500][4] == "00000000002499"
    assert table[2500][5] == "考生2499"
    assert all(len(row) == len(COLUMNS) for row in table)
    assert all(row[9] == "080901" for row in table[1:])  # program codes keep the leading zero


def test_xlsx_numbers_are_numbers_and_text_is_text() -> None:
    table = _read_xlsx(to_xlsx([_row(0)], COLUMNS))
    assert table[1][11] == pytest.approx(612.5)
    assert table[1][12] == 1
    assert table[1][4] == "00000000000000"
    assert table[1][15] is None


def test_xlsx_formula_text_is_stored_as_a_string() -> None:
    evil = '=HYPERLINK("http://evil.example","点我")'
    table = _read_xlsx(to_xlsx([_row(0, name=evil, reason="https://x.example")], COLUMNS))
    assert table[1][5] == evil
    assert table[1][15] == "https://x.example"


def test_xlsx_header_bold_frozen_and_widths() -> None:
    data = to_xlsx(
        [_row(0)], export_columns("admissions", ["name", "institution_name"]), headers="zh"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Sheet1"
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].value == "姓名" and sheet["A1"].font.b
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width


def test_every_export_kind_has_distinct_keys_and_aliases() -> None:
    for columns in EXPORTS.values():
        assert len({c.key for c in columns}) == len(columns)
        assert len({c.zh for c in columns}) == len(columns)


def test_empty_export_has_just_the_header() -> None:
    columns = export_columns("ranktable")
    assert _read_csv(to_csv([], columns)) == [["category", "score", "count", "cumulative"]]
    assert _read_xlsx(to_xlsx([], columns)) == [["category", "score", "count", "cumulative"]]


def test_xlsx_sheet_name_is_made_valid() -> None:
    data = to_xlsx([_row(0)], COLUMNS, "2026/本科批[第1轮]: 录取名单（山东职业学院）全部名单及备注")
    title = openpyxl.load_workbook(io.BytesIO(data)).active.title
    assert title == "2026_本科批_第1轮__ 录取名单（山东职业学院）全部名单"
    assert len(title) == 31

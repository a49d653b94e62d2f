"""Builders of import files for the files tests (CSV in any encoding, XLSX with options)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl

from admissions.files.columns import ComponentInfo

COMPONENTS = (
    ComponentInfo("chinese", "语文", Decimal(120)),
    ComponentInfo("math", "数学", Decimal(120)),
    ComponentInfo("skill", "技能测试", Decimal(230)),
    ComponentInfo("cert", "证书等级", Decimal(45), {"A": Decimal(45), "B": Decimal(40)}),
)

CANDIDATE_HEADER = ["考生号", "身份证号", "姓名", "专业类别"]


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    """Rows as a CSV file in `encoding` ("utf-8-sig" for a BOM)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(
    rows: list[list[object]],
    *,
    extra_sheets: tuple[str, ...] = (),
    title: str = "Sheet1",
    text_columns: tuple[int, ...] = (),
) -> bytes:
    """Rows as an XLSX (openpyxl); strings starting with '=' become formulas, as in Excel."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for index in text_columns:
        for cells in sheet.iter_rows(min_col=index + 1, max_col=index + 1):
            cells[0].number_format = "@"
    for name in extra_sheets:
        book.create_sheet(name)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

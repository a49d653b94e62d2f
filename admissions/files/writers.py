"""Export writers: plain rows in, file bytes out (CSV with BOM, XLSX, PDF table).

Formula injection: in CSV, a text cell starting with = + - @ tab or CR gets a leading single quote,
so Excel shows it as text. Numeric columns are written from numbers, so "-3" there is a real
negative and stays as is; a numeric column holding non-numeric text is treated as text. In XLSX
every text cell is written as a string cell (never a formula), so no quote is needed there.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from admissions.files.columns import ExportColumn

__all__ = ["cell_value", "neutralise", "to_csv", "to_pdf_table", "to_xlsx"]

Rows = Iterable[Mapping[str, object]]
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_WIDTH_SAMPLE = 1000


def neutralise(text: str) -> str:
    """Prefix a single quote to text a spreadsheet would read as a formula."""
    return "'" + text if text.startswith(_DANGEROUS) else text


def cell_value(value: object, numeric: bool) -> str | int | float | Decimal | None:
    """The value to write: a number for numeric columns when it is one, else text; None if blank."""
    if value is None or value == "":
        return None
    if numeric:
        number = _number(value)
        if number is not None:
            return number
    return str(value)


def _number(value: object) -> int | float | Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return value
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _csv_text(value: object, column: ExportColumn) -> str:
    cell = cell_value(value, column.numeric)
    if cell is None:
        return ""
    if isinstance(cell, str):
        return neutralise(cell)
    return str(cell)


def to_csv(rows: Rows, columns: Sequence[ExportColumn], headers: str = "en") -> bytes:
    """CSV in UTF-8 with BOM (Excel opens it), CRLF line ends, injection-safe text cells."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.header(headers) for column in columns])
    for row in rows:
        writer.writerow([_csv_text(row.get(column.key), column) for column in columns])
    return buffer.getvalue().encode("utf-8")


def to_xlsx(
    rows: Rows, columns: Sequence[ExportColumn], sheet_name: str = "Sheet1", headers: str = "en"
) -> bytes:
    """XLSX (xlsxwriter, constant memory): bold frozen header, numbers as numbers, text as strings.

    Column widths come from the header and the first rows. Text is never turned into a formula,
    a number or a link.
    """
    rows = iter(rows)
    sample = [row for _, row in zip(range(_WIDTH_SAMPLE), rows, strict=False)]
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        _write_xlsx(path, sample, rows, columns, sheet_name, headers)
        with open(path, "rb") as file:
            return file.read()
    finally:
        os.unlink(path)


def _write_xlsx(
    path: str,
    sample: list[Mapping[str, object]],
    rest: Rows,
    columns: Sequence[ExportColumn],
    sheet_name: str,
    headers: str,
) -> None:
    options = {
        "constant_memory": True,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
    }
    import xlsxwriter  # loaded by the writer that uses it, not at start-up

    with xlsxwriter.Workbook(path, options) as book:
        sheet = book.add_worksheet(_sheet_title(sheet_name))
        bold = book.add_format({"bold": True})
        titles = [column.header(headers) for column in columns]
        for index, width in enumerate(_widths(titles, sample, columns)):
            sheet.set_column(index, index, width)
        sheet.freeze_panes(1, 0)
        sheet.write_row(0, 0, titles, bold)
        line = 1
        for chunk in (sample, rest):
            for row in chunk:
                _write_row(sheet, line, row, columns)
                line += 1


def _sheet_title(name: str) -> str:
    """Excel refuses []:*?/\\ in sheet names and more than 31 characters."""
    cleaned = "".join("_" if char in "[]:*?/\\" else char for char in name).strip("'")
    return cleaned[:31] or "Sheet1"


def _write_row(
    sheet: object, line: int, row: Mapping[str, object], columns: Sequence[ExportColumn]
) -> None:
    for index, column in enumerate(columns):
        cell = cell_value(row.get(column.key), column.numeric)
        if cell is None:
            continue
        if isinstance(cell, str):
            sheet.write_string(line, index, cell)  # type: ignore[attr-defined]
        else:
            sheet.write_number(line, index, float(cell))  # type: ignore[attr-defined]


def _widths(
    titles: list[str], sample: list[Mapping[str, object]], columns: Sequence[ExportColumn]
) -> list[float]:
    widths = [_display_width(title) for title in titles]
    for row in sample:
        for index, column in enumerate(columns):
            value = row.get(column.key)
            if value is not None:
                widths[index] = max(widths[index], _display_width(str(value)))
    return [min(width + 2, 60) for width in widths]


def _display_width(text: str) -> int:
    # CJK characters take two columns in Excel's default font.
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)


def to_pdf_table(title: str, rows: Iterable[Mapping[str, object]], columns: Sequence[ExportColumn],
                 **options: Any) -> bytes:  # fmt: skip
    """A list as a PDF table (see ``pdf_table.to_pdf_table``); reportlab loads on first use."""
    from admissions.files.pdf_table import to_pdf_table as draw

    return draw(title, rows, columns, **options)

"""Raw grids from file bytes: CSV (encoding detection) and XLSX (one sheet, no formulas).

Each function returns the rows as lists of text cells and the cells that could not be read,
`(line, column index, message)`, or raises `SourceError` with a Chinese message that applies to the
whole file. An XLSX passes `xlsx_guard.check_xlsx` (sizes, CRC, the area the reader would build)
before the reader sees it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from decimal import Decimal
from xml.etree import ElementTree

from admissions.files.xlsx_guard import GuardError, check_xlsx

ENCODING_MESSAGE = "文件编码无法识别（请保存为 UTF-8 或 GBK）"
_MAX_EXACT_FLOAT = 10**15  # Excel keeps 15 significant digits
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")
MAX_ROW_CELLS = 1000  # no import has more than a few dozen columns
MAX_LISTED_FORMULAS = 1000
CellProblem = tuple[int, int, str]  # (line, column index or -1 for the whole row, message)
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


class SourceError(ValueError):
    """A problem with the file as a whole (encoding, sheets, format)."""

    def __init__(
        self, message: str, cells: list[CellProblem] | None = None, not_listed: int = 0
    ) -> None:
        super().__init__(message)
        self.cells = cells or []  # (line, column index, message) for cell-level source problems
        self.not_listed = not_listed  # further cell problems found but not listed


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK); anything else is refused."""
    if _looks_wide(data):
        raise SourceError(ENCODING_MESSAGE)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise SourceError(ENCODING_MESSAGE) from None
    if _looks_garbled(text):
        raise SourceError(ENCODING_MESSAGE)
    return text


def _looks_wide(data: bytes) -> bool:
    # UTF-16/32 text has a zero byte beside every ASCII character; a stray NUL in a UTF-8 or GBK
    # file does not make it unreadable: the reader reports it at its line instead.
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = data[:4096]
    return sample.count(0) * 8 > len(sample)


def _looks_garbled(text: str) -> bool:
    # Bytes of another encoding often "decode" as GB18030 into private-use or unassigned code
    # points; a real GBK/GB18030 file has neither. Each distinct character is looked at once.
    for char in set(text):
        if ord(char) > 0x7F and unicodedata.category(char) in ("Co", "Cn", "Cc", "Cs"):
            return True
    return False


def csv_rows(data: bytes) -> tuple[list[list[str]], list[CellProblem]]:
    """The CSV's rows, each cell stripped, and the records that could not be read.

    The csv module reads strictly: a double quote left open (which would swallow every line after
    it), a quote followed by more text, or a field beyond its 131,072-character limit is reported
    on its own line and the reading goes on; so is a record of more than ``MAX_ROW_CELLS`` cells.
    """
    reader = csv.reader(io.StringIO(decode_text(data), newline=""), strict=True)
    rows: list[list[str]] = []
    problems: list[CellProblem] = []
    while True:
        line = len(rows) + 1
        try:
            row = next(reader)
        except StopIteration:
            return rows, problems
        except csv.Error as error:
            problems.append((line, -1, _csv_message(error, reader.line_num)))
            rows.append([])
            continue
        if len(row) > MAX_ROW_CELLS:
            problems.append((line, -1, f"该行有 {len(row)} 个单元格，超过上限 {MAX_ROW_CELLS} 个"))
            row = []
        rows.append(list(map(str.strip, row)))


def _csv_message(error: csv.Error, physical: int) -> str:
    text = str(error)
    if "field larger than field limit" in text:
        limit = csv.field_size_limit()
        return f"该行有超过 {limit} 个字符的单元格（常因双引号没有配对），请检查该行"
    if "unexpected end of data" in text:
        return (
            f"该行的双引号没有配对：从这一行起到文件末尾（文件第 {physical} 行）都被读成了一个"
            "单元格；请补上或删去这个双引号"
        )
    if "expected after" in text:
        return (
            f"双引号用法不对（文件第 {physical} 行）：引号括起的单元格后应紧跟逗号；单元格中的"
            '双引号要写成两个（""），或检查是否漏了引号'
        )
    return f"该行无法按 CSV 读取（文件第 {physical} 行），请检查双引号是否配对"


def xlsx_rows(data: bytes) -> tuple[list[list[str]], list[CellProblem]]:
    """The only sheet's rows as text, and cells that cannot be read exactly.

    Several sheets, any formula cell, or a workbook over the guard's limits is refused
    (`SourceError`).
    """
    try:
        extent = check_xlsx(data)
    except GuardError as error:
        raise SourceError(str(error)) from None
    if extent.formulas:
        _refuse_formulas(data)
    try:
        import python_calamine  # loaded by the reader that uses it, not at start-up

        book = python_calamine.CalamineWorkbook.from_object(io.BytesIO(data))
        names = book.sheet_names
        if len(names) != 1:
            listed = "、".join(f"「{name}」" for name in names)
            raise SourceError(f"工作簿应只有一个工作表，实际有 {len(names)} 个：{listed}")
        grid = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except SourceError:
        raise
    except Exception as error:  # calamine raises several unrelated types for broken files
        raise SourceError(f"不是有效的 XLSX 文件（{str(error)[:200]}）") from None
    return _texts(grid)


def _refuse_formulas(data: bytes) -> None:
    cells: list[CellProblem] = []
    found = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with archive.open(name) as stream:
                    for cell in _formula_cells(stream):
                        found += 1
                        if len(cells) < MAX_LISTED_FORMULAS:
                            cells.append(cell)
    if found:
        raise SourceError("文件含公式，请将公式粘贴为数值后再导入", cells, found - len(cells))


def _formula_cells(stream: io.IOBase) -> Iterator[CellProblem]:
    for _event, element in ElementTree.iterparse(stream):
        if element.tag == f"{_NS}c":
            if element.find(f"{_NS}f") is not None:
                ref = element.get("r", "")
                match = _CELL_REF.fullmatch(ref)
                if match:
                    line, column = int(match.group(2)), _column_index(match.group(1))
                    yield (line, column, f"单元格 {ref} 含公式，请粘贴为数值")
            element.clear()


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


_TOO_LONG = "数字超过 15 位，Excel 已丢失末尾数字；请将该列设为文本格式后重新输入"


def _texts(grid: Sequence[Sequence[object]]) -> tuple[list[list[str]], list[CellProblem]]:
    rows: list[list[str]] = []
    problems: list[CellProblem] = []
    for line, row in enumerate(grid, start=1):
        texts = []
        for cell in row:
            # Inline fast paths for the two common types: this loop runs once per cell.
            if type(cell) is str:
                texts.append(cell.strip())
            elif type(cell) is float and cell.is_integer() and abs(cell) < _MAX_EXACT_FLOAT:
                texts.append(str(int(cell)))
            else:
                if type(cell) is float and cell.is_integer():
                    problems.append((line, len(texts), _TOO_LONG))
                texts.append(cell_text(cell))
        rows.append(texts)
    return rows, problems


def cell_text(value: object) -> str:
    """A calamine cell as the text a user typed: whole numbers without ".0", dates as ISO."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.time | dt.datetime):
        return value.isoformat()
    return str(value)


def _float_text(value: float) -> str:
    if value.is_integer():
        return str(int(value))
    text = format(value, ".15g")  # Excel shows at most 15 significant digits
    return format(Decimal(text), "f") if "e" in text else text

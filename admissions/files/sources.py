"""Raw grids from file bytes: CSV (encoding detection) and XLSX (one sheet, no formulas).

Each function returns the rows as lists of text cells, or raises `SourceError` with a Chinese message
that applies to the whole file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from xml.etree import ElementTree

import python_calamine

ENCODING_MESSAGE = "文件编码无法识别（请保存为 UTF-8 或 GBK）"
_MAX_EXACT_FLOAT = 10**15  # Excel keeps 15 significant digits
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")
MAX_UNPACKED = 400 * 2**20  # a 20 MB XLSX of plain cells unpacks to well under this
CellProblem = tuple[int, int, str]  # (line, column index, message)
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


class SourceError(ValueError):
    """A problem with the file as a whole (encoding, sheets, format)."""

    def __init__(self, message: str, cells: list[CellProblem] | None = None) -> None:
        super().__init__(message)
        self.cells = cells or []  # (line, column index, message) for cell-level source problems


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK); anything else is refused."""
    if b"\x00" in data:
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


def _looks_garbled(text: str) -> bool:
    # Bytes of another encoding often "decode" as GB18030 into private-use or unassigned code
    # points; a real GBK/GB18030 file has neither. Each distinct character is looked at once.
    for char in set(text):
        if ord(char) > 0x7F and unicodedata.category(char) in ("Co", "Cn", "Cc", "Cs"):
            return True
    return False


def csv_rows(data: bytes) -> tuple[list[list[str]], list[CellProblem]]:
    """The CSV's rows, each cell stripped."""
    text = decode_text(data)
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        return [[cell.strip() for cell in row] for row in reader], []
    except csv.Error as error:
        raise SourceError(f"CSV 格式错误：{error}") from None


def xlsx_rows(data: bytes) -> tuple[list[list[str]], list[CellProblem]]:
    """The only sheet's rows as text, and cells that cannot be read exactly.

    Several sheets or any formula cell is refused (`SourceError`).
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise SourceError("不是有效的 XLSX 文件（请用 Excel 另存为 .xlsx 或 CSV）") from None
    with archive:
        unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED:
            raise SourceError(f"XLSX 解压后超过 {MAX_UNPACKED // 2**20} MB，文件过大或已损坏")
        _check_formulas(archive)
    try:
        book = python_calamine.CalamineWorkbook.from_object(io.BytesIO(data))
    except Exception as error:  # calamine raises several unrelated types for broken files
        raise SourceError(f"不是有效的 XLSX 文件（{error}）") from None
    names = book.sheet_names
    if len(names) != 1:
        listed = "、".join(f"「{name}」" for name in names)
        raise SourceError(f"工作簿应只有一个工作表，实际有 {len(names)} 个：{listed}")
    grid = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    return _texts(grid)


def _check_formulas(archive: zipfile.ZipFile) -> None:
    cells: list[CellProblem] = []
    for name in archive.namelist():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            xml = archive.read(name)
            if _FORMULA_TAG.search(xml):
                cells.extend(_formula_cells(xml))
    if cells:
        raise SourceError("文件含公式，请将公式粘贴为数值后再导入", cells)


def _formula_cells(xml: bytes) -> list[CellProblem]:
    found = []
    for _event, element in ElementTree.iterparse(io.BytesIO(xml)):
        if element.tag == f"{_NS}c":
            if element.find(f"{_NS}f") is not None:
                ref = element.get("r", "")
                match = _CELL_REF.fullmatch(ref)
                if match:
                    line, column = int(match.group(2)), _column_index(match.group(1))
                    found.append((line, column, f"单元格 {ref} 含公式，请粘贴为数值"))
            element.clear()
    return found


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

"""The checks an XLSX passes before the spreadsheet reader sees it (upload bombs).

The reader (calamine) builds the whole rectangle from A1 to the farthest cell in memory, and
unpacks every part of the archive: a 1.6 KB file holding only A1 and XFD1048576 asks it for
17 billion cells. So, streaming through the archive with the standard library first:

- the archive must open, every member must unpack with a correct CRC, within ``MAX_UNPACKED``
  bytes in all and ``MAX_RATIO`` times its packed size (members above ``RATIO_FROM`` bytes);
- no DOCTYPE (spreadsheets never declare one; entity expansion is refused outright);
- the area from A1 to the farthest cell — the farthest cell reference in any part, or, for cells
  written without a reference, the position the reader would give them — must hold at most
  ``MAX_CELLS`` cells.

The common case (every cell written as ``<c r="B7"…``, as Excel, WPS, LibreOffice and the Python
writers do) is measured with regular expressions over each unpacked chunk; a part holding any
other kind of cell tag is walked element by element instead.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from xml.parsers import expat

MAX_UNPACKED = 256 * 2**20  # a 20 MB workbook of plain cells unpacks to about 200 MB
MAX_RATIO = 100  # plain cells pack about 10:1; a bomb packs hundreds to one
RATIO_FROM = 2**20  # small parts (styles, a short sheet) may pack better than that
MAX_MEMBERS = 1000
MAX_CELLS = 4_000_000  # 300,000 candidates × 13 columns; about 1 GB in the reader at most
MAX_SHEET_ROWS, MAX_SHEET_COLUMNS = 1_048_576, 16_384  # the largest sheet Excel can hold
_CHUNK = 2**20
_MAX_CARRY = 8 * 2**20  # Excel cells hold at most 32,767 characters: no tag is this long

# `<c r="B7"`: the row (without leading zeros) and, separately, the letters (two one-group
# searches are three times faster than one with two groups)
_CANONICAL_ROW = re.compile(rb'<c r="[A-Za-z]{1,3}([1-9][0-9]{0,6})"')
_CANONICAL_LETTERS = re.compile(rb'<c r="([A-Za-z]{1,3})[1-9]')
_OTHER_CELL_STARTS = (b"<c>", b"<c\t", b"<c\n", b"<c\r")  # besides "<c " (counted)
_PREFIXED_CELL = re.compile(rb":c[\s>]")
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")

BROKEN = "文件已损坏，无法读取（请用 Excel 打开后另存为 .xlsx 或 CSV）"


class GuardError(ValueError):
    """The workbook is refused as a whole; the message (Chinese) says why and what to do."""


@dataclass
class Extent:
    """The farthest row and column (1-based) any cell of the workbook reaches, and whether a
    worksheet holds a formula tag."""

    rows: int = 0
    columns: int = 0
    formulas: bool = False

    def reach(self, row: int, column: int) -> None:
        """Extend to include the cell at (row, column)."""
        self.rows, self.columns = max(self.rows, row), max(self.columns, column)


def column_letters(index: int) -> str:
    """1 → A, 27 → AA, 16384 → XFD."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def check_xlsx(data: bytes) -> Extent:
    """Open `data` as a workbook and check it against the limits; GuardError if refused."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        ValueError,
        OSError,
        EOFError,
        NotImplementedError,
    ):  # a damaged header may claim a zip version or feature the module does not read
        raise GuardError("不是有效的 XLSX 文件（请用 Excel 另存为 .xlsx 或 CSV）") from None
    extent = Extent()
    with archive:
        members = archive.infolist()
        _check_sizes(members)
        for info in members:
            if not info.is_dir():
                _scan(archive, info, extent)
    _check_extent(extent)
    return extent


def _check_sizes(members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_MEMBERS:
        raise GuardError(f"XLSX 内部文件多达 {len(members)} 个，不像是普通的表格文件")
    unpacked = sum(info.file_size for info in members)
    if unpacked > MAX_UNPACKED:
        raise GuardError(
            f"XLSX 解压后有 {unpacked // 2**20} MB，超过上限 {MAX_UNPACKED // 2**20} MB；"
            "请删除多余的工作表、格式或图片，或分成几个文件导入"
        )
    for info in members:
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise GuardError(
                f"XLSX 中的 {info.filename} 压缩比异常（{info.compress_size} 字节解压为 "
                f"{info.file_size} 字节），文件已损坏或不是普通的表格文件"
            )


def _scan(archive: zipfile.ZipFile, info: zipfile.ZipInfo, extent: Extent) -> None:
    """Unpack one member in chunks (checking its CRC and declared size) and measure its cells."""
    sheet = info.filename.startswith("xl/worksheets/")
    try:
        with archive.open(info) as stream:
            fast = _FastScan(extent, sheet)
            for body in _bodies(stream, info.file_size):
                fast.feed(body)
    except GuardError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
        raise GuardError(BROKEN) from None
    except RuntimeError:  # encrypted members
        raise GuardError("XLSX 文件已加密，请取消密码后另存再导入") from None
    if fast.other_cells:
        _scan_exactly(archive, info, extent)


def _bodies(stream, declared: int):  # noqa: ANN001, ANN202
    """The member's bytes in pieces that end after a '>' (so no tag is cut in two)."""
    carry, total = b"", 0
    while chunk := stream.read(_CHUNK):
        total += len(chunk)
        if total > declared:
            raise GuardError(BROKEN)  # more bytes than the archive declares
        data = carry + chunk
        cut = data.rfind(b">") + 1
        if cut == 0:
            if len(data) > _MAX_CARRY:
                raise GuardError(BROKEN)
            carry = data
            continue
        carry = data[cut:]
        yield data[:cut]
    if carry:
        yield carry


class _FastScan:
    """Regular-expression measures of one member: farthest `<c r="…">`, and whether any cell
    tag is of another form (then the member is walked exactly)."""

    def __init__(self, extent: Extent, sheet: bool) -> None:
        self.extent, self.sheet = extent, sheet
        self.other_cells = False

    def feed(self, body: bytes) -> None:
        if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
            raise GuardError("XLSX 中含有 DOCTYPE 声明，不是普通的表格文件")
        if self.sheet and not self.extent.formulas and (b"<f" in body or b":f" in body):
            self.extent.formulas = _FORMULA_TAG.search(body) is not None
        rows = _CANONICAL_ROW.findall(body)
        if not self.other_cells:
            # every cell tag is `<c r="…"`: counted fast; anything else is walked exactly
            self.other_cells = (
                body.count(b"<c ") != len(rows)
                or any(start in body for start in _OTHER_CELL_STARTS)
                or _PREFIXED_CELL.search(body) is not None
            )
        if rows:
            letters = list(map(bytes.upper, _CANONICAL_LETTERS.findall(body)))
            self.extent.reach(int(_largest(rows)), _column_number(_largest(letters)))


def _largest(texts: list[bytes]) -> bytes:
    """The largest of digit strings without leading zeros (or of upper-case column letters):
    the longest, then the last in byte order. All one length is the common case, done in C."""
    longest = len(max(texts, key=len))
    if len(min(texts, key=len)) != longest:
        texts = [text for text in texts if len(text) == longest]
    return max(texts)


def _scan_exactly(archive: zipfile.ZipFile, info: zipfile.ZipInfo, extent: Extent) -> None:
    """Walk the member's elements, giving each cell the position the reader would (or a later
    one: positions only ever move right and down here), and stop as soon as the area is over."""
    walker = _Walker(extent)
    parser = expat.ParserCreate()
    parser.StartElementHandler = walker.start
    parser.EndElementHandler = walker.end
    try:
        with archive.open(info) as stream:
            for body in _bodies(stream, info.file_size):
                parser.Parse(body, False)
            parser.Parse(b"", True)
    except expat.ExpatError:
        raise GuardError(BROKEN) from None


class _Walker:
    def __init__(self, extent: Extent) -> None:
        self.extent = extent
        self.row = self.column = 0  # 0-based, like the reader's own counters

    def start(self, name: str, attributes: dict[str, str]) -> None:
        local = name.rpartition(":")[2]
        reference = attributes.get("r")
        if local == "row" and reference:
            self.row = max(self.row, _row_of(reference) - 1)
        elif local == "c":
            if reference:
                row, column = _position(reference)
                self.column = max(self.column, column - 1)
                self.extent.reach(row, column)
            else:
                self.extent.reach(self.row + 1, self.column + 1)
            _check_extent(self.extent)

    def end(self, name: str) -> None:
        local = name.rpartition(":")[2]
        if local == "row":
            self.row, self.column = self.row + 1, 0
        elif local == "c":
            self.column += 1


_REFERENCE = re.compile(r"([A-Za-z]{0,3})([0-9]{1,7})")


def _position(reference: str) -> tuple[int, int]:
    match = _REFERENCE.fullmatch(reference)
    if match is None or not match.group(1):
        raise GuardError(f"单元格位置「{reference[:20]}」无效，文件已损坏")
    return int(match.group(2)), _column_number(match.group(1).encode())


def _row_of(reference: str) -> int:
    match = _REFERENCE.fullmatch(reference)
    if match is None:
        raise GuardError(f"行号「{reference[:20]}」无效，文件已损坏")
    return int(match.group(2))


def _check_extent(extent: Extent) -> None:
    rows, columns = extent.rows, extent.columns
    if rows <= MAX_SHEET_ROWS and columns <= MAX_SHEET_COLUMNS and rows * columns <= MAX_CELLS:
        return
    corner = f"{column_letters(columns)}{rows}"
    raise GuardError(
        f"工作表的数据区域从 A1 延伸到 {corner}（{rows} 行 × {columns} 列，共 {rows * columns} 个"
        f"单元格），超过上限 {MAX_CELLS} 个单元格；请删除远处多余的单元格（如 {corner} 附近）"
        "后重新保存，或分成几个文件导入"
    )

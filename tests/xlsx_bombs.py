"""Workbooks built part by part, to test the XLSX guard: bombs (tiny files that ask the reader for
billions of cells or hundreds of megabytes) and odd but valid files (cells without a reference,
namespace prefixes)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def text_cell(ref: str | None, value: str, prefix: str = "") -> str:
    """An inline-string cell, with or without its reference."""
    where = f' r="{ref}"' if ref else ""
    return f'<{prefix}c{where} t="inlineStr"><{prefix}is><{prefix}t>{value}</{prefix}t></{prefix}is></{prefix}c>'


def sheet(rows: str, prefix: str = "") -> bytes:
    """A worksheet part around `rows` (the XML of its <row> elements)."""
    if prefix:
        name = prefix.rstrip(":")
        head = f'<{prefix}worksheet xmlns:{name}="{MAIN}"><{prefix}sheetData>'
        return (head + rows + f"</{prefix}sheetData></{prefix}worksheet>").encode()
    return f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>'.encode()


def table_rows(grid: list[list[str]], refs: bool = True, prefix: str = "") -> str:
    """Rows of inline-string cells (refs=False: cells and rows without references)."""
    out = []
    for number, cells in enumerate(grid, start=1):
        columns = "".join(
            text_cell(f"{chr(65 + i)}{number}" if refs else None, value, prefix)
            for i, value in enumerate(cells)
        )
        where = f' r="{number}"' if refs else ""
        out.append(f"<{prefix}row{where}>{columns}</{prefix}row>")
    return "".join(out)


def workbook(sheet_xml: bytes, *, stored: bool = False) -> bytes:
    """An .xlsx holding the one worksheet `sheet_xml`."""
    buffer = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(buffer, "w", method) as archive:
        archive.writestr("[Content_Types].xml", _TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return buffer.getvalue()


def far_cell(corner: str) -> bytes:
    """A1 and one far cell (`corner`, e.g. XFD1048576): 1.6 KB asking for the whole rectangle."""
    row = "".join(ch for ch in corner if ch.isdigit())
    rows = (
        f'<row r="1">{text_cell("A1", "x")}</row><row r="{row}"><c r="{corner}"><v>1</v></c></row>'
    )
    return workbook(sheet(rows))


def implicit_cells(row: int, count: int) -> bytes:
    """`count` cells without references in row `row`: the reader places them one after another."""
    cells = "<c><v>1</v></c>" * count
    return workbook(sheet(f'<row r="1">{text_cell("A1", "x")}</row><row r="{row}">{cells}</row>'))


def deflate_bomb(unpacked: int) -> bytes:
    """A sheet of about `unpacked` bytes, nearly all blank space, packed about a thousand to one.

    Built in a blink: one megabyte of blanks is deflated once, ending in a full flush, and the
    block repeated (deflate blocks after a full flush stand alone); the part is written stored
    and its header then patched to say deflated, with the unpacked size and CRC of the whole."""
    head = sheet(f'<row r="1">{text_cell("A1", "x")}</row>')
    opening, closing = head.split(b"</sheetData>")
    closing = b"</sheetData>" + closing
    blank = b" " * 2**20
    repeats = max(1, (unpacked - len(head)) // len(blank))
    block_packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = block_packer.compress(blank) + block_packer.flush(zlib.Z_FULL_FLUSH)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = packer.compress(opening) + packer.flush(zlib.Z_FULL_FLUSH)
    last = zlib.compressobj(9, zlib.DEFLATED, -15)
    tail = last.compress(closing) + last.flush(zlib.Z_FINISH)
    stream = first + block * repeats + tail
    crc = zlib.crc32(opening)
    for _ in range(repeats):
        crc = zlib.crc32(blank, crc)
    crc = zlib.crc32(closing, crc)
    size = len(opening) + repeats * len(blank) + len(closing)
    data = bytearray(workbook(stream, stored=True))
    packed = struct.pack("<HHHI", 8, 0, 0, crc)  # method, time, date: patched below with the CRC
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        at = _header_of(data, signature, b"xl/worksheets/sheet1.xml")
        data[at + offset : at + offset + 2] = packed[:2]  # compression method: deflate
        data[at + offset + 6 : at + offset + 10] = struct.pack("<I", crc)
        data[at + offset + 14 : at + offset + 18] = struct.pack("<I", size)
    return bytes(data)


def _header_of(data: bytearray, signature: bytes, name: bytes) -> int:
    at = -1
    while True:
        at = data.index(signature, at + 1)
        if name in data[at : at + 80]:
            return at


def bad_crc() -> bytes:
    """A valid workbook with one byte of its (stored) sheet changed: the CRC no longer matches."""
    data = bytearray(workbook(sheet(table_rows([["考生号"], ["2600000001"]])), stored=True))
    at = data.index(b"2600000001")
    data[at] = ord("3")
    return bytes(data)

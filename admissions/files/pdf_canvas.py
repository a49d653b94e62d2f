"""Fast drawing of table pages straight onto a reportlab canvas.

Platypus tables cost ~1 ms per row (a text object, font lookup and subset split per cell, plus
re-measuring at every page split). A printed list is a plain grid, so each page is drawn here as
one path for the grid and one text block (BT … ET) for every cell, with the PDF operators of each
distinct cell text computed once per document (lists repeat batch, program, status, reason…).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from reportlab.lib import colors
from reportlab.lib.rl_accel import escapePDF
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from admissions.files.pdf import PdfFont

Cell = str | tuple[str, ...]  # one line, or the wrapped lines of a long cell
HEADER_FILL = colors.HexColor("#dde4ee")
GRID_COLOUR = colors.grey
_CACHE_LIMIT = 50_000  # distinct texts kept; unique values (numbers, names) gain nothing


@dataclass(frozen=True)
class Grid:
    """Where the table sits: column edges, the font size and line metrics of the cells."""

    edges: tuple[float, ...]  # x of every column boundary, left to right (columns + 1)
    numeric: tuple[bool, ...]  # right-aligned columns (not in the header row)
    size: float
    line: float  # height of one text line
    pad_x: float
    pad_y: float

    def row_height(self, cells: Sequence[Cell]) -> float:
        """Height of a row: its tallest cell's lines plus the padding."""
        lines = max((len(c) for c in cells if isinstance(c, tuple)), default=1)
        return lines * self.line + 2 * self.pad_y


class TextOps:
    """PDF text operators for strings in one font at one size, cached per distinct text."""

    def __init__(self, canvas: Canvas, font: PdfFont, size: float) -> None:
        self.doc = canvas._doc  # reportlab's document: fonts and subsets are registered on it
        self.font, self.size = font, size
        self.tf = f" {size:g} Tf "
        self.cache: dict[str, Ops] = {}
        self.measured: dict[str, float] = {}
        self.widths = _CharWidths(font, size)
        self.fonts = _CharFonts(font)

    def ops(self, text: str) -> Ops:
        """How to draw `text`: (first font resource, operators, last font resource)."""
        known = self.cache.get(text)
        if known is None:
            parts: list[tuple[str, str]] = []
            for name, chunk in self._runs(text):
                parts.extend(self._encode(name, chunk))
            code = [f"({parts[0][1]}) Tj"]
            for (before, _), (resource, literal) in zip(parts, parts[1:], strict=False):
                if resource != before:
                    code.append(resource + self.tf.rstrip())
                code.append(f"({literal}) Tj")
            known = Ops(parts[0][0], " ".join(code), parts[-1][0])
            if len(self.cache) >= _CACHE_LIMIT:
                self.cache.clear()
            self.cache[text] = known
        return known

    def _runs(self, text: str) -> list[tuple[str, str]]:
        """(font name, chunk) runs; characters no font has were refused or marked before."""
        fonts = self.fonts
        runs: list[tuple[str, str]] = []
        for name, chars in groupby(text, fonts.__getitem__):
            runs.append((name, "".join(chars)))
        return runs

    def _encode(self, name: str, chunk: str) -> list[tuple[str, str]]:
        font = pdfmetrics.getFont(name)
        if font._dynamicFont:  # TrueType: embedded as subsets of up to 256 glyphs
            return [
                (font.getSubsetInternalName(subset, self.doc), escapePDF(part))
                for subset, part in font.splitString(chunk, self.doc)
            ]
        return [(self.doc.getInternalFontName(name), font.formatForPdf(chunk))]

    def width(self, text: str) -> float:
        """Width of `text` at this size, each character in the font that draws it (reportlab
        does not kern, so a string is as wide as the sum of its characters)."""
        known = self.measured.get(text)
        if known is None:
            known = sum(map(self.widths.__getitem__, text))
            if len(self.measured) >= _CACHE_LIMIT:
                self.measured.clear()
            self.measured[text] = known
        return known


@dataclass(frozen=True)
class Ops:
    """The operators drawing one text, and the font resources it starts and ends with."""

    first: str
    code: str
    last: str


class _CharFonts(dict[str, str]):
    """The font that draws each character (the main font's name for undrawable ones)."""

    def __init__(self, font: PdfFont) -> None:
        super().__init__()
        self.font = font

    def __missing__(self, char: str) -> str:
        name = self[char] = self.font.font_for(char) or self.font.name
        return name


class _CharWidths(dict[str, float]):
    """Width of each character at one size, in the font that draws it; filled on first use."""

    def __init__(self, font: PdfFont, size: float) -> None:
        super().__init__()
        self.font, self.size = font, size

    def __missing__(self, char: str) -> float:
        name = self.font.font_for(char) or self.font.name
        width = self[char] = pdfmetrics.stringWidth(char, name, self.size)
        return width


class TextBlock:
    """One BT … ET block: strings placed at absolute positions, font set only when it changes."""

    def __init__(self, ops: TextOps) -> None:
        self.ops = ops
        self.code: list[str] = ["BT"]
        self.current = ""
        self.numbers: dict[float, str] = {}  # coordinates repeat: columns and rows

    def number(self, value: float) -> str:
        """A coordinate as the PDF gets it (two decimals), formatted once per value."""
        known = self.numbers.get(value)
        if known is None:
            known = self.numbers[value] = f"{value:.2f}"
        return known

    def put(self, x: float, y: float, text: str) -> None:
        """Draw `text` with its baseline starting at (x, y)."""
        if not text:
            return
        ops = self.ops.ops(text)
        at = "1 0 0 1 " + self.number(x) + " " + self.number(y) + " Tm "
        if ops.first != self.current:
            self.code.append(ops.first + self.ops.tf + at + ops.code)
        else:
            self.code.append(at + ops.code)
        self.current = ops.last

    def close(self, canvas: Canvas) -> None:
        """Write the block to the page (text in black)."""
        self.code.append("ET")
        canvas.setFillColor(colors.black)
        canvas.addLiteral("\n".join(self.code))


def draw_rows(
    canvas: Canvas,
    grid: Grid,
    ops: TextOps,
    rows: Sequence[tuple[Sequence[Cell], float]],
    top: float,
) -> float:
    """Draw rows (cells, height) from `top` down, the first being the header; returns the bottom.

    The header row gets a tinted background and left-aligned titles; numbers align right below it.
    """
    bottom = top - sum(height for _, height in rows)
    left, right = grid.edges[0], grid.edges[-1]
    canvas.setFillColor(HEADER_FILL)
    canvas.rect(left, top - rows[0][1], right - left, rows[0][1], stroke=0, fill=1)
    _grid_lines(canvas, grid, rows, top, bottom)
    block = TextBlock(ops)
    y = top
    for index, (cells, height) in enumerate(rows):
        _row_text(block, grid, cells, y, height, header=index == 0)
        y -= height
    block.close(canvas)
    return bottom


def _grid_lines(
    canvas: Canvas, grid: Grid, rows: Sequence[tuple[Any, float]], top: float, bottom: float
) -> None:
    canvas.setStrokeColor(GRID_COLOUR)
    canvas.setLineWidth(0.25)
    path = canvas.beginPath()
    left, right = grid.edges[0], grid.edges[-1]
    y = top
    for _, height in rows:
        path.moveTo(left, y)
        path.lineTo(right, y)
        y -= height
    path.moveTo(left, bottom)
    path.lineTo(right, bottom)
    for x in grid.edges:
        path.moveTo(x, top)
        path.lineTo(x, bottom)
    canvas.drawPath(path, stroke=1, fill=0)


def _row_text(
    block: TextBlock, grid: Grid, cells: Sequence[Cell], top: float, height: float, header: bool
) -> None:
    # A line's baseline sits so that CJK glyphs (ascent ~0.88 em) are centred in the line.
    first_baseline = (grid.line + grid.size * 0.76) / 2
    for index, cell in enumerate(cells):
        lines = cell if isinstance(cell, tuple) else (cell,)
        # Cells with fewer lines than the row are centred vertically, like the rest of the row.
        y = top - (height - len(lines) * grid.line) / 2 - first_baseline
        for line in lines:
            if grid.numeric[index] and not header:
                x = grid.edges[index + 1] - grid.pad_x - block.ops.width(line)
            else:
                x = grid.edges[index] + grid.pad_x
            block.put(x, y, line)
            y -= grid.line

"""Fast drawing of table pages straight onto a reportlab canvas.

Platypus tables cost ~1 ms per row (a text object, font lookup and subset split per cell, plus
re-measuring at every page split). A printed list is a plain grid, so each page is drawn here as
one path for the grid and one text block (BT … ET) for every cell, with the PDF operators of each
distinct cell text computed once per document by `pdf_text` (lists repeat batch, program, status,
reason…).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas

from admissions.files.pdf_text import TextBlock, TextOps

Cell = str | tuple[str, ...]  # one line, or the wrapped lines of a long cell
HEADER_FILL = colors.HexColor("#dde4ee")
GRID_COLOUR = colors.grey


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
    number, width = block.number, block.ops.width
    one_line = number(top - (height - grid.line) / 2 - first_baseline)  # most cells
    for index, cell in enumerate(cells):
        if not cell:
            continue
        right = grid.numeric[index] and not header
        if isinstance(cell, str):
            if right:
                x = grid.edges[index + 1] - grid.pad_x - width(cell)
            else:
                x = grid.edges[index] + grid.pad_x
            block.place(number(x), one_line, cell)
            continue
        # Cells with fewer lines than the row are centred vertically, like the rest of the row.
        y = top - (height - len(cell) * grid.line) / 2 - first_baseline
        for line in cell:
            if right:
                x = grid.edges[index + 1] - grid.pad_x - width(line)
            else:
                x = grid.edges[index] + grid.pad_x
            block.put(x, y, line)
            y -= grid.line

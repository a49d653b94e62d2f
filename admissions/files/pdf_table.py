"""A list as a printable PDF: landscape A4, embedded CJK font, repeating header, page X/Y, totals.

Pages are laid out here (column widths, wrapping, page breaks) and drawn by `pdf_canvas`
straight onto the canvas: 20,000 rows take seconds, not the half minute of platypus tables.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from admissions.files.columns import ExportColumn
from admissions.files.pdf import (
    MissingGlyphError,
    PdfFont,
    describe_missing,
    draw_text,
    load_font,
    missing_glyphs,
)
from admissions.files.pdf import mark_missing as mark
from admissions.files.pdf_canvas import Cell, Grid, draw_rows
from admissions.files.pdf_pages import finish_pages
from admissions.files.pdf_text import TextOps

PAGE = landscape(A4)
MARGIN = 28.0
FONT_SIZE = 7.5
LINE = FONT_SIZE * 1.2  # one line of cell text
CELL_PADDING = 3.0  # left and right, inside every cell
CELL_PADDING_Y = 1.5
MAX_LINES = 4  # a longer cell is cut, and ends with "…"
NO_LINE_START = frozenset("，。、；：！？）》」』】”’,.;:!?)]}")
MIN_TEXT_WIDTH = 40.0  # narrowest a column of text is made to leave codes on one line
TOP_MARGIN = MARGIN + 24  # room for the page header
ROW_HEIGHT = LINE + 2 * CELL_PADDING_Y  # a row of one-line cells
TABLE_TOP = PAGE[1] - TOP_MARGIN
# Rows of one line that fit on a page under the column header row.
ROWS_PER_PAGE = int((TABLE_TOP - MARGIN - ROW_HEIGHT) // ROW_HEIGHT)
TOTALS_SIZE, TOTALS_LEADING, TOTALS_GAP = 9.0, 12.0, 6.0
PageRows = list[tuple[list[Cell], float]]


def to_pdf_table(
    title: str,
    rows: Iterable[Mapping[str, object]],
    columns: Sequence[ExportColumn],
    *,
    headers: str = "zh",
    subtitle: str = "",
    footer: str = "",
    totals: Sequence[str] | None = None,
    font: PdfFont | None = None,
    mark_missing: bool = False,
) -> bytes:
    """The rows as a PDF table. Every page repeats the column header and shows the title,
    `subtitle` and 第 X 页 / 共 Y 页, and `footer` at the bottom (e.g. who exported it, when);
    the last lines hold `totals` (default: the row count). A cell too wide for its column wraps
    onto up to four lines, and is cut with "…" beyond.

    A character no font can draw raises MissingGlyphError listing every such cell, unless
    `mark_missing` is set: then it is printed as a visible 〔U+XXXX〕 marker.
    """
    font = font or load_font()
    table_rows, problems = _cells(rows, columns, font, mark_missing)
    lines = list(totals) if totals is not None else [f"合计：{len(table_rows)} 条"]
    texts = [title, subtitle, footer, *lines]
    if mark_missing:
        texts = [mark(text, font) for text in texts]
    problems += [describe_missing(t, m) for t in texts if (m := missing_glyphs(t, font))]
    if problems:
        raise MissingGlyphError(problems)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=PAGE, initialFontName=font.name, pageCompression=1)
    canvas.setTitle(texts[0])
    ops = TextOps(canvas, font, FONT_SIZE)
    titles = [column.header(headers) for column in columns]
    widths, one_line = _widths(titles, table_rows, ops)
    grid = _grid(widths, columns)
    wrap = _Wrapper(ops, widths, one_line, font)
    header = wrap.row(titles)
    pages = _paginate(grid, wrap, table_rows, grid.row_height(header), len(texts) - 3)
    for number, page in enumerate(pages, start=1):
        _page_texts(canvas, font, texts[:3], f"第 {number} 页 / 共 {len(pages)} 页")
        bottom = TABLE_TOP
        if page is not None:
            bottom = draw_rows(
                canvas, grid, ops, [(header, grid.row_height(header)), *page], bottom
            )
        if number == len(pages):
            _totals(canvas, font, texts[3:], bottom)
        canvas.showPage()
    finish_pages(canvas)
    canvas.save()
    return buffer.getvalue()


def _cells(
    rows: Iterable[Mapping[str, object]],
    columns: Sequence[ExportColumn],
    font: PdfFont,
    mark_missing: bool,
) -> tuple[list[list[str]], list[str]]:
    table: list[list[str]] = []
    problems: list[str] = []
    drawable: set[str] = set()  # characters known to be in a font (lists repeat them)
    keys = [column.key for column in columns]
    for row in rows:
        cells = ["" if (value := row.get(key)) is None else str(value) for key in keys]
        line = "".join(cells)
        if line.isprintable() and drawable.issuperset(line):  # the common row: nothing to fix
            table.append(cells)
            continue
        # Plain ASCII cells are not checked below; their characters count as known once drawn.
        drawable.update(c for c in line if c.isascii() and c.isprintable() and font.font_for(c))
        for index, cell in enumerate(cells):
            if cell.isascii() and cell.isprintable():
                continue
            if not cell.isprintable():  # line breaks, tabs: one line of text, spaces between
                cell = cells[index] = " ".join(cell.split())
            if drawable.issuperset(cell):
                continue
            missing = {char for char in cell if font.font_for(char) is None}
            drawable.update(set(cell) - missing)
            if missing and mark_missing:
                cells[index] = mark(cell, font)
            elif missing:
                problems.append(
                    f"第 {len(table) + 1} 行 {columns[index].key}：{describe_missing(cell, missing)}"
                )
        table.append(cells)
    return table, problems


def _widths(
    titles: list[str], rows: list[list[str]], ops: TextOps
) -> tuple[list[float], list[bool]]:
    """Natural widths; if too wide for the page, cap only the widest columns of text (they wrap).
    Columns of codes and numbers (no space, no Chinese) keep their width when the text columns
    can give way. Also says which columns hold every cell on one line."""
    natural = [ops.width(title) for title in titles]
    codes = [True] * len(titles)
    for index, cells in enumerate(zip(*rows, strict=True)):  # column by column
        natural[index] = max(natural[index], max(map(ops.width, cells)))
        codes[index] = all(cell.isascii() and " " not in cell for cell in cells)
    natural = [width + 2 * CELL_PADDING + 2 for width in natural]
    available = PAGE[0] - 2 * MARGIN
    widths = _capped(natural, codes, available)
    scale = available / sum(widths) if sum(widths) > available else 1.0  # many narrow columns
    widths = [width * scale for width in widths]
    return widths, [n <= w for n, w in zip(natural, widths, strict=True)]


def _capped(natural: list[float], codes: list[bool], available: float) -> list[float]:
    fixed = sum(width for width, code in zip(natural, codes, strict=True) if code)
    texts = [width for width, code in zip(natural, codes, strict=True) if not code]
    room = available - fixed
    if texts and room >= MIN_TEXT_WIDTH * len(texts):
        cap = _water_level(texts, room)
        return [
            width if code else min(width, cap) for width, code in zip(natural, codes, strict=True)
        ]
    cap = _water_level(natural, available)
    return [min(width, cap) for width in natural]


def _water_level(widths: list[float], available: float) -> float:
    """The largest cap c with sum(min(w, c)) <= available (c = the widest width if all fit)."""
    ordered = sorted(widths)
    spent = 0.0
    for position, width in enumerate(ordered):
        remaining = len(ordered) - position
        if spent + width * remaining > available:
            return max((available - spent) / remaining, 0.0)
        spent += width
    return ordered[-1] if ordered else available


def _grid(widths: list[float], columns: Sequence[ExportColumn]) -> Grid:
    edges = [MARGIN]
    for width in widths:
        edges.append(edges[-1] + width)
    numeric = tuple(column.numeric for column in columns)
    return Grid(tuple(edges), numeric, FONT_SIZE, LINE, CELL_PADDING, CELL_PADDING_Y)


class _Wrapper:
    """Cells that fit stay one string; longer ones break into lines that fit their column."""

    def __init__(
        self, ops: TextOps, widths: list[float], one_line: list[bool], font: PdfFont
    ) -> None:
        self.ops = ops
        self.room = [width - 2 * CELL_PADDING - 0.5 for width in widths]
        self.wrapping = [index for index, fits in enumerate(one_line) if not fits]
        self.ellipsis = "…" if font.font_for("…") is not None else "..."

    def row(self, cells: list[str]) -> list[Cell]:
        """The row's cells, each one line or a tuple of wrapped lines."""
        fitted: list[Cell] = list(cells)
        for index in self.wrapping:  # only columns narrower than their widest cell
            cell, room = cells[index], self.room[index]
            if self.ops.width(cell) > room:
                fitted[index] = self.wrap(cell, room)
        return fitted

    def wrap(self, text: str, room: float) -> Cell:
        """Break before the character that would overflow (after a space inside Latin words)."""
        width = self.ops.width
        lines: list[str] = []
        start, used, space = 0, 0.0, -1
        for index, char in enumerate(text):
            step = width(char)
            if used + step > room and index > start:
                cut = space + 1 if space >= start else index
                if text[cut] in NO_LINE_START and cut - 1 > start:
                    cut -= 1  # a closing mark never starts a line: its word goes down with it
                lines.append(text[start:cut].rstrip())
                start, space = cut, -1
                used = sum(width(c) for c in text[start:index])
            if char == " ":
                space = index
            used += step
        lines.append(text[start:])
        if len(lines) > MAX_LINES:
            lines = [*lines[: MAX_LINES - 1], self._cut(lines[MAX_LINES - 1], room)]
        return tuple(lines) if len(lines) > 1 else lines[0]

    def _cut(self, line: str, room: float) -> str:
        while line and self.ops.width(line + self.ellipsis) > room:
            line = line[:-1]
        return line + self.ellipsis


def _paginate(
    grid: Grid, wrap: _Wrapper, rows: list[list[str]], header_height: float, total_lines: int
) -> list[PageRows | None]:
    """Rows per page; a last page without table (None) when the totals do not fit under it."""
    room = TABLE_TOP - MARGIN - header_height
    pages: list[PageRows | None] = []
    page: PageRows = []
    left = room
    for cells in rows:
        fitted = wrap.row(cells)
        height = grid.row_height(fitted)
        if height > left and page:
            pages.append(page)
            page, left = [], room
        page.append((fitted, height))
        left -= height
    pages.append(page)
    if TOTALS_GAP + total_lines * TOTALS_LEADING > left:
        pages.append(None)
    return pages


def _page_texts(canvas: Canvas, font: PdfFont, texts: Sequence[str], page: str) -> None:
    title, subtitle, footer = texts
    width, height = PAGE
    draw_text(canvas, MARGIN, height - MARGIN - 4, title, font, 12)
    if subtitle:
        draw_text(canvas, MARGIN, height - MARGIN - 16, subtitle, font, 8)
    if footer:
        draw_text(canvas, MARGIN, MARGIN - 14, footer, font, 8)
    draw_text(canvas, width - MARGIN, height - MARGIN - 4, page, font, 8, "right")


def _totals(canvas: Canvas, font: PdfFont, lines: Sequence[str], bottom: float) -> None:
    y = bottom - TOTALS_GAP - TOTALS_SIZE
    for line in lines:
        draw_text(canvas, MARGIN, y, line, font, TOTALS_SIZE)
        y -= TOTALS_LEADING

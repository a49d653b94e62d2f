"""A list as a printable PDF: landscape A4, embedded CJK font, repeating header, page X/Y, totals."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from admissions.files.columns import ExportColumn
from admissions.files.pdf import (
    MissingGlyphError,
    PdfFont,
    describe_missing,
    draw_text,
    load_font,
    missing_glyphs,
    text_runs,
)
from admissions.files.pdf import mark_missing as mark

PAGE = landscape(A4)
MARGIN = 28.0
FONT_SIZE = 7.5
CELL_PADDING = 3.0  # left and right, inside every cell
TOP_MARGIN = MARGIN + 24  # room for the page header
ROW_HEIGHT = FONT_SIZE * 1.2 + 3  # one line of text plus top and bottom padding
FRAME_PADDING = 12  # SimpleDocTemplate's frame pads 6 points on each side
# Rows per table: reportlab re-measures a table at every page split (O(n²) for one long table),
# so the list is cut into tables of whole pages; each repeats the header on its pages.
ROWS_PER_PAGE = int((PAGE[1] - TOP_MARGIN - MARGIN - FRAME_PADDING) // ROW_HEIGHT) - 1
CHUNK = ROWS_PER_PAGE * 10


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
    the last line holds `totals` (default: the row count).

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
    titles = [column.header(headers) for column in columns]
    measure = _Measure(font)
    widths = _widths(titles, table_rows, measure)
    header = _fit(titles, widths, measure)
    body = [_fit(row, widths, measure) for row in table_rows]
    story: list[Any] = []
    for start in range(0, max(len(body), 1), CHUNK):
        story.append(LongTable([header, *body[start : start + CHUNK]], widths, repeatRows=1))
        story[-1].setStyle(_style(font, columns))
    story.append(Spacer(1, 6))
    style = ParagraphStyle("totals", fontName=font.name, fontSize=9, leading=12)
    story.extend(Paragraph(_markup(line, font), style) for line in texts[3:])
    return _build(story, (texts[0], texts[1], texts[2]), font)


def _cells(
    rows: Iterable[Mapping[str, object]],
    columns: Sequence[ExportColumn],
    font: PdfFont,
    mark_missing: bool,
) -> tuple[list[list[str]], list[str]]:
    table: list[list[str]] = []
    problems: list[str] = []
    for row in rows:
        cells = ["" if row.get(c.key) is None else str(row.get(c.key)) for c in columns]
        for index, cell in enumerate(cells):
            if cell.isascii():
                continue
            missing = {char for char in cell if font.font_for(char) is None}
            if missing and mark_missing:
                cells[index] = mark(cell, font)
            elif missing:
                problems.append(
                    f"第 {len(table) + 1} 行 {columns[index].key}：{describe_missing(cell, missing)}"
                )
        table.append(cells)
    return table, problems


class _Measure:
    """Width of a cell text and whether it needs the fallback font (cached: lists repeat)."""

    def __init__(self, font: PdfFont) -> None:
        self.font = font
        self.cache: dict[str, tuple[float, bool]] = {}

    def __call__(self, text: str) -> tuple[float, bool]:
        known = self.cache.get(text)
        if known is None:
            font = self.font
            if text.isascii() or all(font.font_for(char) == font.name for char in text):
                known = (stringWidth(text, font.name, FONT_SIZE), False)
            else:
                runs = text_runs(text, font)
                known = (sum(stringWidth(chunk, name, FONT_SIZE) for name, chunk in runs), True)
            if len(self.cache) < 100_000:
                self.cache[text] = known
        return known


def _widths(titles: list[str], rows: list[list[str]], measure: _Measure) -> list[float]:
    """Natural widths; if too wide for the page, cap only the widest columns (they wrap)."""
    natural = [measure(title)[0] + 2 * CELL_PADDING + 2 for title in titles]
    for row in rows[:2000]:
        for index, cell in enumerate(row):
            natural[index] = max(natural[index], measure(cell)[0] + 2 * CELL_PADDING + 2)
    available = PAGE[0] - 2 * MARGIN
    cap = _water_level(natural, available)
    widths = [min(width, cap) for width in natural]
    scale = available / sum(widths) if sum(widths) > available else 1.0  # many narrow columns
    return [width * scale for width in widths]


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


def _fit(row: list[str], widths: list[float], measure: _Measure) -> list[Any]:
    """Plain strings are fast; a cell too wide for its column, or needing the fallback font, wraps."""
    fitted: list[Any] = []
    for cell, width in zip(row, widths, strict=True):
        text_width, needs_fallback = measure(cell)
        if needs_fallback or text_width > width - 2 * CELL_PADDING - 1:
            fitted.append(Paragraph(_markup(cell, measure.font), _cell_style(measure.font)))
        else:
            fitted.append(cell)
    return fitted


def _markup(text: str, font: PdfFont) -> str:
    parts = []
    for char in text:
        name = font.font_for(char) or font.name
        chunk = escape(char)
        parts.append(chunk if name == font.name else f'<font name="{name}">{chunk}</font>')
    return "".join(parts)


def _cell_style(font: PdfFont) -> ParagraphStyle:
    return ParagraphStyle("cell", fontName=font.name, fontSize=FONT_SIZE, leading=FONT_SIZE + 2)


def _style(font: PdfFont, columns: Sequence[ExportColumn]) -> TableStyle:
    numeric = [
        ("ALIGN", (index, 1), (index, -1), "RIGHT")
        for index, column in enumerate(columns)
        if column.numeric
    ]
    return TableStyle(
        [
            *numeric,
            ("FONT", (0, 0), (-1, -1), font.name, FONT_SIZE),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde4ee")),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ]
    )


def _build(story: list[Any], texts: tuple[str, str, str], font: PdfFont) -> bytes:
    """Lay the story out; `texts` = (title, subtitle, footer) for every page."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=TOP_MARGIN,
        bottomMargin=MARGIN,
        title=texts[0],
        initialFontName=font.name,  # else every page references an unembedded Helvetica
    )
    canvas_class = _numbered_canvas(texts, font)
    document.build(story, canvasmaker=canvas_class)
    return buffer.getvalue()


def _numbered_canvas(texts: tuple[str, str, str], font: PdfFont) -> type[Canvas]:
    """A canvas that holds pages back until the end, to print 第 X 页 / 共 Y 页 on each."""
    title, subtitle, footer = texts

    class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab is untyped
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("pageCompression", 1)
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for state in self._pages:
                self.__dict__.update(state)
                self._page_header(len(self._pages))
                super().showPage()
            super().save()

        def _page_header(self, count: int) -> None:
            width, height = PAGE
            draw_text(self, MARGIN, height - MARGIN - 4, title, font, 12)
            if subtitle:
                draw_text(self, MARGIN, height - MARGIN - 16, subtitle, font, 8)
            if footer:
                draw_text(self, MARGIN, MARGIN - 14, footer, font, 8)
            page = f"第 {self._pageNumber} 页 / 共 {count} 页"
            draw_text(self, width - MARGIN, height - MARGIN - 4, page, font, 8, "right")

    return NumberedCanvas

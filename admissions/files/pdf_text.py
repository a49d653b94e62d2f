"""Text straight onto a reportlab canvas as PDF operators, cached per distinct string.

`canvas.drawString` builds a text object, looks the font up, splits the string into subsets and
formats numbers for every call (~40 µs). Lists and letters draw tens of thousands of strings, most
of them repeated (batch, program, labels, the exam's name), so here the operators of each distinct
text are computed once per document and many strings go into one text block (BT … ET).
"""

from __future__ import annotations

import re
from itertools import groupby
from typing import NamedTuple

from reportlab.lib import colors
from reportlab.lib.rl_accel import escapePDF
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from admissions.files.pdf import PdfFont, text_runs

_CACHE_LIMIT = 50_000  # distinct texts kept; unique values (numbers, names) gain nothing
_PIECES = re.compile(r"[ -~]+|[^ -~]+")  # stretches of printable ASCII, and of anything else


class Ops(NamedTuple):
    """The operators drawing one text, and the font resources it starts and ends with (a named
    tuple: one is made for every distinct text of a long list, so it must be cheap to create)."""

    first: str
    code: str
    last: str


class TextOps:
    """PDF text operators for strings in one font at one size, cached per distinct text.

    With `strict`, a text holding a character no font has raises MissingGlyphError the first
    time it is seen (as `draw_text` does); otherwise such characters must have been refused or
    marked before, and are drawn as the main font's missing glyph.
    """

    def __init__(self, canvas: Canvas, font: PdfFont, size: float, strict: bool = False) -> None:
        self.doc = canvas._doc  # reportlab's document: fonts and subsets are registered on it
        self.font, self.size, self.strict = font, size, strict
        self.tf = f" {size:g} Tf "
        self.cache: dict[str, Ops] = {}
        self.pieces: dict[str, list[tuple[str, str]]] = {}  # the non-ASCII pieces of texts
        self.measured: dict[str, float] = {}
        self.widths = _CharWidths(font, size)
        self.fonts = _CharFonts(font)
        self.ascii, self.plain = self._plain_ascii()

    def _plain_ascii(self) -> tuple[str, frozenset[str]]:
        """The resource of the main font's first subset and the ASCII characters it holds under
        their own codes (reportlab's readable-ASCII subset): such text needs no encoding."""
        font = pdfmetrics.getFont(self.font.name)
        if not font._dynamicFont or not font._asciiReadable:
            return "", frozenset()
        assigned = font._assignState(self.doc).assignments
        plain = frozenset(chr(c) for c in range(32, 127) if assigned.get(c) == c)
        return font.getSubsetInternalName(0, self.doc), plain

    def ops(self, text: str) -> Ops:
        """How to draw `text`: (first font resource, operators, last font resource)."""
        known = self.cache.get(text)
        if known is None:
            if self.strict:
                text_runs(text, self.font)  # raises MissingGlyphError
            if self.plain.issuperset(text):  # numbers, codes, addresses: the common unique texts
                known = Ops(self.ascii, f"({escapePDF(text)}) Tj", self.ascii)
            else:
                known = self._operators(self._parts(text))
            if len(self.cache) >= _CACHE_LIMIT:
                self.cache.clear()
            self.cache[text] = known
        return known

    def _operators(self, parts: list[tuple[str, str]]) -> Ops:
        code = [f"({parts[0][1]}) Tj"]
        for (before, _), (resource, literal) in zip(parts, parts[1:], strict=False):
            if resource != before:
                code.append(resource + self.tf.rstrip())
            code.append(f"({literal}) Tj")
        return Ops(parts[0][0], " ".join(code), parts[-1][0])

    def _parts(self, text: str) -> list[tuple[str, str]]:
        """(font resource, PDF string literal) pieces of `text`, adjacent ones in one resource
        joined. Plain ASCII stretches are taken as they are; the others (labels, names) are
        encoded once per distinct stretch."""
        parts: list[tuple[str, str]] = []
        for piece in _PIECES.findall(text):
            if self.plain.issuperset(piece):
                found = [(self.ascii, escapePDF(piece))]
            else:
                found = self.pieces.get(piece) or self._encoded(piece)
            for resource, literal in found:
                if parts and parts[-1][0] == resource:
                    parts[-1] = (resource, parts[-1][1] + literal)
                else:
                    parts.append((resource, literal))
        return parts

    def _encoded(self, piece: str) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        for name, chunk in self._runs(piece):
            found.extend(self._encode(name, chunk))
        if len(self.pieces) >= _CACHE_LIMIT:
            self.pieces.clear()
        self.pieces[piece] = found
        return found

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
        self.current = ""  # the font resource in force
        self.current_size: TextOps | None = None  # whose size is in force
        self.numbers: dict[float, str] = {}  # coordinates repeat: columns and rows

    def number(self, value: float) -> str:
        """A coordinate as the PDF gets it (two decimals), formatted once per value."""
        known = self.numbers.get(value)
        if known is None:
            known = self.numbers[value] = f"{value:.2f}"
        return known

    def put(
        self, x: float, y: float, text: str, ops: TextOps | None = None, scale: float = 1.0
    ) -> None:
        """Draw `text` with its baseline starting at (x, y), in the size of `ops` (default: the
        block's) shrunk by `scale` (through the text matrix, so cached operators still serve)."""
        if not text:
            return
        if ops is None:
            ops = self.ops
        drawn = ops.ops(text)
        at = self.number(x) + " " + self.number(y) + " Tm "
        at = ("1 0 0 1 " if scale == 1.0 else f"{scale:.5f} 0 0 {scale:.5f} ") + at
        if drawn.first != self.current or ops is not self.current_size:
            self.code.append(drawn.first + ops.tf + at + drawn.code)
        else:
            self.code.append(at + drawn.code)
        self.current, self.current_size = drawn.last, ops

    def place(self, x: str, y: str, text: str) -> None:
        """`put` in the block's size, unscaled, at coordinates already formatted by `number`
        (rows of a table: one y for the row, one x for each column)."""
        ops = self.ops
        drawn = ops.cache.get(text) or ops.ops(text)
        if drawn.first != self.current or ops is not self.current_size:
            self.code.append(drawn.first + ops.tf + "1 0 0 1 " + x + " " + y + " Tm " + drawn.code)
            self.current_size = ops
        else:
            self.code.append("1 0 0 1 " + x + " " + y + " Tm " + drawn.code)
        self.current = drawn.last

    def close(self, canvas: Canvas) -> None:
        """Write the block to the page (text in black)."""
        self.code.append("ET")
        canvas.setFillColor(colors.black)
        canvas.addLiteral("\n".join(self.code))

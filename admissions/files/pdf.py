"""CJK fonts for PDFs: registration, glyph coverage, and text runs that never drop a character.

The default font is WenQuanYi Zen Hei (TrueType, embedded as a subset so the PDF renders anywhere).
Set another with the `path` argument or the ADMISSIONS_PDF_FONT environment variable (a .ttf or
.ttc; OpenType/CFF fonts such as Noto CJK do not work in reportlab). A second TrueType font
(ADMISSIONS_PDF_FALLBACK_FONT) draws characters the first one lacks. When no TrueType font can be
loaded, the built-in STSong-Light CID font is used and `PdfFont.embedded` is False: it is not
embedded, so the PDF needs an Asian font pack on the reader's machine.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

logger = logging.getLogger(__name__)
DEFAULT_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
CID_FALLBACK = "STSong-Light"


class MissingGlyphError(ValueError):
    """Text holds characters no configured font can draw; `problems` names each one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            "以下文字含字体无法显示的字符（请配置含这些字符的字体）：" + "；".join(problems)
        )
        self.problems = problems


@dataclass(frozen=True)
class PdfFont:
    """A registered font: its reportlab name, the code points it covers, and its fallback."""

    name: str
    embedded: bool
    covers: frozenset[int] | None  # None: the CID font, which covers the Basic Multilingual Plane
    fallback: PdfFont | None = None
    warning: str | None = None

    def has(self, char: str) -> bool:
        """True when this font (not its fallback) has a glyph for `char`."""
        if self.covers is None:
            return ord(char) <= 0xFFFF
        return ord(char) in self.covers

    def font_for(self, char: str) -> str | None:
        """The name of the first font that can draw `char`, or None."""
        if not char.isprintable() or self.has(char):
            return self.name
        if self.fallback is not None and self.fallback.has(char):
            return self.fallback.name
        return None


def load_font(path: str | None = None, subfont_index: int = 0) -> PdfFont:
    """The configured CJK font (argument, else ADMISSIONS_PDF_FONT, else WenQuanYi Zen Hei)."""
    path = path or os.environ.get("ADMISSIONS_PDF_FONT") or DEFAULT_FONT
    fallback_path = os.environ.get("ADMISSIONS_PDF_FALLBACK_FONT")
    return _load(path, subfont_index, fallback_path)


@lru_cache(maxsize=8)
def _load(path: str, subfont_index: int, fallback_path: str | None) -> PdfFont:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    fallback = _truetype(fallback_path, 0) if fallback_path else None
    try:
        main = _truetype(path, subfont_index)
    except (OSError, ValueError) as error:
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
        warning = f"字体 {path} 无法加载（{error}），改用未嵌入的 {CID_FALLBACK}"
        logger.warning("PDF font %s could not be loaded (%s); using %s", path, error, CID_FALLBACK)
        return PdfFont(CID_FALLBACK, False, None, fallback, warning)
    return PdfFont(main.name, True, main.covers, fallback)


def _truetype(path: str, subfont_index: int) -> PdfFont:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    name = f"CJK-{os.path.basename(path)}-{subfont_index}"
    try:
        font = TTFont(name, path, subfontIndex=subfont_index)
    except Exception as error:  # reportlab raises TTFError or plain exceptions for bad files
        raise ValueError(str(error)) from error
    pdfmetrics.registerFont(font)
    return PdfFont(name, True, frozenset(font.face.charToGlyph))


def missing_glyphs(text: str, font: PdfFont | None = None) -> set[str]:
    """The characters of `text` that neither the font nor its fallback can draw."""
    font = font or load_font()
    return {char for char in set(text) if font.font_for(char) is None}


def text_runs(text: str, font: PdfFont) -> list[tuple[str, str]]:
    """Split text into (font name, chunk) runs; raises MissingGlyphError if a character has no font."""
    if font.covers is not None and font.covers.issuperset(map(ord, text)):
        return [(font.name, text)]  # the common case, checked in C
    runs: list[tuple[str, str]] = []
    missing = missing_glyphs(text, font)
    if missing:
        raise MissingGlyphError([describe_missing(text, missing)])
    for char in text:
        name = font.font_for(char) or font.name
        if runs and runs[-1][0] == name:
            runs[-1] = (name, runs[-1][1] + char)
        else:
            runs.append((name, char))
    return runs


def describe_missing(text: str, missing: set[str]) -> str:
    """「text」缺字 X（U+XXXX）, for messages."""
    chars = "、".join(f"{char}（U+{ord(char):04X}）" for char in sorted(missing))
    return f"「{text}」缺字 {chars}"


def mark_missing(text: str, font: PdfFont) -> str:
    """Replace characters no font has by a visible 〔U+XXXX〕 marker (never drop them silently)."""
    return "".join(f"〔U+{ord(c):04X}〕" if font.font_for(c) is None else c for c in text)


def draw_text(
    canvas: Any,
    x: float,
    y: float,
    text: str,
    font: PdfFont,
    size: float,
    align: str = "left",
    max_width: float | None = None,
) -> None:
    """Draw `text` on a reportlab canvas in runs of the font that has each character.

    `align` is "left", "centre" or "right" about x; text wider than `max_width` is drawn smaller
    to fit. Raises MissingGlyphError like `text_runs`.
    """
    from reportlab.pdfbase.pdfmetrics import stringWidth

    runs = text_runs(text, font)
    widths = [stringWidth(chunk, name, size) for name, chunk in runs]
    width = sum(widths)
    scale = max_width / width if max_width is not None and width > max_width else 1.0
    x -= {"left": 0.0, "centre": width * scale / 2, "right": width * scale}[align]
    for (name, chunk), chunk_width in zip(runs, widths, strict=True):
        canvas.setFont(name, size * scale)
        canvas.drawString(x, y, chunk)
        x += chunk_width * scale

"""Admission letters (one PDF or one bulk PDF, one page each) and registration slips.

Drawn straight on a reportlab canvas (no layout engine) so that 5,000 letters stay fast. Every
text goes through `text_runs`, so a character the main font lacks is drawn with the fallback font,
or the whole job stops with MissingGlyphError naming each letter and character.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from admissions.files.pdf import (
    MissingGlyphError,
    PdfFont,
    draw_text,
    load_font,
    text_runs,
)

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
    from reportlab.pdfgen.canvas import Canvas

    from admissions.files.pdf_text import TextBlock, TextOps

# reportlab's A4 in points; reportlab, numpy and zxing-cpp load when a letter is drawn, not at
# start-up (every page and command imports this module for LetterData).
WIDTH, HEIGHT = 595.2755905511812, 841.8897637795277
BORDER = 36  # the letter's frame, in points from the page edge


def mask_national_id(national_id: str) -> str:
    """370102199001011234 → 370102********1234 (first 6 and last 4 kept)."""
    if len(national_id) <= 10:
        return "*" * len(national_id)
    return national_id[:6] + "*" * (len(national_id) - 10) + national_id[-4:]


@dataclass(frozen=True)
class LetterData:
    """What an admission letter shows. `national_id` is masked when printed."""

    exam_name: str
    candidate_name: str
    candidate_no: str
    national_id: str
    institution_name: str
    program_name: str
    batch_name: str
    verification_code: str
    issue_date: dt.date
    verify_base_url: str = ""  # e.g. "https://zk.example.cn"; the path is /verify/<code>

    @property
    def verify_url(self) -> str:
        """The address that confirms this letter."""
        return f"{self.verify_base_url.rstrip('/')}/verify/{self.verification_code}"


@dataclass(frozen=True)
class SlipData:
    """What a registration slip shows."""

    exam_name: str
    candidate_name: str
    candidate_no: str
    national_id: str
    category_name: str
    candidate_type: str
    school: str
    registered_at: dt.datetime


class _Pen:
    """Draws text in runs of the right font on one canvas."""

    def __init__(self, canvas: Canvas, font: PdfFont) -> None:
        self.canvas, self.font = canvas, font
        self.sizes: dict[float, TextOps] = {}

    def write(self, x: float, y: float, text: str, size: float, centred: bool = False) -> None:
        """Draw text at x (or centred on x), made smaller if it would not fit inside the border."""
        room = _room(x, centred)
        align = "centre" if centred else "left"
        draw_text(self.canvas, x, y, text, self.font, size, align, max_width=room)

    def ops(self, size: float) -> TextOps:
        """The cached text operators at `size` (a missing glyph raises, as in `write`)."""
        ops = self.sizes.get(size)
        if ops is None:
            from admissions.files.pdf_text import TextOps

            ops = self.sizes[size] = TextOps(self.canvas, self.font, size, strict=True)
        return ops

    def put(
        self, block: TextBlock, x: float, y: float, text: str, size: float, centred: bool = False
    ) -> None:
        """Like `write`, into a text block whose operators are cached per distinct text."""
        ops = self.ops(size)
        width, room = ops.width(text), _room(x, centred)
        scale = room / width if width > room else 1.0
        block.put(x - width * scale / 2 if centred else x, y, text, ops, scale)


def _room(x: float, centred: bool) -> float:
    return WIDTH - 2 * BORDER - 24 if centred else WIDTH - BORDER - 12 - x


def _letter_texts(letter: LetterData) -> list[str]:
    return [
        letter.exam_name,
        letter.candidate_name,
        letter.candidate_no,
        letter.institution_name,
        letter.program_name,
        letter.batch_name,
    ]


def letter_problems(letter: LetterData, font: PdfFont | None = None) -> list[str]:
    """Every text of the letter that holds a character no font can draw (empty when fine)."""
    font = font or load_font()
    problems: list[str] = []
    for text in _letter_texts(letter):
        try:
            text_runs(text, font)
        except MissingGlyphError as error:
            problems.extend(f"考生 {letter.candidate_no}：{p}" for p in error.problems)
    return problems


FRAME = "letterFrame"  # what every letter shares, drawn once per PDF and reused on each page


def _draw_frame(pen: _Pen) -> None:
    from reportlab.lib import colors

    canvas = pen.canvas
    canvas.beginForm(FRAME)
    canvas.setStrokeColor(colors.HexColor("#8b0000"))
    canvas.setLineWidth(3)
    canvas.rect(BORDER, BORDER, WIDTH - 2 * BORDER, HEIGHT - 2 * BORDER)
    pen.write(WIDTH / 2, HEIGHT - 120, "录 取 通 知 书", 30, centred=True)
    pen.write(120, HEIGHT - 260 - 2 * 28, "请按学校通知的时间和要求报到。", 14)
    pen.write(WIDTH - 140, 322, "扫码验证", 9, centred=True)
    canvas.endForm()


def _draw_letter(pen: _Pen, letter: LetterData) -> None:
    from admissions.files.pdf_text import TextBlock

    canvas = pen.canvas
    canvas.doForm(FRAME)
    block = TextBlock(pen.ops(11))
    pen.put(block, WIDTH / 2, HEIGHT - 150, letter.exam_name, 13, centred=True)
    pen.put(block, 90, HEIGHT - 220, f"{letter.candidate_name} 同学：", 16)
    body = [
        f"经审核，你已被{letter.institution_name}",
        f"{letter.program_name}专业录取（{letter.batch_name}）。",
    ]
    for index, line in enumerate(body):
        pen.put(block, 120, HEIGHT - 260 - index * 28, line, 14)
    details = [
        f"考生号：{letter.candidate_no}",
        f"身份证号：{mask_national_id(letter.national_id)}",
        f"验证码：{letter.verification_code}",
        f"验证网址：{letter.verify_url}",
        f"签发日期：{letter.issue_date.year}年{letter.issue_date.month}月{letter.issue_date.day}日",
    ]
    for index, line in enumerate(details):
        pen.put(block, 90, 300 - index * 22, line, 11)
    block.close(canvas)
    _draw_qr(canvas, letter.verify_url, WIDTH - 200, 330, 120)


def qr_matrix(value: str) -> NDArray[np.bool_]:
    """The QR code of `value` (error correction M) as a boolean matrix, True = dark module.

    Encoded by zxing-cpp (compiled). The mask pattern is fixed: scanners read the mask from the
    code itself, and choosing the "best" of eight costs 4x the time for thousands of letters.
    """
    import numpy as np
    import zxingcpp

    code = zxingcpp.create_barcode(value, zxingcpp.BarcodeFormat.QRCode, ec_level="M", data_mask=0)
    return np.asarray(code.to_image(scale=1, add_quiet_zones=False)) < 128


def qr_modules(value: str) -> list[list[bool]]:
    """The QR code matrix of `value` as lists of booleans (True = dark)."""
    return [[bool(module) for module in row] for row in qr_matrix(value)]


def qr_operators(matrix: NDArray[np.bool_], x: float, y: float, size: float) -> str:
    """PDF operators painting the matrix as an image mask (1 bit a module, dark = fill colour)
    inside the square (x, y, size), with 4 modules of quiet zone on each side. One inline image
    per letter: no path of hundreds of rectangles to format."""
    import numpy as np

    n = matrix.shape[0]
    side = size * n / (n + 8)
    corner = size * 4 / (n + 8)
    bits = np.packbits(matrix, axis=1).tobytes().hex()
    return (
        f"q 0 g {side:.3f} 0 0 {side:.3f} {x + corner:.3f} {y + corner:.3f} cm "
        f"BI /W {n} /H {n} /IM true /BPC 1 /D [1 0] /F /AHx ID {bits}> EI Q"
    )


def _draw_qr(canvas: Canvas, value: str, x: float, y: float, size: float) -> None:
    canvas.addLiteral(qr_operators(qr_matrix(value), x, y, size))


def letters_pdf(letters: Iterable[LetterData], *, font: PdfFont | None = None) -> bytes:
    """One bulk PDF, one page per letter. Letters are consumed one at a time.

    Raises MissingGlyphError naming every letter with a character no font can draw.
    """
    from reportlab.pdfgen.canvas import Canvas

    from admissions.files.pdf_pages import finish_pages

    font = font or load_font()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(WIDTH, HEIGHT), pageCompression=1, initialFontName=font.name)
    canvas.setTitle("录取通知书")
    pen = _Pen(canvas, font)
    _draw_frame(pen)
    problems: list[str] = []
    count = 0
    for letter in letters:
        found = letter_problems(letter, font)
        problems.extend(found)
        if not found and not problems:
            _draw_letter(pen, letter)
            canvas.showPage()
        count += 1
    if problems:
        raise MissingGlyphError(problems)
    if count == 0:
        raise ValueError("没有可生成的录取通知书")
    finish_pages(canvas)
    canvas.save()
    return buffer.getvalue()


def admission_letter_pdf(letter: LetterData, *, font: PdfFont | None = None) -> bytes:
    """One admission letter as a one-page PDF."""
    return letters_pdf([letter], font=font)


def registration_slip_pdf(slip: SlipData, *, font: PdfFont | None = None) -> bytes:
    """The registration slip (报名确认单) a candidate prints after registering."""
    from reportlab.pdfgen.canvas import Canvas

    font = font or load_font()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(WIDTH, HEIGHT), pageCompression=1, initialFontName=font.name)
    canvas.setTitle("报名确认单")
    pen = _Pen(canvas, font)
    pen.write(WIDTH / 2, HEIGHT - 100, slip.exam_name, 16, centred=True)
    pen.write(WIDTH / 2, HEIGHT - 130, "报 名 确 认 单", 22, centred=True)
    fields: Sequence[tuple[str, str]] = (
        ("姓名", slip.candidate_name),
        ("考生号", slip.candidate_no),
        ("身份证号", mask_national_id(slip.national_id)),
        ("专业类别", slip.category_name),
        ("考生类型", slip.candidate_type),
        ("毕业学校", slip.school),
        ("报名时间", beijing(slip.registered_at)),
    )
    for index, (label, value) in enumerate(fields):
        y = HEIGHT - 200 - index * 32
        canvas.setLineWidth(0.5)
        canvas.line(80, y - 8, WIDTH - 80, y - 8)
        pen.write(90, y, f"{label}：", 13)
        pen.write(200, y, value, 13)
    pen.write(90, 200, "请核对以上信息；如有错误，请在报名截止前联系考试院。", 11)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


BEIJING = dt.timezone(dt.timedelta(hours=8), "北京时间")


def beijing(moment: dt.datetime) -> str:
    """A stored UTC time as the board's notices give it (naive values are UTC, as stored)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") + "（北京时间）"

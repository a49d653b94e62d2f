"""PDFs: the CJK font is embedded, pages render, QR codes scan, and no character is dropped."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from admissions.files.columns import export_columns
from admissions.files.letters import (
    LetterData,
    SlipData,
    admission_letter_pdf,
    letters_pdf,
    mask_national_id,
    registration_slip_pdf,
)
from admissions.files.pdf import MissingGlyphError, load_font, mark_missing, missing_glyphs
from admissions.files.writers import to_pdf_table

pytestmark = pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils not installed")
LATIN_FONT = "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"


def _letter(name: str = "欧阳晓明", number: str = "26370000000001") -> LetterData:
    return LetterData(
        exam_name="山东省2026年春季高考",
        candidate_name=name,
        candidate_no=number,
        national_id="11010519491231002X",
        institution_name="山东职业学院",
        program_name="计算机应用技术",
        batch_name="专科批",
        verification_code="Y5ZF-MPID-FG5S-SEJG",
        issue_date=dt.date(2026, 7, 20),
        verify_base_url="https://zk.example.cn",
    )


def _png(pdf: bytes, tmp_path: Path, page: int = 1) -> Image.Image:
    source = tmp_path / "doc.pdf"
    source.write_bytes(pdf)
    prefix = tmp_path / "page"
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "100",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            source,
            prefix,
        ],
        check=True,
    )
    return Image.open(f"{prefix}.png").convert("L")


def _text(pdf: bytes, tmp_path: Path) -> str:
    source = tmp_path / "doc.pdf"
    source.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", source, "-"], check=True, capture_output=True, text=True
    ).stdout


def _dark_share(image: Image.Image) -> float:
    histogram = image.histogram()
    return sum(histogram[:128]) / (image.width * image.height)


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


def test_letter_embeds_the_truetype_cjk_font() -> None:
    pdf = admission_letter_pdf(_letter())
    assert pdf.startswith(b"%PDF")
    assert b"/FontFile2" in pdf
    assert b"WenQuanYiZenHei" in pdf
    assert _pages(pdf) == 1


def test_letter_renders_its_text_and_a_scannable_qr_code(tmp_path: Path) -> None:
    pdf = admission_letter_pdf(_letter())
    image = _png(pdf, tmp_path)
    assert 0.01 < _dark_share(image) < 0.5
    decoded = [result.text for result in zxingcpp.read_barcodes(image)]
    assert decoded == ["https://zk.example.cn/verify/Y5ZF-MPID-FG5S-SEJG"]
    text = _text(pdf, tmp_path)
    for expected in (
        "录取通知书",
        "欧阳晓明",
        "26370000000001",
        "110105********002X",
        "山东职业学院",
        "Y5ZF-MPID-FG5S-SEJG",
        "2026年7月20日",
    ):
        assert expected in text.replace(" ", ""), expected
    assert "11010519491231002X" not in text


def test_bulk_letters_one_page_each_in_order(tmp_path: Path) -> None:
    letters = (_letter(f"考生{i}", f"2637{i:010}") for i in range(30))  # a generator is enough
    pdf = letters_pdf(letters)
    assert _pages(pdf) == 30
    text = _text(pdf, tmp_path)
    assert text.index("考生0") < text.index("考生17") < text.index("考生29")


def test_rare_surname_character_is_detected() -> None:
    assert missing_glyphs("𠮷野家 张三") == {"𠮷"}
    assert missing_glyphs("吉野家") == set()


def test_letter_with_a_character_the_font_lacks_is_refused_not_dropped() -> None:
    with pytest.raises(MissingGlyphError) as caught:
        admission_letter_pdf(_letter("𠮷野家"))
    assert caught.value.problems == ["考生 26370000000001：「𠮷野家」缺字 𠮷（U+20BB7）"]


def test_bulk_letters_report_every_letter_with_missing_characters() -> None:
    letters = [
        _letter("张三", "1"),
        _letter("𠮷田", "2"),
        _letter("李四", "3"),
        _letter("䶮𠮷", "4"),
    ]
    with pytest.raises(MissingGlyphError) as caught:
        letters_pdf(letters)
    problems = caught.value.problems
    assert [p.split("：")[0] for p in problems] == ["考生 2", "考生 4"]
    assert "U+20BB7" in problems[1]


def test_fallback_font_draws_what_the_main_font_lacks(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(
        "ADMISSIONS_PDF_FALLBACK_FONT", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
    )
    font = load_font(LATIN_FONT)
    assert not font.has("张") and font.font_for("张") == font.fallback.name  # type: ignore[union-attr]
    pdf = admission_letter_pdf(_letter(), font=font)
    assert b"LiberationSans" in pdf and b"WenQuanYiZenHei" in pdf
    assert "欧阳晓明" in _text(pdf, tmp_path)
    assert missing_glyphs("𠮷", font) == {"𠮷"}


def test_font_path_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMISSIONS_PDF_FONT", LATIN_FONT)
    font = load_font()
    assert font.embedded and not font.has("张")
    assert missing_glyphs("张A", font) == {"张"}


def test_unloadable_font_falls_back_to_the_cid_font_with_a_warning() -> None:
    font = load_font("/nonexistent/font.ttf")
    assert font.name == "STSong-Light" and not font.embedded
    assert font.warning is not None and "/nonexistent/font.ttf" in font.warning
    pdf = admission_letter_pdf(_letter(), font=font)
    assert b"/FontFile2" not in pdf and b"STSong-Light" in pdf
    assert missing_glyphs("𠮷", font) == {"𠮷"}


def test_mark_missing_makes_the_character_visible() -> None:
    assert mark_missing("𠮷田", load_font()) == "〔U+20BB7〕田"


def _list_rows(count: int) -> list[dict[str, object]]:
    return [
        {
            "candidate_no": f"2637{i:010}",
            "name": f"考生{i}",
            "institution_name": "山东职业学院",
            "total": 600 - i / 2,
            "status": "admitted",
        }
        for i in range(count)
    ]


LIST_COLUMNS = export_columns(
    "admissions", ["candidate_no", "name", "institution_name", "total", "status"]
)


def test_list_pdf_headers_pages_and_totals(tmp_path: Path) -> None:
    pdf = to_pdf_table("录取名单 SD2026CK", _list_rows(150), LIST_COLUMNS, subtitle="本科批 第1轮")
    pages = _pages(pdf)
    assert pages >= 3
    assert b"/FontFile2" in pdf
    text = _text(pdf, tmp_path)
    page_texts = text.split("\f")[:pages]
    for number, page in enumerate(page_texts, start=1):
        assert "录取名单 SD2026CK" in page
        assert f"第{number}页/共{pages}页" in page.replace(" ", "")
        assert "考生号" in page and "院校名称" in page  # the column header repeats
    assert "合计：150 条" in page_texts[-1]
    assert "考生149" in page_texts[-1]


def test_list_pdf_renders_non_blank(tmp_path: Path) -> None:
    pdf = to_pdf_table(
        "录取名单", _list_rows(20), LIST_COLUMNS, totals=["合计：20 人", "已录取：20 人"]
    )
    image = _png(pdf, tmp_path)
    assert image.width > image.height  # landscape
    assert 0.005 < _dark_share(image) < 0.5
    assert "已录取：20 人" in _text(pdf, tmp_path)


def test_list_pdf_refuses_or_marks_missing_characters(tmp_path: Path) -> None:
    rows = _list_rows(3)
    rows[1]["name"] = "𠮷田"
    with pytest.raises(MissingGlyphError) as caught:
        to_pdf_table("录取名单", rows, LIST_COLUMNS)
    assert caught.value.problems == ["第 2 行 name：「𠮷田」缺字 𠮷（U+20BB7）"]
    pdf = to_pdf_table("录取名单", rows, LIST_COLUMNS, mark_missing=True)
    assert "〔U+20BB7〕田" in _text(pdf, tmp_path)


def test_long_cells_wrap_instead_of_overflowing(tmp_path: Path) -> None:
    rows = _list_rows(2)
    rows[0]["institution_name"] = "某某省某某市某某职业技术学院（新校区）继续教育学院" * 3
    text = _text(to_pdf_table("录取名单", rows, LIST_COLUMNS), tmp_path)
    assert "继续教育学院" in text


def test_registration_slip(tmp_path: Path) -> None:
    slip = SlipData(
        "山东省2026年春季高考",
        "张三",
        "26370000000001",
        "11010519491231002X",
        "信息技术类",
        "中职应届",
        "济南信息工程学校",
        dt.datetime(2026, 3, 1, 9, 30),
    )
    pdf = registration_slip_pdf(slip)
    assert b"/FontFile2" in pdf
    text = _text(pdf, tmp_path).replace(" ", "")
    for expected in (
        "报名确认单",
        "张三",
        "110105********002X",
        "信息技术类",
        "2026-03-0117:30（北京时间）",
    ):
        assert expected in text, expected
    assert _dark_share(_png(pdf, tmp_path)) > 0.001


def test_mask_national_id() -> None:
    assert mask_national_id("37010219900101123X") == "370102********123X"
    assert mask_national_id("12345") == "*****"


def test_empty_bulk_is_refused() -> None:
    with pytest.raises(ValueError, match="没有可生成的录取通知书"):
        letters_pdf([])


def test_pdf_bytes_are_a_complete_document() -> None:
    pdf = admission_letter_pdf(_letter())
    assert pdf.rstrip().endswith(b"%%EOF")
    assert io.BytesIO(pdf).getbuffer().nbytes == len(pdf)


def test_only_the_widest_columns_wrap(tmp_path: Path) -> None:
    columns = export_columns("admissions")
    rows = [
        {key.key: f"{key.key}-{i}" for key in columns} | {"national_id": f"370102********{i:03}X"}
        for i in range(3)
    ]
    rows[0]["institution_name"] = "某某省某某市某某职业技术学院（新校区）继续教育学院" * 2
    text = _text(to_pdf_table("录取名单", rows, columns), tmp_path)
    for i in range(3):
        assert f"370102********{i:03}X" in text  # short columns keep their natural width


def test_long_list_has_one_header_per_page_and_full_pages(tmp_path: Path) -> None:
    from admissions.files.pdf_table import ROWS_PER_PAGE

    count = ROWS_PER_PAGE * 25 + 7
    pdf = to_pdf_table("录取名单", _list_rows(count), LIST_COLUMNS)
    pages = _pages(pdf)
    assert pages == -(-count // ROWS_PER_PAGE)  # no half-empty page where one table ends
    page_texts = _text(pdf, tmp_path).split("\f")[:pages]
    assert [page.count("考生号") for page in page_texts] == [1] * pages


def test_empty_list_pdf_still_has_header_and_total(tmp_path: Path) -> None:
    text = _text(to_pdf_table("录取名单", [], LIST_COLUMNS), tmp_path).replace(" ", "")
    assert "考生号" in text and "合计：0条" in text


def test_a_file_that_is_not_a_font_falls_back_with_a_warning(tmp_path: Path) -> None:
    bogus = tmp_path / "font.ttf"
    bogus.write_bytes(b"not a font")
    font = load_font(str(bogus))
    assert not font.embedded and font.warning and str(bogus) in font.warning


def _fonts(pdf: bytes, tmp_path: Path) -> list[tuple[str, str]]:
    source = tmp_path / "fonts.pdf"
    source.write_bytes(pdf)
    out = subprocess.run(["pdffonts", source], check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in out.splitlines()[2:]]
    return [(row[0], row[-5]) for row in rows]  # name, emb


def test_every_font_in_every_pdf_is_embedded(tmp_path: Path) -> None:
    slip = SlipData(
        "考试", "张三", "1", "11010519491231002X", "类", "型", "校", dt.datetime(2026, 3, 1)
    )
    documents = [
        admission_letter_pdf(_letter()),
        registration_slip_pdf(slip),
        to_pdf_table("录取名单", _list_rows(5), LIST_COLUMNS),
    ]
    for pdf in documents:
        fonts = _fonts(pdf, tmp_path)
        assert fonts and all(emb == "yes" for _name, emb in fonts), fonts
        assert all("WenQuanYiZenHei" in name for name, _emb in fonts), fonts


def test_footer_on_every_page_and_header_texts_checked(tmp_path: Path) -> None:
    pdf = to_pdf_table(
        "录取名单", _list_rows(100), LIST_COLUMNS, footer="山东省教育招生考试院 导出"
    )
    pages = _text(pdf, tmp_path).split("\f")[: _pages(pdf)]
    assert all("山东省教育招生考试院导出" in page.replace(" ", "") for page in pages)
    with pytest.raises(MissingGlyphError) as caught:
        to_pdf_table("𠮷田学院录取名单", _list_rows(2), LIST_COLUMNS)
    assert caught.value.problems == ["「𠮷田学院录取名单」缺字 𠮷（U+20BB7）"]


def test_list_with_fallback_font_draws_chinese_everywhere(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(
        "ADMISSIONS_PDF_FALLBACK_FONT", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
    )
    font = load_font(LATIN_FONT)
    pdf = to_pdf_table("录取名单", _list_rows(3), LIST_COLUMNS, subtitle="本科批", font=font)
    text = _text(pdf, tmp_path).replace(" ", "")
    for expected in (
        "录取名单",
        "本科批",
        "第1页/共1页",
        "考生号",
        "考生2",
        "山东职业学院",
        "合计：3条",
    ):
        assert expected in text, expected


def test_long_names_shrink_to_stay_inside_the_letter(tmp_path: Path) -> None:
    from dataclasses import replace

    long_name = "某某省某某市某某职业技术学院（新校区）继续教育学院国际合作办学部"
    pdf = admission_letter_pdf(replace(_letter(), institution_name=long_name))
    text = _text(pdf, tmp_path).replace(" ", "")
    assert f"经审核，你已被{long_name}" in text
    image = _png(pdf, tmp_path)
    right_margin = image.crop((image.width - 30, 0, image.width, image.height))
    assert _dark_share(right_margin) == 0  # nothing drawn past the frame


def test_slip_times_are_printed_in_beijing_time():
    import datetime as dt

    from admissions.files.letters import beijing

    assert (
        beijing(dt.datetime(2026, 11, 29, 18, 30, tzinfo=dt.UTC)) == "2026-11-30 02:30（北京时间）"
    )
    assert beijing(dt.datetime(2026, 11, 29, 6, 0)) == "2026-11-29 14:00（北京时间）"

"""Long PDFs written quickly: every letter page keeps its own text, code and QR; pages share
one resource dictionary; text with PDF special characters comes out as written."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import zxingcpp

from admissions.files.letters import letters_pdf
from admissions.files.writers import to_pdf_table
from tests.files.test_files_pdf import LIST_COLUMNS, _letter, _list_rows, _png, _text

pytestmark = pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils not installed")


def test_every_page_of_a_bulk_pdf_carries_its_own_text_code_and_qr(tmp_path: Path) -> None:
    from dataclasses import replace

    from admissions.files.verification import check_verification_code, verification_code

    people = [("欧阳晓明", "山东职业学院"), ("李四", "青岛职业技术学院"), ("王五", "山东职业学院")]
    letters = []
    for i, (name, school) in enumerate(people):
        number = f"2637{i:010}"
        code = verification_code("secret", "SD2026", number, f"1040{i}-080901")
        letters.append(
            replace(_letter(name, number), institution_name=school, verification_code=code)
        )
    pdf = letters_pdf(letters)
    texts = _text(pdf, tmp_path).split("\f")
    for page, letter in enumerate(letters, start=1):
        text = texts[page - 1].replace(" ", "")
        assert f"{letter.candidate_name}同学：" in text
        assert f"经审核，你已被{letter.institution_name}" in text
        assert f"考生号：{letter.candidate_no}" in text
        assert f"验证码：{letter.verification_code}" in text
        assert f"验证网址：{letter.verify_url}" in text
        number, key = letter.candidate_no, f"1040{page - 1}-080901"
        assert check_verification_code(letter.verification_code, "secret", "SD2026", number, key)
        decoded = [result.text for result in zxingcpp.read_barcodes(_png(pdf, tmp_path, page))]
        assert decoded == [letter.verify_url]


def test_pages_share_one_resource_dictionary_and_keep_their_size() -> None:
    pdf = letters_pdf([_letter(f"考生{i}", f"2637{i:010}") for i in range(3)])
    resources = re.findall(rb"/Resources (\d+) 0 R", pdf)
    assert len(resources) == 3 and len(set(resources)) == 1
    assert pdf.count(b"/MediaBox [ 0 0 595.2756 841.8898 ]") == 3
    number = resources[0].decode()
    shared = re.search(rf"\n{number} 0 obj\n(.*?)endobj".encode(), pdf, re.S)
    assert shared and b"/Font" in shared.group(1) and b"/FormXob.letterFrame" in shared.group(1)


def test_list_text_with_pdf_special_characters_comes_out_as_written(tmp_path: Path) -> None:
    rows = _list_rows(2)
    rows[0]["name"] = "a(b)\\c"  # plain ASCII: written without subset encoding, escaped
    rows[1]["name"] = "张(三)\\丰"  # mixed: ASCII pieces and encoded Chinese pieces
    text = _text(to_pdf_table("录取名单", rows, LIST_COLUMNS), tmp_path)
    assert "a(b)\\c" in text and "张(三)\\丰" in text

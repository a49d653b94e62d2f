"""The list PDF drawn on the canvas: codes stay whole, long text wraps and is cut, pages are full."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from admissions.files.columns import export_columns
from admissions.files.pdf_table import MAX_LINES, ROWS_PER_PAGE, to_pdf_table

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
ALL = export_columns("admissions")
LONG_SCHOOL = "某某省某某市某某职业技术学院（新校区）继续教育学院国际合作办学部"


def _row(i: int, **changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "exam": "SD2026CK", "batch": "BK", "round": 1, "category": "IT",
        "candidate_no": f"2637{i:010}", "name": "欧阳晓明", "national_id": f"370102********{i % 1000:03}X",
        "institution_code": "10422", "institution_name": "山东职业学院", "program_code": "510201",
        "program_name": "计算机应用技术", "total": f"{600 - i / 2:.2f}", "rank": i + 1,
        "choice": 1, "status": "admitted", "reason": "",
    }  # fmt: skip
    return row | changes


def _text(pdf: bytes, tmp_path: Path) -> str:
    source = tmp_path / "list.pdf"
    source.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", source, "-"], check=True, capture_output=True, text=True
    ).stdout


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


def test_ids_and_numbers_stay_on_one_line_when_text_columns_are_long(tmp_path: Path) -> None:
    rows = [_row(i, institution_name=LONG_SCHOOL, reason="体检不符合要求" * 6) for i in range(3)]
    text = _text(to_pdf_table("录取名单", rows, ALL), tmp_path)
    for i in range(3):
        assert f"370102********{i:03}X" in text
        assert f"2637{i:010}" in text


def _words(pdf: bytes, tmp_path: Path) -> list[tuple[str, float, float, float]]:
    """(word, x min, x max, y min) of every word, from poppler's bounding boxes."""
    source = tmp_path / "words.pdf"
    source.write_bytes(pdf)
    html = subprocess.run(
        ["pdftotext", "-bbox", source, "-"], check=True, capture_output=True, text=True
    ).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>'
    return [(w, float(x0), float(x1), float(y0)) for x0, y0, x1, w in re.findall(pattern, html)]


def test_a_wide_value_late_in_a_long_list_gets_a_wide_enough_column(tmp_path: Path) -> None:
    rows = [_row(i) for i in range(2500)]
    rows[-1]["rank"] = 1234567890  # wider than every rank before it, right-aligned
    columns = export_columns("admissions", ["candidate_no", "rank", "name"])
    pdf = to_pdf_table("录取名单", rows, columns)
    words = _words(pdf, tmp_path)
    rank = next(word for word in words if word[0] == "1234567890")
    number = next(word for word in words if word[0] == "26370000002499")
    assert rank[3] == pytest.approx(number[3], abs=1)  # same line: not wrapped
    assert rank[1] > number[2]  # and not spilling over the candidate number


def test_wrapping_keeps_closing_marks_off_the_start_of_a_line() -> None:
    import io

    from reportlab.pdfgen.canvas import Canvas

    from admissions.files.pdf import load_font
    from admissions.files.pdf_table import _Wrapper
    from admissions.files.pdf_text import TextOps

    font = load_font()
    ops = TextOps(Canvas(io.BytesIO()), font, 10)
    wrapper = _Wrapper(ops, [100.0], [False], font)
    room = ops.width("一二三四") + 0.1
    assert wrapper.wrap("一二三四五六", room) == ("一二三四", "五六")
    assert wrapper.wrap("一二三四）五六", room) == ("一二三", "四）五六")
    assert wrapper.wrap("ab cd efghij", ops.width("ab cd ef")) == ("ab cd", "efghij")


def test_long_text_wraps_to_at_most_four_lines_and_ends_with_an_ellipsis(tmp_path: Path) -> None:
    reason = "".join(f"第{n}条说明。" for n in range(60))
    rows = [_row(0, status="rejected", reason=reason, institution_name=LONG_SCHOOL), _row(1)]
    text = _text(to_pdf_table("录取名单", rows, ALL), tmp_path)
    lines = [line for line in text.splitlines() if "第" in line and "条说明" in line]
    assert 2 <= len(lines) <= MAX_LINES
    assert "…" in lines[-1]
    assert "第59条说明" not in text  # cut, not overflowing into the page margin
    assert "26370000000001" in text  # the next row follows


def test_line_breaks_inside_a_cell_print_as_spaces(tmp_path: Path) -> None:
    rows = [_row(0, status="rejected", reason="体检不符合要求\r\n色弱\t复查")]
    text = _text(to_pdf_table("录取名单", rows, ALL), tmp_path)
    assert re.search(r"体检不符合要求\s+色弱\s+复查", text)


def test_one_line_rows_fill_every_page_but_the_last(tmp_path: Path) -> None:
    columns = export_columns("admissions", ["candidate_no", "name", "total"])
    count = ROWS_PER_PAGE * 3 + 1
    pdf = to_pdf_table("录取名单", [_row(i) for i in range(count)], columns)
    pages = _text(pdf, tmp_path).split("\f")[: _pages(pdf)]
    assert len(pages) == 4
    per_page = [len(re.findall(r"2637\d{10}", page)) for page in pages]
    assert per_page == [ROWS_PER_PAGE] * 3 + [1]


def test_totals_that_do_not_fit_go_to_a_page_of_their_own(tmp_path: Path) -> None:
    columns = export_columns("admissions", ["candidate_no", "name"])
    rows = [_row(i) for i in range(ROWS_PER_PAGE)]
    totals = [f"第{n}行合计" for n in range(3)]
    pdf = to_pdf_table("录取名单", rows, columns, totals=totals)
    pages = _text(pdf, tmp_path).split("\f")[: _pages(pdf)]
    assert len(pages) == 2
    assert "第2页/共2页" in pages[1].replace(" ", "")
    assert all(total in pages[1] for total in totals)
    assert "考生号" not in pages[1]  # no empty table on the totals page


def test_every_row_of_a_long_list_is_printed_once_in_order_with_its_cells(tmp_path: Path) -> None:
    names = ["欧阳晓明", "李四", "王五", "赵六", "张三丰"]
    rows = [_row(i, name=names[i % 5], rank=i + 1) for i in range(ROWS_PER_PAGE * 3 + 5)]
    rows[ROWS_PER_PAGE + 2] |= {"status": "rejected", "reason": "体检不符合要求。" * 8}
    pdf = to_pdf_table("录取名单", rows, ALL)
    pages = _text(pdf, tmp_path).split("\f")[: _pages(pdf)]
    assert len(pages) == 4
    printed = []
    for page in pages:
        assert page.count("考生号") == 1  # the column header on every page
        for line in page.splitlines():
            found = re.search(r"(2637\d{10})\s+(\S+)\s+370102\*{8}\d{3}X", line)
            if found:
                printed.append(found.groups())
                rank = int(found.group(1)[4:]) + 1
                assert re.search(rf"\s{rank}\s+1\s+(admitted|rejected)", line), line
    assert printed == [(row["candidate_no"], row["name"]) for row in rows]

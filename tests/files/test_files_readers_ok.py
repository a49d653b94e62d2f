"""Good files read into the same rows whatever the encoding, format, header language or order."""

from __future__ import annotations

import pytest
from files_helpers import CANDIDATE_HEADER, COMPONENTS, csv_bytes, xlsx_bytes
from hypothesis import assume, given
from hypothesis import strategies as st

from admissions.files.errors import FileError, errors_as_csv, errors_as_text
from admissions.files.parsers import code
from admissions.files.readers import read_table

ROWS = [
    ["0012", "11010519491231002X", "张三", "IT"],
    ["0013", "440524188001010014", "𠮷野家", "财经"],  # a GB18030 4-byte character
]
EXPECTED = [
    {"candidate_no": "0012", "national_id": "11010519491231002X", "name": "张三", "category": "IT"},
    {
        "candidate_no": "0013",
        "national_id": "440524188001010014",
        "name": "𠮷野家",
        "category": "财经",
    },
]


def _plain(rows: list[dict[str, str | None]]) -> list[dict[str, str]]:
    return [{key: value for key, value in row.items() if value is not None} for row in rows]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings_read_the_same_rows(encoding: str) -> None:
    result = read_table(csv_bytes([CANDIDATE_HEADER, *ROWS], encoding), "c.csv", "candidates")
    assert result.ok, result.errors
    assert _plain(result.rows) == EXPECTED
    assert result.lines == [2, 3]


def test_gbk_file_from_excel_reads_chinese_exactly() -> None:
    rows = [["0012", "11010519491231002X", "欧阳娜娜", "信息技术"]]
    data = csv_bytes([CANDIDATE_HEADER, *rows], "gbk")
    result = read_table(data, "c.csv", "candidates")
    assert result.ok
    assert result.rows[0]["name"] == "欧阳娜娜"
    assert result.rows[0]["category"] == "信息技术"


def test_header_in_english_any_case_any_order_with_spaces() -> None:
    header = [" Name ", "CATEGORY", "national_id", "candidate_No "]
    data = csv_bytes([header, ["张三", "IT", "11010519491231002x", "0012"]])
    result = read_table(data, "c.csv", "candidates")
    assert result.ok
    assert _plain(result.rows) == [EXPECTED[0]]  # the id's x upper-cased


def test_xlsx_keeps_text_ids_and_whole_numbers_without_decimal_point() -> None:
    header = ["考生号", "语文", "数学", "技能测试", "证书等级"]
    data = xlsx_bytes([header, ["0012", 98.5, 112, 200.0, "a"], ["0013", 0, None, 230, None]])
    result = read_table(data, "s.xlsx", "scores", components=COMPONENTS)
    assert result.ok, result.errors
    assert result.rows == [
        {"candidate_no": "0012", "chinese": "98.5", "math": "112", "skill": "200", "cert": "A"},
        {"candidate_no": "0013", "chinese": "0", "math": None, "skill": "230", "cert": None},
    ]


def test_xlsx_id_stored_as_text_keeps_x_and_leading_zeros() -> None:
    rows = [CANDIDATE_HEADER, ["0012", "11010519491231002X", "张三", "IT"]]
    result = read_table(xlsx_bytes(rows, text_columns=(0, 1)), "c.xlsx", "candidates")
    assert result.ok
    assert _plain(result.rows) == [EXPECTED[0]]


def test_xlsx_candidate_number_typed_as_a_number_is_read_whole() -> None:
    rows = [CANDIDATE_HEADER, [26370000000001, "11010519491231002X", "张三", "IT"]]
    result = read_table(xlsx_bytes(rows), "c.xlsx", "candidates")
    assert result.rows[0]["candidate_no"] == "26370000000001"


def test_xlsx_detected_by_content_whatever_the_name() -> None:
    data = xlsx_bytes([CANDIDATE_HEADER, ROWS[0]])
    assert read_table(data, "upload.bin", "candidates").ok


def test_scores_columns_by_code_or_name_blank_is_absent() -> None:
    data = csv_bytes([["candidate_no", "语文", "skill", "cert"], ["001", "", "137.5", "b"]])
    result = read_table(data, "s.csv", "scores", components=COMPONENTS)
    assert result.ok
    assert result.rows == [
        {"candidate_no": "001", "chinese": None, "math": None, "skill": "137.5", "cert": "B"}
    ]


def test_numbers_are_normalised() -> None:
    data = csv_bytes([["考生号", "语文"], ["001", "085.50"], ["002", "90.0"]])
    result = read_table(data, "s.csv", "scores", components=COMPONENTS)
    assert [row["chinese"] for row in result.rows] == ["85.5", "90"]


@pytest.mark.parametrize("kind", ["credits", "preferences", "decisions"])
def test_header_only_is_nothing_to_do_for_some_kinds(kind: str) -> None:
    headers = {
        "credits": ["考生号", "科目", "分值"],
        "preferences": ["考生号", "批次", "轮次", "志愿序号", "院校代码"],
        "decisions": ["考生号", "批次", "轮次", "结论"],
    }
    result = read_table(csv_bytes([headers[kind]]), "x.csv", kind)
    assert result.ok and result.rows == []


def test_grouped_preferences_parse_majors_and_adjust() -> None:
    header = ["考生号", "批次", "轮次", "志愿序号", "院校代码", "专业组", "专业", "服从调剂"]
    data = csv_bytes([header, ["001", "ZK", "1", "1", "10422", "01", "080901； 080902", "是"]])
    result = read_table(data, "p.csv", "preferences")
    assert result.ok
    assert result.rows[0]["majors"] == "080901;080902"
    assert result.rows[0]["adjust"] == "Y"
    assert result.rows[0]["program_code"] is None


def test_decisions_accept_chinese_words() -> None:
    header = ["考生号", "批次", "轮次", "结论", "原因"]
    data = csv_bytes(
        [header, ["001", "BK", "1", "录取", ""], ["002", "BK", "1", "退档", "体检不合格"]]
    )
    result = read_table(data, "d.csv", "decisions")
    assert [row["decision"] for row in result.rows] == ["admit", "reject"]


def test_blank_rows_are_skipped_but_lines_stay_true() -> None:
    data = csv_bytes([CANDIDATE_HEADER, ROWS[0], ["", "", "", ""], ROWS[1], ["", ""]])
    result = read_table(data, "c.csv", "candidates")
    assert result.ok
    assert result.lines == [2, 4]


def test_quoted_cells_with_commas_and_newlines() -> None:
    data = csv_bytes(
        [["考生号", "身份证号", "姓名", "专业类别", "毕业学校"], [*ROWS[0], "济南一中,\n分校"]]
    )
    result = read_table(data, "c.csv", "candidates")
    assert result.rows[0]["school"] == "济南一中,\n分校"


def test_error_list_as_text_and_csv() -> None:
    errors = [
        FileError("a.csv", 3, "语文", "「121」超过满分 120"),
        FileError("a.csv", None, None, "文件为空"),
    ]
    assert errors_as_text(errors) == "a.csv:3: 语文: 「121」超过满分 120\na.csv: 文件为空\n"
    data = errors_as_csv(errors)
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines == ["文件,行,列,问题", "a.csv,3,语文,「121」超过满分 120", "a.csv,,,文件为空"]


def test_error_csv_neutralises_user_text() -> None:
    data = errors_as_csv([FileError("a.csv", 1, "=HYPERLINK(1)", "未知的列")])
    assert "'=HYPERLINK(1)" in data.decode("utf-8-sig")


_cell = (
    st.text(
        alphabet=st.characters(
            codec="gb18030", exclude_categories=("Cc", "Cs", "Co", "Cn", "Zs", "Zl", "Zp")
        ),
        min_size=1,
        max_size=12,
    )
    .map(str.strip)
    .filter(bool)
)


@given(
    st.lists(st.tuples(_cell, _cell), min_size=1, max_size=8),
    st.sampled_from(["utf-8-sig", "gb18030"]),
)
def test_any_text_round_trips_through_csv(cells: list[tuple[str, str]], encoding: str) -> None:
    """Names come back as typed; codes (the category) as their NFKC form (full width → ASCII)."""
    assume(all(code(category) for _name, category in cells))
    rows = [[f"{i:04}", f"{i:017}X", name, category] for i, (name, category) in enumerate(cells)]
    result = read_table(csv_bytes([CANDIDATE_HEADER, *rows], encoding), "c.csv", "candidates")
    assert result.ok, result.errors
    expected = [(name, code(category)) for name, category in cells]
    assert [(row["name"], row["category"]) for row in result.rows] == expected

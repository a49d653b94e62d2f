"""Malformed files are refused line by line, in Chinese: short rows, open quotes, NUL bytes, huge
cells, numbers too large for their column, and a million bad lines listed as the first thousand."""

from __future__ import annotations

import csv

import pytest
from files_helpers import CANDIDATE_HEADER, COMPONENTS, csv_bytes, xlsx_bytes

from admissions.files.columns import candidates_spec, plans_spec
from admissions.files.errors import (
    MAX_LISTED_ERRORS,
    ErrorList,
    ErrorsNotListed,
    FileError,
    capped,
    error_count,
    errors_as_csv,
    errors_as_text,
)
from admissions.files.readers import read_table

ID = "11010519491231002X"
PLAN_HEADER = ["批次", "院校代码", "院校名称", "专业代码", "专业名称", "专业类别", "计划数"]
PLAN = ["BK", "10422", "山东职业学院", "080901", "计算机", "IT", "30"]


def _messages(data: bytes, kind: object = "candidates", name: str = "c.csv") -> list[str]:
    return [str(e) for e in read_table(data, name, kind, components=COMPONENTS).errors]  # type: ignore[arg-type]


def test_a_row_with_fewer_cells_than_the_header_is_refused() -> None:
    data = b"\r\n".join(
        [
            ",".join(CANDIDATE_HEADER).encode(),
            f"001,{ID},张三,IT".encode(),
            b"002,440524188001010014",
            b"",
        ]
    )
    assert _messages(data) == [
        "c.csv:3: 姓名: 该行只有 2 个单元格，表头有 4 列：缺少 「姓名」、「专业类别」"
        "（可能少了逗号，或双引号没有配对）"
    ]


def test_trailing_blank_header_cells_need_no_cells() -> None:
    data = csv_bytes([[*CANDIDATE_HEADER, "", ""], ["001", ID, "张三", "IT"]])
    assert read_table(data, "c.csv", "candidates").ok


def test_an_open_quote_in_the_last_column_is_refused_on_its_line() -> None:
    data = f'考生号,身份证号,姓名,专业类别\r\n001,{ID},张三,"IT\r\n002,{ID},李四,IT\r\n'.encode()
    assert _messages(data) == [
        "c.csv:2: 该行的双引号没有配对：从这一行起到文件末尾（文件第 3 行）都被读成了一个单元格；"
        "请补上或删去这个双引号"
    ]


def test_an_open_quote_in_the_middle_swallows_cells_and_is_refused() -> None:
    data = f'考生号,身份证号,姓名,专业类别\r\n001,"{ID},张三,IT\r\n002,{ID},李四,IT\r\n'.encode()
    [message] = _messages(data)
    assert message.startswith("c.csv:2: 该行的双引号没有配对")


def test_text_after_a_closing_quote_is_refused_and_later_lines_still_read() -> None:
    data = f'考生号,身份证号,姓名,专业类别\r\n001,{ID},"张"三,IT\r\n002,{ID[:-1]}1,李四,IT\r\n'.encode()
    assert _messages(data) == [
        "c.csv:2: 双引号用法不对（文件第 2 行）：引号括起的单元格后应紧跟逗号；单元格中的双引号要写成"
        '两个（""），或检查是否漏了引号',
    ]


def test_a_quoted_cell_over_several_lines_is_still_fine() -> None:
    data = csv_bytes([[*CANDIDATE_HEADER, "毕业学校"], ["001", ID, "张三", "IT", "一中,\n分校"]])
    assert read_table(data, "c.csv", "candidates").rows[0]["school"] == "一中,\n分校"


def test_a_nul_byte_is_reported_on_its_line_and_column() -> None:
    data = csv_bytes([CANDIDATE_HEADER, ["001", ID, "张三", "IT"], ["002", ID, "李\x00四", "IT"]])
    assert _messages(data) == [
        "c.csv:3: 姓名: 含有空字符（NUL），请删除后重新保存",
        "c.csv:3: 身份证号: 身份证号 11010519491231002X 重复（首次出现在第 2 行）",
    ]


def test_other_control_characters_are_named() -> None:
    data = csv_bytes([CANDIDATE_HEADER, ["001", ID, "张\x1b三", "IT"]])
    assert _messages(data) == ["c.csv:2: 姓名: 含有不可见的控制字符（U+001B），请删除后重新保存"]


def test_utf16_is_still_an_encoding_error() -> None:
    data = "考生号,身份证号,姓名,专业类别\r\n001,1,张三,IT\r\n".encode("utf-16-le")
    assert _messages(data) == ["c.csv: 文件编码无法识别（请保存为 UTF-8 或 GBK）"]


def test_a_200000_character_cell_is_reported_on_its_line() -> None:
    data = csv_bytes(
        [
            CANDIDATE_HEADER,
            ["001", ID, "张" * 200_000, "IT"],
            ["002", "1101051949123100", "李四", "IT"],
        ]
    )
    limit = csv.field_size_limit()
    assert _messages(data) == [
        f"c.csv:2: 该行有超过 {limit} 个字符的单元格（常因双引号没有配对），请检查该行",
    ]


def test_a_cell_over_its_column_length_is_refused_before_parsing() -> None:
    spec = candidates_spec().with_lengths({"name": 5})
    data = csv_bytes([CANDIDATE_HEADER, ["001", ID, "张三李四王五", "IT"]])
    assert [str(e) for e in read_table(data, "c.csv", spec).errors] == [
        "c.csv:2: 姓名: 内容过长：6 个字符，最多 5 个"
    ]


def test_an_xlsx_cell_over_the_default_length_is_refused() -> None:
    data = xlsx_bytes([CANDIDATE_HEADER, ["001", ID, "张" * 3000, "IT"]])
    assert _messages(data, name="c.xlsx") == ["c.xlsx:2: 姓名: 内容过长：3000 个字符，最多 2000 个"]


@pytest.mark.parametrize(
    ("seats", "message"),
    [
        ("1e30", "「1e30」超出可以保存的范围（最大 2147483647）"),
        (
            "1234567890123456789012",
            "「1234567890123456789012」超出可以保存的范围（最大 2147483647）",
        ),
        ("2147483648", "「2147483648」超出可以保存的范围（最大 2147483647）"),
        ("9" * 60, f"「{'9' * 30}…」不是有效的数字（位数过多）"),
    ],
)
def test_counts_too_large_for_their_column(seats: str, message: str) -> None:
    data = csv_bytes([PLAN_HEADER, [*PLAN[:6], seats]])
    assert _messages(data, plans_spec()) == [f"c.csv:2: 计划数: {message}"]


def test_largest_count_is_accepted() -> None:
    data = csv_bytes([PLAN_HEADER, [*PLAN[:6], "2147483647"]])
    assert read_table(data, "p.csv", plans_spec()).rows[0]["seats"] == "2147483647"


@pytest.mark.parametrize(
    ("bonus", "message"),
    [
        ("1e30", "「1e30」超出可以保存的范围（最大 99999999.99）"),
        ("100000000", "「100000000」超出可以保存的范围（最大 99999999.99）"),
        ("99999999.999", "「99999999.999」超出可以保存的范围（最大 99999999.99）"),
    ],
)
def test_decimals_too_large_for_their_column(bonus: str, message: str) -> None:
    data = csv_bytes([[*CANDIDATE_HEADER, "加分"], ["001", ID, "张三", "IT", bonus]])
    assert _messages(data) == [f"c.csv:2: 加分: {message}"]


def test_full_width_id_codes_and_numbers_are_read_as_ascii() -> None:
    header = [*CANDIDATE_HEADER, "加分"]
    data = csv_bytes(
        [header, ["００１", "１１０１０５１９４９１２３１００２ｘ", "张三", "ＩＴ", "５．５"]]
    )
    [row] = read_table(data, "c.csv", "candidates").rows
    assert (row["candidate_no"], row["national_id"], row["category"], row["bonus"]) == (
        "001", ID, "IT", "5.5",
    )  # fmt: skip
    assert row["name"] == "张三"


def test_full_width_header_names_match() -> None:
    data = csv_bytes(
        [["ｃａｎｄｉｄａｔｅ＿ｎｏ", "身份证号", "姓名", "专业类别"], ["001", ID, "张三", "IT"]]
    )
    assert read_table(data, "c.csv", "candidates").ok


def test_bad_lines_beyond_the_cap_are_counted_not_listed() -> None:
    lines = ["考生号,身份证号,姓名,专业类别"] + [f"{i:07},{ID[:-1]}1,张三,IT" for i in range(3000)]
    data = ("\r\n".join(lines) + "\r\n").encode()
    result = read_table(data, "c.csv", "candidates", validators={"national_id": lambda v: "坏"})
    errors = result.errors
    assert len(errors) == MAX_LISTED_ERRORS + 1
    assert [e.line for e in errors[:3]] == [2, 3, 4]
    assert errors[MAX_LISTED_ERRORS - 1].line == MAX_LISTED_ERRORS + 1
    assert isinstance(errors[-1], ErrorsNotListed) and error_count(errors) == 3000
    assert str(errors[-1]) == (
        f"c.csv: 另有 {3000 - MAX_LISTED_ERRORS} 处错误未列出（只列出按行号排在前面的 "
        f"{MAX_LISTED_ERRORS} 处）；请先改正以上错误，再次导入时会列出其余错误"
    )
    assert errors_as_text(errors).splitlines()[-1] == str(errors[-1])
    assert (
        errors_as_csv(errors)
        .decode("utf-8-sig")
        .splitlines()[-1]
        .endswith("再次导入时会列出其余错误")
    )


def test_error_list_keeps_the_first_by_line_whatever_the_order_found() -> None:
    errors = ErrorList(limit=3)
    for line in (9, 2, 7, 5, 2, 8):
        errors.add(FileError("f.csv", line, "a", f"m{line}"))
    listed = errors.listed()
    assert [e.line for e in listed[:3]] == [2, 2, 5] and len(errors) == 6
    assert isinstance(listed[3], ErrorsNotListed) and listed[3].count == 3


def test_capped_lists_merge_their_counts() -> None:
    first = ErrorList(limit=2)
    for line in (2, 3, 4):
        first.add(FileError("f.csv", line, "a", "x"))
    merged = capped(first.listed(), [FileError("f.csv", 1, "b", "y")])
    assert error_count(merged) == 4 and [e.line for e in merged[:3]] == [1, 2, 3]


def test_error_csv_neutralises_the_file_name_and_every_cell() -> None:
    name = "=cmd|' /C calc'!A0.csv"
    data = errors_as_csv(
        [FileError(name, 2, "@列", "+1 不是数字"), FileError(name, None, None, "-x")]
    )
    text = data.decode("utf-8-sig")
    assert text.splitlines() == [
        "文件,行,列,问题",
        "'=cmd|' /C calc'!A0.csv,2,'@列,'+1 不是数字",
        "'=cmd|' /C calc'!A0.csv,,,'-x",
    ]

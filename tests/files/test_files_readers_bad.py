"""Every bad import file gets a precise, located, Chinese message — and no rows."""

from __future__ import annotations

import pytest
from files_helpers import CANDIDATE_HEADER, COMPONENTS, csv_bytes, xlsx_bytes

from admissions.files.readers import read_table

ID = "11010519491231002X"
ID2 = "440524188001010014"
CANDIDATE = ["001", ID, "张三", "IT"]
PLAN_HEADER = ["批次", "院校代码", "院校名称", "专业代码", "专业名称", "专业类别", "计划数"]
PLAN = ["BK", "10422", "山东职业学院", "080901", "计算机", "IT", "30"]
PREF_HEADER = ["考生号", "批次", "轮次", "志愿序号", "院校代码", "专业代码"]
DECISION_HEADER = ["考生号", "批次", "轮次", "结论", "原因"]
SCORE_HEADER = ["考生号", "语文", "math", "技能测试", "证书等级"]


def _errors(data: bytes, kind: str, filename: str = "c.csv", **options: object) -> list[str]:
    result = read_table(data, filename, kind, components=COMPONENTS, **options)  # type: ignore[arg-type]
    assert not result.ok
    return [str(error) for error in result.errors]


def candidates(*rows: list[str], header: list[str] = CANDIDATE_HEADER) -> bytes:
    return csv_bytes([header, *rows])


def scores(*rows: list[str]) -> bytes:
    return csv_bytes([SCORE_HEADER, *rows])


ENCODING = "c.csv: 文件编码无法识别（请保存为 UTF-8 或 GBK）"

CASES = {
    "utf16": ("考生号,姓名\n".encode("utf-16"), "candidates", [ENCODING]),
    "binary bytes": (b"candidate_no\n\x80\xff\x80\n", "candidates", [ENCODING]),
    "empty": (b"", "candidates", ["c.csv: 文件为空"]),
    "bom and blank lines only": (b"\xef\xbb\xbf\r\n\r\n", "scores", ["c.csv: 文件为空"]),
    "commas only": (b",,,\r\n,,,\r\n", "scores", ["c.csv: 文件为空"]),
    "header only candidates": (
        candidates(),
        "candidates",
        ["c.csv:1: 文件只有表头，没有数据行（导入此类数据时不能为空）"],
    ),
    "header only plans": (
        csv_bytes([PLAN_HEADER]),
        "plans",
        ["c.csv:1: 文件只有表头，没有数据行（导入此类数据时不能为空）"],
    ),
    "header only scores": (
        scores(),
        "scores",
        ["c.csv:1: 文件只有表头，没有数据行（导入此类数据时不能为空）"],
    ),
    "missing required column": (
        candidates(["001", "张三", "IT"], header=["考生号", "姓名", "专业类别"]),
        "candidates",
        ["c.csv:1: national_id: 缺少必填列 national_id（身份证号）"],
    ),
    "duplicated column by alias": (
        candidates([*CANDIDATE, "002"], header=[*CANDIDATE_HEADER, "Candidate_No"]),
        "candidates",
        ["c.csv:1: Candidate_No: 列重复：与「考生号」是同一列 candidate_no"],
    ),
    "duplicated column same name": (
        candidates([*CANDIDATE, "李四"], header=[*CANDIDATE_HEADER, "姓名"]),
        "candidates",
        ["c.csv:1: 姓名: 列重复：与「姓名」是同一列 name"],
    ),
    "data under a blank header": (
        candidates([*CANDIDATE, "x"], header=[*CANDIDATE_HEADER, ""]),
        "candidates",
        ["c.csv:2: 第 5 列: 该列没有表头，却有数据"],
    ),
    "duplicate candidate_no": (
        candidates(CANDIDATE, ["001", ID2, "李四", "IT"]),
        "candidates",
        ["c.csv:3: 考生号: 考生号 001 重复（首次出现在第 2 行）"],
    ),
    "duplicate national_id, x and X": (
        candidates(CANDIDATE, ["002", ID.lower(), "李四", "IT"]),
        "candidates",
        [f"c.csv:3: 身份证号: 身份证号 {ID} 重复（首次出现在第 2 行）"],
    ),
    "required cell blank": (
        candidates(["001", ID, "", "IT"]),
        "candidates",
        ["c.csv:2: 姓名: 必填，不能为空"],
    ),
    "bonus not a number": (
        candidates([*CANDIDATE, "五"], header=[*CANDIDATE_HEADER, "加分"]),
        "candidates",
        ["c.csv:2: 加分: 「五」不是数字"],
    ),
    "score above max": (
        scores(["001", "121", "", "", ""]),
        "scores",
        ["c.csv:2: 语文: 「121」超过满分 120"],
    ),
    "score negative": (
        scores(["001", "", "-1", "", ""]),
        "scores",
        ["c.csv:2: math: 「-1」为负数"],
    ),
    "score not numeric": (
        scores(["001", "", "", "缺考", ""]),
        "scores",
        ["c.csv:2: 技能测试: 「缺考」不是数字"],
    ),
    "score NaN": (scores(["001", "NaN", "", "", ""]), "scores", ["c.csv:2: 语文: 「NaN」不是数字"]),
    "score too many decimals": (
        scores(["001", "85.25", "", "", ""]),
        "scores",
        ["c.csv:2: 语文: 「85.25」小数位过多（最多 1 位）"],
    ),
    "grade not in the table": (
        scores(["001", "", "", "", "F"]),
        "scores",
        ["c.csv:2: 证书等级: 等级「F」不在等级表中（A/B）"],
    ),
    "duplicate candidate in scores": (
        scores(["001", "90", "", "", ""], ["001", "91", "", "", ""]),
        "scores",
        ["c.csv:3: 考生号: 考生号 001 重复（首次出现在第 2 行）"],
    ),
    "unknown score column": (
        csv_bytes([["考生号", "物理"], ["001", "90"]]),
        "scores",
        [
            "c.csv:1: 物理: 未知的列（可用的列：candidate_no（考生号）、chinese（语文）、math（数学）、skill（技能测试）、cert（证书等级））"
        ],
    ),
    "seats not whole": (
        csv_bytes([PLAN_HEADER, [*PLAN[:6], "1.5"]]),
        "plans",
        ["c.csv:2: 计划数: 「1.5」不是整数"],
    ),
    "seats negative": (
        csv_bytes([PLAN_HEADER, [*PLAN[:6], "-2"]]),
        "plans",
        ["c.csv:2: 计划数: 「-2」小于 0"],
    ),
    "requirements with an empty item": (
        csv_bytes([[*PLAN_HEADER, "报考要求"], [*PLAN, "english >= 60;;math >= 50"]]),
        "plans",
        ["c.csv:2: 报考要求: 「english >= 60;;math >= 50」含空项（用 ; 分隔，不要多写分号）"],
    ),
    "duplicate plan line": (
        csv_bytes([PLAN_HEADER, PLAN, PLAN]),
        "plans",
        ["c.csv:3: 专业代码: 批次+院校代码+专业代码 BK、10422、080901 重复（首次出现在第 2 行）"],
    ),
    "choice zero": (
        csv_bytes([PREF_HEADER, ["001", "BK", "1", "0", "10422", "080901"]]),
        "preferences",
        ["c.csv:2: 志愿序号: 「0」小于 1"],
    ),
    "duplicate choice": (
        csv_bytes(
            [
                PREF_HEADER,
                ["001", "BK", "1", "1", "10422", "080901"],
                ["001", "BK", "1", "1", "10423", "1"],
            ]
        ),
        "preferences",
        ["c.csv:3: 志愿序号: 考生号+批次+轮次+志愿序号 001、BK、1、1 重复（首次出现在第 2 行）"],
    ),
    "preference naming no line": (
        csv_bytes([PREF_HEADER, ["001", "BK", "1", "1", "10422", ""]]),
        "preferences",
        ["c.csv:2: 专业代码: 需填写专业代码（平行志愿）或专业组（院校专业组志愿）"],
    ),
    "adjust not yes/no": (
        csv_bytes([[*PREF_HEADER, "服从调剂"], ["001", "BK", "1", "1", "10422", "080901", "可以"]]),
        "preferences",
        ["c.csv:2: 服从调剂: 「可以」应为 Y/N 或 是/否"],
    ),
    "decision unknown": (
        csv_bytes([DECISION_HEADER, ["001", "BK", "1", "pass", ""]]),
        "decisions",
        ["c.csv:2: 结论: 「pass」应为 admit/reject 或 录取/退档"],
    ),
    "reject without reason": (
        csv_bytes([DECISION_HEADER, ["001", "BK", "1", "退档", ""]]),
        "decisions",
        ["c.csv:2: 原因: 退档必须填写原因"],
    ),
    "old xls": (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64,
        "candidates",
        ["c.xls: 不支持旧版 .xls 文件，请另存为 .xlsx 或 CSV"],
    ),
    "broken xlsx": (
        b"PK\x03\x04 not really a zip",
        "candidates",
        ["c.xlsx: 不是有效的 XLSX 文件（请用 Excel 另存为 .xlsx 或 CSV）"],
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_file_is_refused_with_exact_message(case: str) -> None:
    data, kind, expected = CASES[case]
    filename = "c.xls" if case == "old xls" else "c.xlsx" if case == "broken xlsx" else "c.csv"
    assert _errors(data, kind, filename) == expected


def test_unknown_column_lists_the_columns_that_exist() -> None:
    data = candidates([*CANDIDATE, "x"], header=[*CANDIDATE_HEADER, "备注"])
    assert _errors(data, "candidates") == [
        "c.csv:1: 备注: 未知的列（可用的列：candidate_no（考生号）、national_id（身份证号）、"
        "name（姓名）、category（专业类别）、type（考生类型）、school（毕业学校）、bonus（加分）、"
        "bonus_reason（加分原因）、work_employer（工作单位）、work_years（工作年限））"
    ]


def test_file_over_the_size_cap_is_refused_before_parsing() -> None:
    data = b"\xff" * (50 * 2**20)  # not even valid text: the size is checked first
    assert _errors(data, "candidates") == ["c.csv: 文件大小 50 MB，超过上限 20 MB"]


def test_size_cap_is_configurable_and_stated() -> None:
    data = candidates(*[[f"{i:03}", ID, "张三", "IT"] for i in range(100)])
    assert _errors(data, "candidates", max_bytes=1024) == [
        f"c.csv: 文件大小 {len(data) / 1024:.1f} KB，超过上限 1 KB"
    ]


def test_every_error_is_reported_at_once_in_line_order() -> None:
    data = scores(["001", "121", "x", "", ""], ["002", "", "", "231", "Z"], ["001", "", "", "", ""])
    assert _errors(data, "scores") == [
        "c.csv:2: 语文: 「121」超过满分 120",
        "c.csv:2: math: 「x」不是数字",
        "c.csv:3: 技能测试: 「231」超过满分 230",
        "c.csv:3: 证书等级: 等级「Z」不在等级表中（A/B）",
        "c.csv:4: 考生号: 考生号 001 重复（首次出现在第 2 行）",
    ]


def test_header_problems_and_cell_problems_come_together() -> None:
    data = candidates(["001", "", "张三", "IT", "1"], header=[*CANDIDATE_HEADER, "备注x"])
    messages = _errors(data, "candidates")
    assert messages[0].startswith("c.csv:1: 备注x: 未知的列")
    assert messages[1:] == ["c.csv:2: 身份证号: 必填，不能为空"]


def _checksum_validator(value: str) -> str | None:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    if len(value) != 18 or not value[:17].isdigit():
        return "身份证号应为 18 位"
    total = sum(int(digit) * weight for digit, weight in zip(value, weights, strict=False))
    return None if "10X98765432"[total % 11] == value[-1] else "身份证号校验位错误"


def test_column_validator_reports_the_id_checksum() -> None:
    bad = ID[:-1] + "1"
    data = candidates(CANDIDATE, ["002", bad, "李四", "IT"], ["003", "12345", "王五", "IT"])
    validators = {"national_id": _checksum_validator}
    assert _errors(data, "candidates", validators=validators) == [
        "c.csv:3: 身份证号: 身份证号校验位错误",
        "c.csv:4: 身份证号: 身份证号应为 18 位",
    ]


def test_xlsx_formula_cells_are_refused_with_their_address() -> None:
    data = xlsx_bytes([SCORE_HEADER, ["001", "=60+30", 90, 200, "A"], ["002", 80, "=B2", 100, "B"]])
    assert _errors(data, "scores", "s.xlsx") == [
        "s.xlsx:2: 单元格 B2 含公式，请粘贴为数值",
        "s.xlsx:3: 单元格 C3 含公式，请粘贴为数值",
    ]


def test_xlsx_with_several_sheets_names_them() -> None:
    data = xlsx_bytes([CANDIDATE_HEADER, CANDIDATE], title="考生", extra_sheets=("Sheet2",))
    assert _errors(data, "candidates", "c.xlsx") == [
        "c.xlsx: 工作簿应只有一个工作表，实际有 2 个：「考生」、「Sheet2」"
    ]


def test_xlsx_id_typed_as_a_number_is_refused_not_mangled() -> None:
    data = xlsx_bytes([CANDIDATE_HEADER, ["001", 110105194912310021, "张三", "IT"]])
    assert _errors(data, "candidates", "c.xlsx") == [
        "c.xlsx:2: 身份证号: 数字超过 15 位，Excel 已丢失末尾数字；请将该列设为文本格式后重新输入"
    ]


def test_bad_rows_yield_no_rows_for_them() -> None:
    data = scores(["001", "90", "", "", ""], ["002", "999", "", "", ""])
    result = read_table(data, "c.csv", "scores", components=COMPONENTS)
    assert [row["candidate_no"] for row in result.rows] == ["001"]
    assert not result.ok


def test_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown import kind"):
        read_table(b"a\n1\n", "c.csv", "teachers")


def test_xlsx_that_unpacks_too_large_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from admissions.files import xlsx_guard

    monkeypatch.setattr(xlsx_guard, "MAX_UNPACKED", 2**20)
    data = xlsx_bytes(
        [CANDIDATE_HEADER, *[[f"{i:05}", ID, "张三" * 20, "IT"] for i in range(5000)]]
    )
    assert len(data) < 2**20
    [message] = _errors(data, "candidates", "c.xlsx")
    assert message.startswith("c.xlsx: XLSX 解压后有 ")
    assert message.endswith("MB，超过上限 1 MB；请删除多余的工作表、格式或图片，或分成几个文件导入")


def test_choice_beyond_the_batch_limit() -> None:
    from admissions.files.columns import preferences_spec

    data = csv_bytes(
        [
            PREF_HEADER,
            ["001", "BK", "1", "96", "10422", "1"],
            ["001", "BK", "1", "97", "10422", "2"],
            ["001", "ZK", "1", "97", "1", "2"],
        ]
    )
    result = read_table(data, "p.csv", preferences_spec({"BK": 96}))
    assert [str(e) for e in result.errors] == [
        "p.csv:3: 志愿序号: 志愿序号 97 超过批次 BK 的上限 96"
    ]
    assert result.lines == [2, 4]


def test_a_repeated_bad_value_is_reported_on_every_line() -> None:
    data = scores(
        ["001", "90", "", "", ""],
        ["002", "121", "", "", ""],
        ["003", "121", "", "", ""],
        ["004", "90", "", "", ""],
    )
    assert _errors(data, "scores") == [
        "c.csv:3: 语文: 「121」超过满分 120",
        "c.csv:4: 语文: 「121」超过满分 120",
    ]

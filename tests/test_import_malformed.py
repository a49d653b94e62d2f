"""Each class of malformed file, fed to every import kind of the board: refused on its line in
Chinese, nothing written, never a traceback. Full-width codes and ID numbers are read as ASCII."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from admissions.extensions import db as database
from admissions.models import AuditEvent, Candidate, CreditedScore, Exam, PlanLine, PreferenceList
from admissions.services.imports.pipeline import import_file
from tests.board_factories import PLANS_HEADER, create_board_exam, csv_bytes, plans_file
from tests.factories import create_candidate
from tests.import_cases import CAND, CREDITS, FRESH_ID, ID1, ID2, PREFS, SCORES


@dataclass(frozen=True)
class Kind:
    """An import kind of the test world: header, one good row, a text column and its length,
    a number column and what it says of 1e30."""

    name: str
    file: str
    header: list[str]
    row: list[str]
    text: str  # a column whose database length is small
    length: int
    number: str
    too_large: str


KINDS = {
    "plans": Kind("plans", "p.csv", PLANS_HEADER, ["BK", "10101", "山东职业学院", "P9", "数控技术",
                  "IT", "3", ""], "program_name", 100, "seats",
                  "「1e30」超出可以保存的范围（最大 2147483647）"),
    "candidates": Kind("candidates", "c.csv", [*CAND, "bonus"], ["2600000009", FRESH_ID, "赵六",
                       "IT", "5"], "name", 60, "bonus",
                       "「1e30」超出可以保存的范围（最大 99999999.99）"),
    "scores": Kind("scores", "s.csv", SCORES, ["2600000001", "90", "100", "A"], "candidate_no",
                   20, "chinese", "「1e30」超过满分 120"),
    "credits": Kind("credits", "k.csv", CREDITS, ["2600000001", "skill", "200", "国赛"],
                    "candidate_no", 20, "value", "「1e30」超出可以保存的范围（最大 99999999.99）"),
    "preferences": Kind("preferences", "v.csv", PREFS, ["2600000001", "BK", "1", "1", "10101",
                        "P1", "", "", ""], "candidate_no", 20, "choice",
                        "「1e30」超出可以保存的范围（最大 2147483647）"),
}  # fmt: skip
TABLES = (AuditEvent, Candidate, CreditedScore, PlanLine, PreferenceList)


def make_world() -> Exam:
    """The exam of tests.import_cases: its plans and two candidates (IT and JX)."""
    exam = create_board_exam()
    assert import_file(exam, "plans", plans_file(), "p.csv", None, dry_run=False).ok
    create_candidate(exam, candidate_no="2600000001", national_id=ID1, category_code="IT")
    create_candidate(exam, candidate_no="2600000002", national_id=ID2, category_code="JX")
    database.session.commit()
    return exam


def _counts() -> dict[str, int]:
    return {
        m.__name__: database.session.scalar(select(func.count()).select_from(m)) for m in TABLES
    }


def _with(kind: Kind, key: str, value: str) -> list[str]:
    row = list(kind.row)
    row[kind.header.index(key)] = value
    return row


def _lines(kind: Kind, *rows: str) -> bytes:
    return ("\r\n".join([",".join(kind.header), *rows]) + "\r\n").encode()


def _short(kind: Kind) -> tuple[bytes, str]:
    missing = "、".join(f"「{h}」" for h in kind.header[2:])
    return (
        _lines(kind, ",".join(kind.row[:2])),
        f"{kind.file}:2: {kind.header[2]}: 该行只有 2 个单元格，表头有 {len(kind.header)} 列："
        f"缺少 {missing}（可能少了逗号，或双引号没有配对）",
    )


def _open_quote(kind: Kind) -> tuple[bytes, str]:
    row = list(kind.row)
    row[-1] = '"' + row[-1]
    return (
        _lines(kind, ",".join(row), ",".join(kind.row)),
        f"{kind.file}:2: 该行的双引号没有配对：从这一行起到文件末尾（文件第 3 行）都被读成了一个"
        "单元格；请补上或删去这个双引号",
    )


def _nul(kind: Kind) -> tuple[bytes, str]:
    value = kind.row[kind.header.index(kind.text)]
    return (
        csv_bytes([kind.header, _with(kind, kind.text, value[:2] + "\x00" + value[2:])]),
        f"{kind.file}:2: {kind.text}: 含有空字符（NUL），请删除后重新保存",
    )


def _huge(kind: Kind) -> tuple[bytes, str]:
    return (
        csv_bytes([kind.header, _with(kind, kind.text, "长" * 200_000), kind.row]),
        f"{kind.file}:2: 该行有超过 131072 个字符的单元格（常因双引号没有配对），请检查该行",
    )


def _too_long(kind: Kind) -> tuple[bytes, str]:
    value = "9" * (kind.length + 1)
    return (
        csv_bytes([kind.header, _with(kind, kind.text, value)]),
        f"{kind.file}:2: {kind.text}: 内容过长：{kind.length + 1} 个字符，最多 {kind.length} 个",
    )


def _number(kind: Kind) -> tuple[bytes, str]:
    return (
        csv_bytes([kind.header, _with(kind, kind.number, "1e30")]),
        f"{kind.file}:2: {kind.number}: {kind.too_large}",
    )


CLASSES = {
    "short row": _short,
    "open quote": _open_quote,
    "NUL byte": _nul,
    "200,000-character cell": _huge,
    "text longer than its column": _too_long,
    "number too large": _number,
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", CLASSES)
def test_malformed_file_is_refused_on_its_line_and_writes_nothing(db, case, kind):
    exam = make_world()
    before = _counts()
    data, message = CLASSES[case](KINDS[kind])
    result = import_file(exam, kind, data, KINDS[kind].file, None, dry_run=False)
    db.session.commit()
    assert [str(error) for error in result.errors] == [message]
    assert not result.written and _counts() == before


def _full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


FULL_WIDTH = {
    "plans": ("institution_code", "10101"),
    "candidates": ("national_id", FRESH_ID),
    "scores": ("candidate_no", "2600000001"),
    "credits": ("candidate_no", "2600000001"),
    "preferences": ("program_code", "P1"),
}


@pytest.mark.parametrize("kind", KINDS)
def test_full_width_codes_and_id_numbers_import(db, kind):
    exam = make_world()
    key, value = FULL_WIDTH[kind]
    data = csv_bytes([KINDS[kind].header, _with(KINDS[kind], key, _full_width(value))])
    result = import_file(exam, kind, data, "f.csv", None, dry_run=False)
    assert result.ok, result.errors
    assert result.written


def test_full_width_id_number_is_stored_in_ascii(db):
    exam = make_world()
    data = csv_bytes([CAND, ["2600000009", _full_width(FRESH_ID.lower()), "赵六", "IT"]])
    assert import_file(exam, "candidates", data, "c.csv", None, dry_run=False).ok
    stored = db.session.scalar(select(Candidate).where(Candidate.candidate_no == "2600000009"))
    assert stored.national_id == FRESH_ID and stored.gender == "F"


@pytest.mark.parametrize(
    ("requirements", "message"),
    [
        ("height >= 170", "报考要求「height >= 170」中的 height 不是本考试的科目或总分（可用：bonus、"
         "cert、chinese、culture、raw_total、skill、total、vocational）"),
        ("skill >= 100; 面试合格", "报考要求「面试合格」无法解析（第 1 个字符附近）；应写成条件，如 "
         "skill >= 138，多个条件用 ; 分隔"),
        ("skill >=", "报考要求「skill >=」无法解析（第 9 个字符附近）；应写成条件，如 skill >= 138，"
         "多个条件用 ; 分隔"),
    ],
)  # fmt: skip
def test_requirement_naming_an_unknown_field_or_unreadable_is_refused(db, requirements, message):
    exam = make_world()
    header = [*PLANS_HEADER, "requirements"]
    row = ["BK", "10101", "山东职业学院", "P9", "数控技术", "IT", "3", "", requirements]
    result = import_file(exam, "plans", csv_bytes([header, row]), "p.csv", None, dry_run=False)
    assert [str(e) for e in result.errors] == [f"p.csv:2: requirements: {message}"]


def test_requirements_the_engine_reads_are_accepted(db):
    exam = make_world()
    header = [*PLANS_HEADER, "requirements"]
    row = [
        "BK",
        "10101",
        "山东职业学院",
        "P9",
        "数控技术",
        "IT",
        "3",
        "",
        "skill >= 100; total > 300",
    ]
    assert import_file(exam, "plans", csv_bytes([header, row]), "p.csv", None, dry_run=False).ok


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["2600000001", "BK", "1", "1", "10101", "P1", "", "", ""],
          ["2600000001", "BK", "1", "2", "10101", "P1", "", "", ""]],
         "v.csv:3: program_code: 同一个专业不能重复填报（已在第 2 行填报）"),
        ([["2600000001", "ZK", "1", "1", "10102", "", "G1", "M1", "Y"],
          ["2600000001", "ZK", "1", "2", "10102", "", "G1", "M2", "N"]],
         "v.csv:3: group: 同一个专业组不能重复填报（已在第 2 行填报）"),
        ([["2600000001", "ZK", "1", "1", "10102", "", "G1", "M2;M1;M2", "Y"]],
         "v.csv:2: majors: M2 重复填写（每项只能出现一次）"),
    ],
)  # fmt: skip
def test_a_list_naming_the_same_program_group_or_major_twice_is_refused(db, rows, message):
    exam = make_world()
    before = _counts()
    result = import_file(exam, "preferences", csv_bytes([PREFS, *rows]), "v.csv", None,
                         dry_run=False)  # fmt: skip
    assert [str(e) for e in result.errors] == [message]
    assert _counts() == before


def test_the_same_program_in_two_rounds_or_for_two_candidates_is_fine(db):
    exam = make_world()
    rows = [
        ["2600000001", "BK", "1", "1", "10101", "P1", "", "", ""],
        ["2600000001", "BK", "2", "1", "10101", "P1", "", "", ""],
    ]
    assert import_file(exam, "preferences", csv_bytes([PREFS, *rows]), "v.csv", None,
                       dry_run=False).ok  # fmt: skip


def test_errors_beyond_the_cap_are_counted_by_the_import(db):
    exam = make_world()
    rows = [["2699999999", "BK", "1", str(i), "10101", "P1", "", "", ""] for i in range(1, 1501)]
    result = import_file(exam, "preferences", csv_bytes([PREFS, *rows]), "v.csv", None,
                         dry_run=True)  # fmt: skip
    # rows 2-4: no such candidate; rows 5-1501: beyond the batch's 3 choices
    assert result.error_count == 1500 and len(result.errors) == 1001
    assert [e.line for e in result.errors[:4]] == [2, 3, 4, 5]
    assert str(result.errors[-1]).startswith(
        f"v.csv: 另有 {result.error_count - 1000} 处错误未列出"
    )


def test_command_prints_the_first_thousand_errors_and_the_count_of_the_rest(app, db, tmp_path):
    exam = make_world()
    rows = [[f"26{i:08}", "90", "100", "A"] for i in range(3, 2503)]  # 2,500 unknown candidates
    path = tmp_path / "s.csv"
    path.write_bytes(csv_bytes([SCORES, *rows]))
    result = app.test_cli_runner().invoke(args=["import", "scores", exam.code, str(path)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1001
    assert lines[0] == f"{path}:2: candidate_no: 考生号 2600000003 不存在"
    assert lines[-1] == (
        f"{path}: 另有 1500 处错误未列出（只列出按行号排在前面的 1000 处）；请先改正以上错误，"
        "再次导入时会列出其余错误"
    )

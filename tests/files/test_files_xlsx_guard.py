"""Upload bombs: tiny workbooks that would make the spreadsheet reader allocate gigabytes are refused
before it runs — under a 1 GB memory limit, quickly, with a message a clerk can act on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from files_helpers import CANDIDATE_HEADER, xlsx_bytes
from hypothesis import given, settings
from hypothesis import strategies as st

from admissions.files import xlsx_guard
from admissions.files.columns import Column, TableSpec
from admissions.files.readers import read_table
from tests import xlsx_bombs as bombs

ROOT = Path(__file__).resolve().parents[2]
MEMORY_LIMIT = 2**30
ONE = TableSpec("one", (Column("candidate_no", ("考生号",)),), empty_ok=True)
AREA = "超过上限 4000000 个单元格；请删除远处多余的单元格"
BROKEN = "文件已损坏，无法读取（请用 Excel 打开后另存为 .xlsx 或 CSV）"

_READ_UNDER_LIMIT = """
import json, resource, sys, time
from admissions.files.readers import read_table
data = open(sys.argv[1], "rb").read()
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[2]), int(sys.argv[2])))
start = time.perf_counter()
result = read_table(data, "bomb.xlsx", "candidates")
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "rows": len(result.rows),
                  "errors": [str(error) for error in result.errors]}, ensure_ascii=False))
"""


def _read_in_a_small_process(data: bytes, tmp_path: Path) -> dict[str, object]:
    """read_table in a fresh interpreter whose address space is capped at 1 GB."""
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(data)
    done = subprocess.run(
        [sys.executable, "-c", _READ_UNDER_LIMIT, str(path), str(MEMORY_LIMIT)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


BOMBS = {
    # 1.6 KB: A1 and the last cell of a sheet — the reader would build 17 billion cells
    "A1 and XFD1048576": (
        lambda: bombs.far_cell("XFD1048576"),
        "bomb.xlsx: 工作表的数据区域从 A1 延伸到 XFD1048576（1048576 行 × 16384 列，共 "
        f"17179869184 个单元格），{AREA}（如 XFD1048576 附近）后重新保存，或分成几个文件导入",
    ),
    "A1 and ZZ200000": (
        lambda: bombs.far_cell("ZZ200000"),
        "bomb.xlsx: 工作表的数据区域从 A1 延伸到 ZZ200000（200000 行 × 702 列，共 140400000 "
        f"个单元格），{AREA}（如 ZZ200000 附近）后重新保存，或分成几个文件导入",
    ),
    # cells written without a reference are placed one after another by the reader
    "20,000 cells without references in row 1048576": (
        lambda: bombs.implicit_cells(1_048_576, 20_000),
        "bomb.xlsx: 工作表的数据区域从 A1 延伸到 D1048576（1048576 行 × 4 列，共 4194304 个"
        f"单元格），{AREA}（如 D1048576 附近）后重新保存，或分成几个文件导入",
    ),
    # 400 KB that unpacks to 389 MB
    "389 MB of blanks": (
        lambda: bombs.deflate_bomb(390 * 2**20),
        "bomb.xlsx: XLSX 解压后有 389 MB，超过上限 256 MB；请删除多余的工作表、格式或图片，"
        "或分成几个文件导入",
    ),
    "a bad CRC": (bombs.bad_crc, f"bomb.xlsx: {BROKEN}"),
}


@pytest.mark.parametrize("case", BOMBS, ids=list(BOMBS))
def test_bomb_is_refused_under_a_memory_limit_quickly(case: str, tmp_path: Path) -> None:
    build, message = BOMBS[case]
    data = build()
    assert len(data) < 500_000
    outcome = _read_in_a_small_process(data, tmp_path)
    assert outcome["errors"] == [message] and outcome["rows"] == 0
    # The bound ("refused in under 5 s"), measured inside the capped process; the guard
    # itself takes milliseconds here, so the bound holds on a loaded machine too.
    assert outcome["seconds"] < 5


def test_an_honest_workbook_reads_under_the_same_limit(tmp_path: Path) -> None:
    rows = [[f"26{i:08}", f"{i:017}X", "张三", "IT"] for i in range(2000)]
    outcome = _read_in_a_small_process(xlsx_bytes([CANDIDATE_HEADER, *rows]), tmp_path)
    assert outcome["rows"] == 2000
    assert all("身份证号" in error for error in outcome["errors"])  # made-up IDs, nothing else


def test_packing_ratio_is_capped_for_large_parts() -> None:
    result = read_table(bombs.deflate_bomb(20 * 2**20), "b.xlsx", ONE)
    [error] = [str(e) for e in result.errors]
    assert error.startswith("b.xlsx: XLSX 中的 xl/worksheets/sheet1.xml 压缩比异常（")
    assert error.endswith("字节），文件已损坏或不是普通的表格文件")


def test_area_at_the_limit_is_read_and_one_cell_beyond_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(xlsx_guard, "MAX_CELLS", 40)
    assert xlsx_guard.check_xlsx(bombs.far_cell("D10")).rows == 10  # 10 rows × 4 columns
    [error] = [str(e) for e in read_table(bombs.far_cell("E9"), "b.xlsx", ONE).errors]
    assert "（9 行 × 5 列，共 45 个单元格），超过上限 40 个单元格" in error


@pytest.mark.parametrize(
    ("case", "data"),
    [
        ("no references", bombs.table_rows([["考生号"], ["2600000001"], ["2600000002"]], False)),
        ("prefixed", bombs.table_rows([["考生号"], ["2600000001"], ["2600000002"]], prefix="x:")),
    ],
)
def test_valid_but_unusual_workbooks_are_walked_exactly_and_read(case: str, data: str) -> None:
    prefix = "x:" if case == "prefixed" else ""
    result = read_table(bombs.workbook(bombs.sheet(data, prefix)), "u.xlsx", ONE)
    assert result.ok, result.errors
    assert [row["candidate_no"] for row in result.rows] == ["2600000001", "2600000002"]


def test_reference_inside_another_attribute_does_not_hide_a_cell() -> None:
    # `t='x r="A1"'` looks like a reference to a regular expression; the cell has none, so the
    # part is walked exactly and the row-1048576 cells are placed where the reader would (the
    # walk stops at the fourth, which already takes the area over the limit).
    cells = "<c t='x r=\"A1\"'><v>1</v></c>" * 5
    rows = f'<row r="1">{bombs.text_cell("A1", "x")}</row><row r="1048576">{cells}</row>'
    [error] = [str(e) for e in read_table(bombs.workbook(bombs.sheet(rows)), "b.xlsx", ONE).errors]
    assert "延伸到 D1048576（1048576 行 × 4 列" in error


def _claiming_zip_version(data: bytes, version: int) -> bytes:
    """`data` with its first central-directory entry claiming a zip version Python does not read
    (zipfile raises NotImplementedError, not BadZipFile, for it)."""
    at = data.index(b"PK\x01\x02") + 6  # "version needed to extract"
    return data[:at] + version.to_bytes(2, "little") + data[at + 2 :]


@pytest.mark.parametrize(
    ("case", "data", "message"),
    [
        ("doctype", bombs.workbook(b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + bombs.sheet("")),
         "b.xlsx: XLSX 中含有 DOCTYPE 声明，不是普通的表格文件"),
        ("not a zip", b"PK\x03\x04" + b"\x00" * 200,
         "b.xlsx: 不是有效的 XLSX 文件（请用 Excel 另存为 .xlsx 或 CSV）"),
        ("truncated", bombs.far_cell("B2")[:-40],
         "b.xlsx: 不是有效的 XLSX 文件（请用 Excel 另存为 .xlsx 或 CSV）"),
        ("unknown zip version", _claiming_zip_version(bombs.far_cell("B2"), 64),
         "b.xlsx: 不是有效的 XLSX 文件（请用 Excel 另存为 .xlsx 或 CSV）"),
        ("bad reference", bombs.workbook(bombs.sheet('<row r="1"><c r="A1B"><v>1</v></c></row>')),
         "b.xlsx: 单元格位置「A1B」无效，文件已损坏"),
    ],
)  # fmt: skip
def test_unreadable_workbooks_get_a_clean_message(case: str, data: bytes, message: str) -> None:
    assert [str(e) for e in read_table(data, "b.xlsx", ONE).errors] == [message]


def test_many_parts_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_guard, "MAX_MEMBERS", 4)
    [error] = [str(e) for e in read_table(bombs.far_cell("B2"), "b.xlsx", ONE).errors]
    assert error == "b.xlsx: XLSX 内部文件多达 5 个，不像是普通的表格文件"


_SMALL = xlsx_bytes([CANDIDATE_HEADER, ["2600000001", "11010519491231002X", "张三", "IT"]])


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_any_damage_to_a_workbook_gives_rows_or_file_errors(data: st.DataObject) -> None:
    """Change, cut or insert bytes anywhere in a real workbook: the reader answers with rows or
    with FileErrors, and never raises."""
    damaged = bytearray(_SMALL)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(damaged) - 1))
        action = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "flip":
            damaged[at] = data.draw(st.integers(0, 255))
        elif action == "cut":
            del damaged[at : at + data.draw(st.integers(1, 64))]
        else:
            damaged[at:at] = data.draw(st.binary(min_size=1, max_size=16))
    result = read_table(bytes(damaged), "c.xlsx", "candidates")
    assert result.rows or result.errors


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2048), st.sampled_from(["c.csv", "c.xlsx", "c.xls", "c"]))
def test_any_bytes_give_rows_or_file_errors(data: bytes, filename: str) -> None:
    result = read_table(data, filename, "candidates")
    assert result.rows or result.errors


def test_guard_measures_the_farthest_cell_and_formulas() -> None:
    extent = xlsx_guard.check_xlsx(bombs.far_cell("C7"))
    assert (extent.rows, extent.columns, extent.formulas) == (7, 3, False)
    with_formula = xlsx_bytes([["考生号"], ["=1+1"]])
    assert xlsx_guard.check_xlsx(with_formula).formulas

"""The plans file's optional columns: tuition, years, ownership, institution_type, notes, types."""

from __future__ import annotations

from sqlalchemy import select

from admissions.models import Institution, PlanLine
from admissions.services.imports.pipeline import import_file
from admissions.services.plans.export import plan_bytes, plan_rows
from tests.board_factories import create_board_exam, csv_bytes
from tests.factories import create_account, login

HEADER = ["批次", "院校代码", "院校名称", "专业代码", "专业名称", "专业类别", "计划数", "专业组",
          "学费", "学制", "办学性质", "院校类型", "备注", "考生类型限制"]  # fmt: skip
ROW = ["BK", "10101", "山东职业学院", "P1", "软件技术", "IT", "30", "",
       "5000", "4", "公办", "应用型本科", "中外合作", "具有工作经历；往届中职毕业生"]  # fmt: skip


def _errors(result) -> list[str]:
    return [str(e) for e in result.errors]


def test_optional_columns_are_stored_and_set_the_institution_type(db):
    exam = create_board_exam()
    result = import_file(exam, "plans", csv_bytes([HEADER, ROW]), "p.csv", None, dry_run=False)
    assert result.ok, _errors(result)
    line = db.session.scalar(select(PlanLine))
    assert (line.tuition, line.years, line.ownership, line.notes, line.types) == (
        5000, 4, "公办", "中外合作", "具有工作经历;往届中职毕业生")  # fmt: skip
    assert db.session.scalar(select(Institution.institution_type)) == "应用型本科"


def test_bad_optional_cells_get_row_messages_and_nothing_is_written(db):
    exam = create_board_exam()
    bad = [
        ["BK", "10101", "山东职业学院", "P1", "软件技术", "IT", "30", "", "五千", "", "", "", "", ""],
        ["BK", "10101", "山东职业学院", "P2", "机械", "IT", "30", "", "", "0", "国营", "", "", ""],
        ["BK", "10101", "山东职业学院", "P3", "数控", "IT", "30", "", "", "", "", "双一流", "", "退休人员"],
        ["BK", "10101", "山东职业学院", "P4", "护理", "IT", "30", "", "", "", "", "职业本科", "", ""],
        ["BK", "10101", "山东职业学院", "P5", "电气", "IT", "30", "", "", "", "", "应用型本科", "", ""],
    ]  # fmt: skip
    result = import_file(exam, "plans", csv_bytes([HEADER, *bad]), "p.csv", None, dry_run=False)
    assert _errors(result) == [
        "p.csv:2: 学费: 「五千」不是数字",
        "p.csv:3: 学制: 「0」小于 1",
        "p.csv:4: 院校类型: 院校类型「双一流」应为 应用型本科、职业本科、高职专科、其他 之一",
        "p.csv:4: 考生类型限制: 考生类型「退休人员」应为 应届中职毕业生、往届中职毕业生、具有工作经历 之一（多项用 ; 分隔）",
        "p.csv:6: 院校类型: 院校 10101 的院校类型在本文件中前后不同（「职业本科」与「应用型本科」）",
    ]
    assert db.session.scalar(select(PlanLine.id)) is None


def test_ownership_is_checked(db):
    exam = create_board_exam()
    row = [*ROW[:10], "国营", *ROW[11:]]
    result = import_file(exam, "plans", csv_bytes([HEADER, row]), "p.csv", None, dry_run=False)
    assert _errors(result) == ["p.csv:2: 办学性质: 办学性质「国营」应为 公办 或 民办"]


def test_exported_plan_imports_back_unchanged(db):
    exam = create_board_exam()
    assert import_file(exam, "plans", csv_bytes([HEADER, ROW]), "p.csv", None, dry_run=False).ok
    rows = plan_rows(exam)
    assert rows[0]["tuition"] == 5000 and rows[0]["institution_type"] == "应用型本科"
    for headers in ("en", "zh"):
        again = import_file(exam, "plans", plan_bytes(rows, "csv", headers, "计划"), "e.csv", None,
                            dry_run=True)  # fmt: skip
        assert (again.inserted, again.updated, again.unchanged) == (0, 0, 1), _errors(again)


def test_board_downloads_the_plan(client, db):
    exam = create_board_exam()
    assert import_file(exam, "plans", csv_bytes([HEADER, ROW]), "p.csv", None, dry_run=False).ok
    board = create_account("board", province_id=exam.province_id)
    db.session.commit()
    login(client, board.username)
    response = client.get(f"/board/exams/{exam.id}/plans/download?format=csv")
    text = response.get_data().decode("utf-8-sig")
    assert response.status_code == 200 and text.splitlines()[0].startswith("批次,院校代码")
    assert "5000" in text and "具有工作经历;往届中职毕业生" in text
    assert client.get(f"/board/exams/{exam.id}/plans/download?format=doc").status_code == 400

"""Import preview: the first changed rows with before → after, new rows marked, and the counts."""

from __future__ import annotations

from sqlalchemy import select

from admissions.models import Candidate
from admissions.services.imports.context import PREVIEW_ROWS
from admissions.services.imports.pipeline import import_file
from tests.board_factories import (
    PLANS_HEADER,
    create_board_account,
    create_board_exam,
    csv_bytes,
    plans_file,
    upload_import,
)
from tests.factories import create_candidate, login, valid_national_id


def _preview(client, exam, kind: str, data: bytes) -> str:
    response = upload_import(client, exam, data, f"{kind}.csv", kind)
    return client.get(response.headers["Location"]).get_data(as_text=True)


def _board(db, client):
    exam = create_board_exam()
    account = create_board_account()
    return exam, account


def test_plans_preview_lists_changed_and_new_rows(client, db):
    exam, account = _board(db, client)
    import_file(exam, "plans", plans_file(), "p.csv", None, dry_run=False)
    db.session.commit()
    login(client, account.username)
    data = csv_bytes([
        PLANS_HEADER,
        ["BK", "10101", "山东职业学院", "P1", "软件技术", "IT", "35", ""],
        ["BK", "10101", "山东职业学院", "P2", "机械制造", "JX", "20", ""],
        ["BK", "10101", "山东职业学院", "P3", "数控技术", "JX", "8", ""],
    ])  # fmt: skip
    html = _preview(client, exam, "plans", data)
    assert "新增 <strong>1</strong> 条，更新 <strong>1</strong> 条" in html
    assert "<strong>1</strong> 条没有变化" in html
    assert "BK 10101 P1</td>" in html and "计划数：30 → 35" in html
    assert "BK 10101 P3</td>" in html and "<td>新增</td>" in html and "专业名称：数控技术" in html
    assert "BK 10101 P2</td>" not in html  # unchanged rows are not listed


def test_candidates_preview_shows_before_and_after(client, db):
    exam, account = _board(db, client)
    known = create_candidate(exam, name="张三", school="一中")
    db.session.commit()
    login(client, account.username)
    data = csv_bytes([
        ["candidate_no", "national_id", "name", "category", "school"],
        [known.candidate_no, known.national_id, "张三丰", "IT", "一中"],
        ["2699000000001", valid_national_id(), "李四", "JX", ""],
    ])  # fmt: skip
    html = _preview(client, exam, "candidates", data)
    assert "姓名：张三 → 张三丰" in html and "毕业学校" not in html
    assert "考生号 2699000000001" in html and "姓名：李四；专业类别：JX" in html
    db.session.expire_all()
    assert db.session.scalar(select(Candidate.name).where(Candidate.id == known.id)) == "张三"


def test_candidates_import_updates_in_bulk(db):
    exam, _ = _board(db, None)
    known = create_candidate(exam, name="张三")
    data = csv_bytes([
        ["candidate_no", "national_id", "name", "category", "bonus"],
        [known.candidate_no, known.national_id, "张三丰", "JX", "5"],
    ])  # fmt: skip
    result = import_file(exam, "candidates", data, "c.csv", None, dry_run=False)
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 0)
    db.session.expire_all()
    row = db.session.get(Candidate, known.id)
    assert (row.name, row.category_code, str(row.bonus)) == ("张三丰", "JX", "5.0000")
    assert [c.fields for c in result.changes] == [
        (("姓名", "张三", "张三丰"), ("专业类别", "IT", "JX"), ("加分", "0", "5"))
    ]


def test_scores_preview_marks_new_scores_and_changes(client, db):
    exam, account = _board(db, client)
    first, second = create_candidate(exam), create_candidate(exam)
    header = ["candidate_no", "chinese", "skill"]
    import_file(exam, "scores", csv_bytes([header, [first.candidate_no, "80", "150"]]),
                "s.csv", None, dry_run=False)  # fmt: skip
    db.session.commit()
    login(client, account.username)
    data = csv_bytes([header, [first.candidate_no, "85.5", "150"],
                      [second.candidate_no, "70", ""]])  # fmt: skip
    html = _preview(client, exam, "scores", data)
    assert f"考生号 {first.candidate_no}</td>" in html and "语文：80 → 85.5" in html
    assert "技能测试：150" not in html
    assert f"考生号 {second.candidate_no}</td>" in html and "语文：70" in html


def test_preview_keeps_only_the_first_rows_and_says_so(db):
    exam, _ = _board(db, None)
    rows = [["candidate_no", "national_id", "name", "category"]]
    rows += [[f"26990000{i:05d}", valid_national_id(), f"考生{i}", "IT"] for i in range(60)]
    result = import_file(exam, "candidates", csv_bytes(rows), "c.csv", None, dry_run=True)
    assert result.inserted == 60 and len(result.changes) == PREVIEW_ROWS == 50
    assert [c.line for c in result.changes[:2]] == [2, 3] and all(c.new for c in result.changes)


def test_preview_page_says_how_many_rows_it_leaves_out(client, db):
    exam, account = _board(db, client)
    db.session.commit()
    login(client, account.username)
    rows = [["candidate_no", "national_id", "name", "category"]]
    rows += [[f"26990000{i:05d}", valid_national_id(), f"考生{i}", "IT"] for i in range(60)]
    html = _preview(client, exam, "candidates", csv_bytes(rows))
    assert "（显示前 50 条，共 60 条）" in html and html.count("<td>新增</td>") == 50

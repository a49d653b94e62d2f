"""`flask import KIND CODE FILE`: a one-line summary and exit 0, or every error and exit 1."""

from sqlalchemy import func, select

from admissions.models import PlanLine
from tests.board_factories import PLANS_HEADER, create_board_exam, csv_bytes, plans_file


def _run(app, *args: str):
    return app.test_cli_runner().invoke(args=["import", *args])


def _plan_count(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(PlanLine))


def test_good_file_exits_zero_with_one_line_summary(app, db, tmp_path):
    exam = create_board_exam()
    db.session.commit()
    path = tmp_path / "plans.csv"
    path.write_bytes(plans_file())
    result = _run(app, "plans", exam.code, str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"{path}：招生计划已导入，新增 4 条，更新 0 条，未变 0 条"
    assert _plan_count(db) == 4


def test_dry_run_writes_nothing(app, db, tmp_path):
    exam = create_board_exam()
    db.session.commit()
    path = tmp_path / "plans.csv"
    path.write_bytes(plans_file())
    result = _run(app, "plans", exam.code, str(path), "--dry-run")
    assert result.exit_code == 0 and "预览（尚未写入）" in result.stdout
    assert _plan_count(db) == 0


def test_bad_file_lists_every_error_and_exits_one(app, db, tmp_path):
    exam = create_board_exam()
    db.session.commit()
    path = tmp_path / "plans.csv"
    rows = [PLANS_HEADER, ["BK", "10101", "甲学院", "P1", "软件", "IT", "3", ""],
            ["TQ", "10101", "甲学院", "P2", "软件", "IT", "x", ""],
            ["BK", "10101", "甲学院", "P3", "软件", "ZZ", "3", ""]]  # fmt: skip
    path.write_bytes(csv_bytes(rows))
    result = _run(app, "plans", exam.code, str(path))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}:3: seats: 「x」不是数字",
        f"{path}:4: category: 专业类别「ZZ」不存在（可用：IT、JX）",
    ]
    assert "Traceback" not in result.output and _plan_count(db) == 0


def test_unknown_exam_missing_file_and_kind_are_one_line_errors(app, db, tmp_path):
    exam = create_board_exam()
    db.session.commit()
    path = tmp_path / "plans.csv"
    path.write_bytes(plans_file())
    unknown = _run(app, "plans", "NOPE", str(path))
    assert unknown.exit_code == 1 and "考试 NOPE 不存在" in unknown.output
    missing = _run(app, "plans", exam.code, str(tmp_path / "none.csv"))
    assert missing.exit_code == 1 and "无法读取文件" in missing.output
    assert "Traceback" not in missing.output
    decisions = _run(app, "decisions", exam.code, str(path))
    # A plans file given as decisions: every column problem listed, nothing written.
    assert decisions.exit_code == 1 and "decision: 缺少必填列 decision（结论）" in decisions.output
    bad_kind = _run(app, "marks", exam.code, str(path))
    assert bad_kind.exit_code == 2 and "marks" in bad_kind.output

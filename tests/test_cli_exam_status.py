"""`exam status`: show the allowed next steps, move through the same guarded lifecycle."""

from __future__ import annotations

from admissions.models import ExamStatus
from tests.rounds_factories import create_rounds_exam
from tests.setup_helpers import actions
from tests.test_compute_support import run


def test_shows_status_and_next_steps(app, db):
    create_rounds_exam("CLI1")
    db.session.commit()
    result = run(app, "exam", "status", "CLI1")
    assert result.exit_code == 0
    assert "报名中（registration_open）" in result.output
    assert "可执行：registration_closed（截止报名）" in result.output


def test_moves_and_audits(app, db):
    exam = create_rounds_exam("CLI2")
    db.session.commit()
    result = run(app, "exam", "status", "CLI2", "registration_closed")
    assert result.exit_code == 0 and "报名已截止" in result.output
    db.session.expire_all()
    assert exam.status == ExamStatus.REGISTRATION_CLOSED
    assert actions(exam)[-1] == "exam.status"


def test_guard_refuses_with_one_line(app, db):
    exam = create_rounds_exam("CLI3")
    exam.status = ExamStatus.SCORING
    db.session.commit()
    result = run(app, "exam", "status", "CLI3", "scores_published")
    assert result.exit_code == 1 and "尚未按当前规则计算成绩" in result.output
    assert "Traceback" not in result.output
    db.session.expire_all()
    assert exam.status == ExamStatus.SCORING


def test_unknown_exam_or_status(app, db):
    create_rounds_exam("CLI4")
    db.session.commit()
    assert "考试 NOPE 不存在" in run(app, "exam", "status", "NOPE").output
    bad = run(app, "exam", "status", "CLI4", "open")
    assert bad.exit_code == 1 and "未知状态 open" in bad.output

"""`scores compute`, `scores publish` and `export ranktable` from the command line."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from admissions.models import AuditEvent, Exam, ExamStatus, RulesVersion, ScoreResult
from tests.test_compute_support import (
    GUANGDONG,
    SHANDONG,
    add_candidate,
    load_exam,
    run,
    write_rules,
)

D = Decimal
FULL = {"chinese": D(100), "math": D(100), "english": D(60), "knowledge": D(150)}


def _exam(db) -> Exam:
    db.session.expire_all()
    return db.session.scalar(select(Exam))


@pytest.fixture
def scored(db):
    """Shandong rules, IT: totals 610, 610, 609.5, 600; MED: 500 (bonus cap 10)."""
    exam = load_exam(SHANDONG)
    add_candidate(exam, "IT", FULL | {"skill": D(200)})
    add_candidate(exam, "IT", FULL | {"skill": D(190)}, bonus=D(12))
    add_candidate(exam, "IT", FULL | {"skill": D("199.5")})
    add_candidate(exam, "IT", FULL | {"skill": D(190)})
    add_candidate(exam, "MED", FULL | {"skill": D(90)})
    db.session.commit()
    return exam


def test_compute_prints_counts_and_stores_results(app, scored, db):
    result = run(app, "scores", "compute", "SD2026CK")
    assert result.exit_code == 0, result.output
    assert "已计算 5 名考生的成绩" in result.output and "合格 5" in result.output
    ranks = sorted(db.session.scalars(select(ScoreResult.rank)))
    assert ranks == [1, 1, 2, 3, 4]  # MED 1; IT: skill breaks the 610 tie, 609.5, 600
    assert _exam(db).status == ExamStatus.SCORING


def test_unknown_exam_and_no_scores_exit_1(app, db):
    result = run(app, "scores", "compute", "NOPE")
    assert result.exit_code == 1 and result.output.strip() == "考试 NOPE 不存在"
    load_exam(SHANDONG)
    result = run(app, "scores", "compute", "SD2026CK")
    assert result.exit_code == 1 and result.output.strip() == "考试 SD2026CK 还没有导入任何成绩"
    assert db.session.scalar(select(func.count(ScoreResult.id))) == 0


def test_publish_guard_and_forced_recompute(app, scored, db):
    result = run(app, "scores", "publish", "SD2026CK")
    assert result.exit_code == 1 and "尚未按当前规则计算成绩" in result.output
    assert run(app, "scores", "compute", "SD2026CK").exit_code == 0
    result = run(app, "scores", "publish", "SD2026CK")
    assert result.exit_code == 0 and "已发布 5 名考生的成绩与位次" in result.output
    exam = _exam(db)
    assert exam.status == ExamStatus.SCORES_PUBLISHED and exam.scores_published_at is not None
    again = run(app, "scores", "publish", "SD2026CK")
    assert again.exit_code == 1 and "已经发布" in again.output
    refused = run(app, "scores", "compute", "SD2026CK")
    assert refused.exit_code == 1 and "--force" in refused.output
    assert run(app, "scores", "compute", "SD2026CK", "--force").exit_code == 0
    forced = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "scores.compute").order_by(AuditEvent.id)
    ).all()
    assert [e.reason for e in forced] == ["", "forced recomputation after publication"]
    assert _exam(db).status == ExamStatus.SCORES_PUBLISHED


def test_new_rules_version_makes_results_stale_for_publish(app, scored, db, tmp_path):
    assert run(app, "scores", "compute", "SD2026CK").exit_code == 0
    changed = SHANDONG.replace("bonus_cap = 10", "bonus_cap = 5")
    assert run(app, "exam", "load", str(write_rules(tmp_path, changed))).exit_code == 0
    assert db.session.scalar(select(func.count(RulesVersion.id))) == 2
    result = run(app, "scores", "publish", "SD2026CK")
    assert result.exit_code == 1 and "scores compute SD2026CK" in result.output


def _csv(path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


def test_ranktable_counts_each_whole_point(app, scored, db, tmp_path):
    run(app, "scores", "compute", "SD2026CK")
    out = tmp_path / "rt.csv"
    result = run(app, "export", "ranktable", "SD2026CK", "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = _csv(out)
    assert list(rows[0]) == ["category", "score", "count", "cumulative"]
    it = {
        int(r["score"]): (int(r["count"]), int(r["cumulative"]))
        for r in rows
        if r["category"] == "IT"
    }
    # totals 610 (bonus 10 + 600), 610, 609.5, 600
    assert max(it) == 610 and min(it) == 600 and len(it) == 11
    assert it[610] == (2, 2) and it[609] == (1, 3) and it[605] == (0, 3) and it[600] == (1, 4)
    med = [r for r in rows if r["category"] == "MED"]
    assert med == [{"category": "MED", "score": "500", "count": "1", "cumulative": "1"}]


def test_ranktable_zh_headers_xlsx_and_pdf(app, scored, db, tmp_path):
    run(app, "scores", "compute", "SD2026CK")
    zh = tmp_path / "zh.csv"
    assert (
        run(app, "export", "ranktable", "SD2026CK", "--headers", "zh", "-o", str(zh)).exit_code == 0
    )
    assert list(_csv(zh)[0]) == ["专业类别", "分数", "人数", "累计人数"]
    for fmt, magic in (("xlsx", b"PK"), ("pdf", b"%PDF")):
        out = tmp_path / f"rt.{fmt}"
        result = run(app, "export", "ranktable", "SD2026CK", "--format", fmt, "-o", str(out))
        assert result.exit_code == 0 and out.read_bytes().startswith(magic)


def test_ranktable_before_compute_is_refused(app, scored, tmp_path):
    result = run(app, "export", "ranktable", "SD2026CK", "-o", str(tmp_path / "x.csv"))
    assert result.exit_code == 1 and "尚未按当前规则计算成绩" in result.output
    assert "Traceback" not in result.output


def test_graded_scores_stored_as_points_only_are_understood(app, db):
    exam = load_exam(GUANGDONG)
    cand = add_candidate(exam, "CS", {"chinese": D(100), "cert": "C"})
    from admissions.models import ComponentScore

    row = db.session.scalar(select(ComponentScore).where(ComponentScore.grade.is_not(None)))
    row.grade = None  # only the points (35) kept
    db.session.commit()
    assert run(app, "scores", "compute", exam.code).exit_code == 0
    assert db.session.scalar(
        select(ScoreResult.raw_total).where(ScoreResult.candidate_id == cand.id)
    ) == D(85)


def test_failed_recompute_keeps_the_previous_results(app, scored, db):
    assert run(app, "scores", "compute", "SD2026CK").exit_code == 0
    before = sorted(db.session.scalars(select(ScoreResult.total)))
    add_candidate(_exam(db), "IT", FULL | {"skill": D(231)})  # above the maximum 230
    db.session.commit()
    result = run(app, "scores", "compute", "SD2026CK")
    assert result.exit_code == 1 and "成绩数据有误：技能测试" in result.output
    db.session.expire_all()
    assert sorted(db.session.scalars(select(ScoreResult.total))) == before

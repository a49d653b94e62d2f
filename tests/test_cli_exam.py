"""`exam load` and `exam export`: validation, versions, refusals, round trip."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from admissions.config import REPO_ROOT
from admissions.models import (
    AuditEvent,
    Batch,
    Category,
    Component,
    ControlLine,
    Exam,
    Province,
    Round,
    RulesVersion,
    Scheme,
)
from scoring.rules import load_rules
from tests.test_compute_support import (
    GUANGDONG,
    SHANDONG,
    add_candidate,
    load_exam,
    run,
    write_rules,
)


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _exam(db, code: str = "SD2026CK") -> Exam:
    db.session.expire_all()
    return db.session.scalar(select(Exam).where(Exam.code == code))


def test_load_creates_province_exam_version_and_tables(app, db, tmp_path):
    result = run(app, "exam", "load", str(write_rules(tmp_path, SHANDONG)))
    assert result.exit_code == 0, result.output
    assert "已创建考试 SD2026CK：规则第 1 版" in result.output
    exam = _exam(db)
    assert exam.province.code == "370000" and exam.current_rules_version == 1
    assert exam.ranking_scheme == "standard"
    assert [c.code for c in exam.components] == ["chinese", "math", "english", "knowledge", "skill"]
    assert len(exam.categories) == 15
    assert [b.code for b in exam.batches] == [b.code for b in load_rules(SHANDONG).batches]
    assert _count(db, Scheme) == 1 and _count(db, RulesVersion) == 1
    assert _count(db, Round) == sum(b.rounds for b in exam.batches)
    assert _count(db, ControlLine) > 0
    assert db.session.scalar(select(AuditEvent.action)) == "exam.create"


def test_bad_rules_print_every_engine_error_and_write_nothing(app, db, tmp_path):
    bad = SHANDONG.replace('formula = "chinese + math', 'formula = "chinese + mathz').replace(
        'group = "vocational"', 'group = "skills"', 1
    )
    result = run(app, "exam", "load", str(write_rules(tmp_path, bad, "bad.toml")))
    assert result.exit_code == 1
    assert re.search(r"bad.toml 第 \d+ 行第 \d+ 列（schemes.standard.formula）：", result.output)
    assert "mathz" in result.output and "components.knowledge.group" in result.output
    assert "Traceback" not in result.output
    assert _count(db, Exam) == 0 and _count(db, Province) == 0 and _count(db, AuditEvent) == 0


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xff\xfe\x00bad", "无法读取规则文件"),
        (b"[exam\ncode=", "r.toml 第 1 行第 6 列：TOML 格式错误：表头末尾缺少“]”"),
    ],
)
def test_unreadable_or_broken_file_is_one_clear_message(app, db, tmp_path, content, expected):
    path = tmp_path / "r.toml"
    path.write_bytes(content)
    result = run(app, "exam", "load", str(path))
    assert result.exit_code == 1 and expected in result.output
    assert _count(db, Exam) == 0


def test_missing_file_is_refused(app, db, tmp_path):
    result = run(app, "exam", "load", str(tmp_path / "none.toml"))
    assert result.exit_code == 1 and "无法读取规则文件" in result.output


def test_changed_rules_make_a_new_version_and_update_the_tables(app, db, tmp_path):
    assert run(app, "exam", "load", str(write_rules(tmp_path, SHANDONG))).exit_code == 0
    changed = (
        SHANDONG.replace("max = 230", "max = 240")
        .replace('PRE = "学前教育类"', 'PRE = "学前教育类"\nART = "艺术类"')
        .replace("bonus_cap = 10", "bonus_cap = 5")
    )
    result = run(app, "exam", "load", str(write_rules(tmp_path, changed, "v2.toml")))
    assert result.exit_code == 0, result.output
    assert "已更新规则 SD2026CK：规则第 2 版" in result.output
    exam = _exam(db)
    assert exam.current_rules_version == 2
    skill = db.session.scalar(select(Component).where(Component.code == "skill"))
    assert skill.max == Decimal(240)
    assert "ART" in {c.code for c in exam.categories}
    schemes = db.session.scalars(select(Scheme).order_by(Scheme.id)).all()
    assert [s.bonus_cap for s in schemes] == [Decimal(10), Decimal(5)]
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["exam.create", "exam.rules_version"]


def test_same_rules_again_change_nothing(app, db, tmp_path):
    path = str(write_rules(tmp_path, SHANDONG))
    run(app, "exam", "load", path)
    result = run(app, "exam", "load", path)
    assert result.exit_code == 0 and "规则未变化" in result.output
    assert _count(db, RulesVersion) == 1


def test_frozen_version_refuses_a_new_one(app, db, tmp_path):
    run(app, "exam", "load", str(write_rules(tmp_path, SHANDONG)))
    db.session.scalar(select(RulesVersion)).frozen = True
    db.session.commit()
    changed = SHANDONG.replace("max = 230", "max = 240")
    result = run(app, "exam", "load", str(write_rules(tmp_path, changed, "v2.toml")))
    assert result.exit_code == 1
    assert (
        "v2.toml: 考试 SD2026CK 的规则第 1 版已被正式投档使用（已冻结），不能再修改"
        in result.output
    )
    assert _count(db, RulesVersion) == 1
    db.session.expire_all()
    assert db.session.scalar(select(Component.max).where(Component.code == "skill")) == 230


def test_removing_a_category_in_use_is_refused(app, db, tmp_path):
    exam = load_exam(GUANGDONG)
    add_candidate(exam, "EDU", {"chinese": Decimal(90)})
    db.session.commit()
    changed = GUANGDONG.replace('EDU = "教育类"\n', "")
    result = run(app, "exam", "load", str(write_rules(tmp_path, changed)))
    assert result.exit_code == 1 and "专业类别 EDU 已有考生或招生计划使用" in result.output
    assert _count(db, RulesVersion) == 1 and _count(db, Category) == 5


def test_removing_an_unused_category_deletes_it(app, db, tmp_path):
    load_exam(GUANGDONG)
    changed = GUANGDONG.replace('EDU = "教育类"\n', "")
    assert run(app, "exam", "load", str(write_rules(tmp_path, changed))).exit_code == 0
    assert _count(db, Category) == 4


def test_removing_a_component_with_scores_is_refused(app, db, tmp_path):
    exam = load_exam(GUANGDONG)
    add_candidate(exam, "CS", {"english": Decimal(90)})
    db.session.commit()
    changed = GUANGDONG.replace(
        '[components.english]\nname = "英语"\nmax = 150\ngroup = "culture"\n', ""
    )
    changed = changed.replace("chinese + math + english", "chinese + math").replace(
        ', "english"]', "]"
    )
    result = run(app, "exam", "load", str(write_rules(tmp_path, changed)))
    assert result.exit_code == 1 and "科目 english 已有 1 条成绩" in result.output, result.output
    assert _count(db, Component) == 5


def test_another_province_is_refused(app, db, tmp_path):
    load_exam(GUANGDONG)
    changed = GUANGDONG.replace('province = "440000"', 'province = "370000"')
    result = run(app, "exam", "load", str(write_rules(tmp_path, changed)))
    assert result.exit_code == 1 and "省份 370000" in result.output


def test_fewer_batches_and_rounds_follow_the_rules(app, db, tmp_path):
    load_exam(GUANGDONG)
    changed = GUANGDONG.replace("rounds = 2", "rounds = 1")
    assert run(app, "exam", "load", str(write_rules(tmp_path, changed))).exit_code == 0
    assert _count(db, Round) == 1 and _count(db, Batch) == 1


@pytest.mark.parametrize(
    "preset", sorted((REPO_ROOT / "presets").glob("*.toml")), ids=lambda p: p.stem
)
def test_export_round_trips(app, db, tmp_path, preset):
    assert run(app, "exam", "load", str(preset)).exit_code == 0
    code = load_rules(preset).exam.code
    out = tmp_path / "out.toml"
    result = run(app, "exam", "export", code, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert load_rules(out) == load_rules(preset)


def test_export_of_an_unknown_exam_is_refused(app, db, tmp_path):
    result = run(app, "exam", "export", "NOPE", "-o", str(tmp_path / "x.toml"))
    assert result.exit_code == 1 and "考试 NOPE 不存在" in result.output

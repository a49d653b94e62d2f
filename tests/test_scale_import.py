"""The approved scale (核定招生规模): its file, and the plans import checked against it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from admissions.models import Institution, PlanLine, PlanScale
from admissions.services.exam.rules import export_rules, load_exam_rules, parse_rules
from admissions.services.exam.tables import RulesChangeRefused
from admissions.services.imports.pipeline import import_file
from scoring.rules import RulesError
from tests.board_factories import PLANS_HEADER, create_board_exam, csv_bytes, plans_file

SCALE_HEADER = ["level", "institution_code", "seats", "reserved"]


def levelled_exam():
    """The board exam with BK = 本科 and ZK = 专科."""
    exam = create_board_exam()
    for batch in exam.batches:
        batch.level = "本科" if batch.code == "BK" else "专科"
    return exam


def scale_file(*rows: list[str]) -> bytes:
    return csv_bytes([SCALE_HEADER, *[list(r) for r in rows]])


def _errors(result) -> list[str]:
    return [str(e) for e in result.errors]


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_scale_import_replaces_the_scale(db):
    exam = levelled_exam()
    first = import_file(exam, "scale", scale_file(["本科", "", "100", "10"], ["本科", "10101", "60", ""]),
                        "s.csv", None, dry_run=False)  # fmt: skip
    assert first.ok and (first.inserted, first.updated) == (2, 0)
    again = import_file(exam, "scale", scale_file(["本科", "", "120", "10"]), "s.csv", None,
                        dry_run=False)  # fmt: skip
    assert (again.inserted, again.updated, again.unchanged) == (0, 1, 0)
    rows = db.session.execute(select(PlanScale.level, PlanScale.institution_code, PlanScale.seats,
                                     PlanScale.reserved)).all()  # fmt: skip
    assert rows == [("本科", "", 120, 10)]


def test_scale_with_chinese_headers_may_name_an_unknown_institution(db):
    exam = levelled_exam()
    data = csv_bytes([["层次", "院校代码", "核定数", "预留数"], ["专科", "19999", "40", "5"]])
    result = import_file(exam, "scale", data, "s.csv", None, dry_run=False)
    assert result.ok, _errors(result)
    assert _count(db, Institution) == 0


def test_scale_shape_errors_are_all_reported_and_nothing_written(db):
    exam = levelled_exam()
    data = scale_file(["硕士", "", "10", ""], ["本科", "1010", "10", ""], ["专科", "", "10", "11"])
    result = import_file(exam, "scale", data, "s.csv", None, dry_run=False)
    assert _errors(result) == [
        "s.csv:2: level: 层次「硕士」应为 本科 或 专科",
        "s.csv:3: institution_code: 院校代码「1010」应为5位数字",
        "s.csv:4: reserved: 预留数 11 大于核定数 10",
    ]
    assert _count(db, PlanScale) == 0


def test_scale_refused_while_a_batch_has_no_level(db):
    exam = create_board_exam()
    exam.batches[0].level = "本科"
    result = import_file(exam, "scale", scale_file(["本科", "", "10", ""]), "s.csv", None,
                         dry_run=False)  # fmt: skip
    assert _errors(result) == [
        's.csv:2: level: 设定核定规模前，规则文件的每个批次都须写明层次（level = "本科" 或 "专科"）；'
        "未写层次的批次：专科批（ZK）"
    ]
    assert _count(db, PlanScale) == 0


def test_plans_import_without_a_scale_is_unchanged(db):
    exam = create_board_exam()
    result = import_file(exam, "plans", plans_file(), "p.csv", None, dry_run=False)
    assert result.ok and result.inserted == 4


def test_plans_beyond_the_scale_are_refused_with_every_excess_named(db):
    exam = levelled_exam()
    scale = scale_file(["本科", "", "45", "5"], ["本科", "10101", "40", ""], ["专科", "", "20", ""],
                       ["专科", "10102", "8", "0"])  # fmt: skip
    assert import_file(exam, "scale", scale, "s.csv", None, dry_run=False).ok
    result = import_file(exam, "plans", plans_file(), "p.csv", None, dry_run=False)
    assert _errors(result) == [
        "p.csv:3: seats: 全省本科计划 50 人，超出核定规模 40 人（核定 45 人，其中预留 5 人），超出 10 人",
        "p.csv:3: seats: 山东职业学院（10101）本科计划 50 人，超出核定规模 40 人，超出 10 人",
        "p.csv:5: seats: 济南职业学院（10102）专科计划 10 人，超出核定规模 8 人，超出 2 人",
    ]
    assert _count(db, PlanLine) == 0 and _count(db, Institution) == 0


def test_an_institution_the_scale_does_not_name_has_no_seats_at_that_level(db):
    exam = levelled_exam()
    assert import_file(exam, "scale", scale_file(["专科", "10101", "8", ""]), "s.csv", None,
                       dry_run=False).ok  # fmt: skip
    result = import_file(exam, "plans", plans_file(), "p.csv", None, dry_run=False)
    assert _errors(result) == [
        "p.csv:5: seats: 济南职业学院（10102）没有专科核定规模，不能安排专科计划 10 人"
    ]


def test_plans_within_the_scale_are_published_and_a_later_file_counts_them(db):
    exam = levelled_exam()
    scale = scale_file(["本科", "", "60", ""], ["专科", "", "10", ""])
    assert import_file(exam, "scale", scale, "s.csv", None, dry_run=False).ok
    assert import_file(exam, "plans", plans_file(), "p.csv", None, dry_run=False).ok
    more = csv_bytes([PLANS_HEADER, ["BK", "10103", "青岛职业学院", "Q1", "护理", "IT", "11", ""]])
    result = import_file(exam, "plans", more, "q.csv", None, dry_run=False)
    assert _errors(result) == ["q.csv:2: seats: 全省本科计划 61 人，超出核定规模 60 人，超出 1 人"]
    smaller = csv_bytes([PLANS_HEADER, ["BK", "10101", "山东职业学院", "P1", "软件技术", "IT", "19", ""],
                         ["BK", "10103", "青岛职业学院", "Q1", "护理", "IT", "11", ""]])  # fmt: skip
    assert import_file(exam, "plans", smaller, "q.csv", None, dry_run=False).ok


def _preset(with_levels: bool) -> str:
    text = (Path(__file__).parent.parent / "presets" / "shandong.toml").read_text(encoding="utf-8")
    if with_levels:
        text = text.replace('name = "本科批"\n', 'name = "本科批"\nlevel = "本科"\n')
        text = text.replace('name = "专科批"\n', 'name = "专科批"\nlevel = "专科"\n')
    return text


def test_rules_levels_are_stored_and_required_once_a_scale_is_set(db):
    load = load_exam_rules(_preset(True))
    assert [b.level for b in load.exam.batches] == ["本科", "专科"]
    assert 'level = "本科"' in export_rules(load.exam)
    assert import_file(load.exam, "scale", scale_file(["本科", "", "10", ""]), "s.csv", None,
                       dry_run=False).ok  # fmt: skip
    with pytest.raises(RulesChangeRefused) as refused:
        load_exam_rules(_preset(False))
    assert str(refused.value) == (
        '考试 SD2026CK 已设定核定招生规模，每个批次都须写明层次（level = "本科" 或 "专科"）；'
        "未写层次的批次：本科批（BK）、专科批（ZK）"
    )


def test_a_level_the_rules_do_not_know_is_refused():
    with pytest.raises(RulesError) as refused:
        parse_rules(_preset(True).replace('level = "专科"', 'level = "高职"'), "r.toml")
    assert '层次须为 "本科" 或 "专科"' in str(refused.value)

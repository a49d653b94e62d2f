"""Label helpers: names before codes, statuses and audit words in Chinese, Beijing time, plain
numbers, and rules in words through the template filters."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from admissions.audit_names import ACTION_NAMES, action_name, field_name, object_name
from admissions.labels import (
    DISPATCH_STATUS_NAMES,
    batch_label,
    candidate_category,
    category_label,
    named,
    named_object,
    status_tag,
)
from admissions.models import ExamStatus, KeyingStatus
from admissions.templating import beijing, condition_words, formula_words, line_words, plain_number
from tests.factories import create_exam, create_institution, create_plan_line


@pytest.mark.parametrize(
    ("name", "code", "shown"),
    [("齐鲁工业大学", "10001", "齐鲁工业大学（10001）"), ("", "TRD", "TRD"), ("财经商贸类", None, "财经商贸类"),
     ("IT", "IT", "IT"), (" 本科批 ", " BK ", "本科批（BK）"), (None, None, "")],
)  # fmt: skip
def test_names_come_before_codes(name, code, shown):
    assert named(name, code) == shown


def test_objects_and_codes_of_an_exam_read_by_name(db):
    exam = create_exam(name="山东省2026年春季高考", code="SD2026CK")
    institution = create_institution(name="齐鲁工业大学", code="10001")
    line = create_plan_line(
        exam, institution=institution, program_name="软件技术", program_code="510203"
    )
    assert named_object(exam) == "山东省2026年春季高考（SD2026CK）"
    assert named_object(institution) == "齐鲁工业大学（10001）"
    assert named_object(line) == "软件技术（510203）"
    assert named_object(None) == ""
    assert category_label(exam, "IT") == "信息技术类（IT）"
    assert category_label(exam, "ZZ") == "ZZ" and category_label(exam, "") == ""
    assert batch_label(exam, "BK") == "本科批（BK）"


def test_a_candidates_own_category_reads_as_the_exams_list_names_it(db):
    """A student's pages name the category from the candidate's own row, loaded with the
    candidate: the same words as ``category_label`` of the exam, for known and unknown codes."""
    from admissions.access import get_candidate_for_student
    from admissions.extensions import db as ext_db
    from admissions.models import Account, Role
    from tests.factories import create_candidate

    exam = create_exam()
    for code in ("IT", "ZZ", ""):
        candidate = create_candidate(exam, category_code=code)
        ext_db.session.expire_all()
        student = Account(role=Role.STUDENT, candidate_id=candidate.id)
        loaded = get_candidate_for_student(candidate.id, student)
        assert candidate_category(loaded) == category_label(exam, code)
    assert candidate_category(loaded) == ""


def test_every_status_has_a_chinese_name_and_a_tone():
    for status in ExamStatus:
        name, tone = status_tag("exam", status)
        assert name != status.value and tone in {"grey", "blue", "green", "yellow", "red"}
    for status in KeyingStatus:
        assert status_tag("keying", status)[0] != status.value
    assert [status_tag("dispatch", s) for s in DISPATCH_STATUS_NAMES] == [
        ("待审核", "yellow"),
        ("已录取", "green"),
        ("已退档", "red"),
    ]
    assert status_tag("round", "填报中") == ("填报中", "blue")
    assert status_tag("active", False) == ("已停用", "grey")
    assert status_tag("job", "unknown-state") == ("unknown-state", "grey")  # shown, never hidden


def test_audit_words_are_chinese_and_unknown_codes_stay_visible():
    assert all(not name.isascii() for name in ACTION_NAMES.values())
    assert action_name("round.window_close") == "关闭志愿填报"
    assert object_name("dispatch") == "投档记录" and object_name("new_table") == "new_table"
    assert object_name(None) == ""
    assert field_name("prefs_close_at") == "志愿填报截止" and field_name("x_y") == "x_y"


def test_times_are_shown_in_beijing_time():
    moment = datetime(2026, 6, 30, 17, 5, 9, tzinfo=UTC)
    assert beijing(moment) == "2026-07-01 01:05（北京时间）"
    assert beijing(moment, seconds=True, suffix=False) == "2026-07-01 01:05:09"
    assert beijing(moment.replace(tzinfo=None)) == "2026-07-01 01:05（北京时间）"  # stored UTC
    assert beijing(None) == "—"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("500.0000"), "500"),
        (Decimal("98.5000"), "98.5"),
        (7, "7"),
        (None, "—"),
        ("3.10", "3.1"),
    ],
)
def test_numbers_are_plain(value, text):
    assert plain_number(value) == text


def test_rules_read_in_words_with_the_exam_component_names(db):
    exam = create_exam()
    assert formula_words("chinese + 2 * skill", exam) == "语文 + 2 × 技能测试"
    assert condition_words("skill >= 138", exam) == "技能测试 ≥ 138"
    assert line_words(["total >= 521", "vocational >= 300"], exam) == "总分 ≥ 521，职业技能 ≥ 300"
    assert condition_words("english >= 60", exam) == "english >= 60"  # unknown name: as written
    assert formula_words(None, exam) == "" and line_words(None, exam) == ""

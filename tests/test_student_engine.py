"""The weighting engine on the student pages: explanation, control lines, requirement warnings."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from admissions.extensions import db as _db
from admissions.models import ExamStatus, Role, Round, RoundStatus, utcnow
from admissions.services.exam.rules import parse_rules
from admissions.services.students.explain import explanation, requirement_warnings
from scoring.composite import CandidateInput, compute_candidate
from tests.factories import create_account, create_plan_line, login
from tests.student_factories import publish_scores
from tests.test_compute_support import GUANGDONG, add_candidate, load_exam

D = Decimal
D0 = Decimal(0)
WORKED = {"chinese": D("98.5"), "math": D(112), "english": D(87), "skill_test": D(73), "cert": "B"}
WEAK = {"chinese": D(60), "math": D(60), "english": D(50), "skill_test": D(50), "cert": "C"}


def open_round_one(batch):
    """Open the first round the rules file created for ``batch``."""
    round_ = _db.session.scalar(select(Round).where(Round.batch_id == batch.id, Round.number == 1))
    now = utcnow()
    round_.status = RoundStatus.OPEN
    round_.prefs_open_at, round_.prefs_close_at = now - timedelta(days=1), now + timedelta(hours=1)


def _student(exam, scores, bonus=D0):
    candidate = add_candidate(exam, "CS", scores, bonus=bonus)
    create_account(Role.STUDENT, candidate_id=candidate.id)
    return candidate


def test_explanation_of_the_worked_example(db):
    exam = load_exam(GUANGDONG)
    candidate = _student(exam, WORKED, bonus=D(15))
    shown = explanation(candidate, rank=1)
    assert shown is not None and shown.qualified
    assert list(shown.lines) == [
        "计分公式：0.5 × (语文 + 数学 + 英语) + 1.8 × 专业技能课程考试 + 证书等级",
        "语文：98.5，权重 0.5，计入 49.25",
        "数学：112，权重 0.5，计入 56",
        "英语：87，权重 0.5，计入 43.5",
        "专业技能课程考试：73，权重 1.8，计入 131.4",
        "证书等级：40，权重 1，计入 40",
        "总分（不含加分）：320.2",
        "加分：10（申报 15）",
        "总分：330.2",
        "位次：1",
        "资格审核：符合",
        "本科批控制线：符合",
    ]


def test_failing_control_line_gives_its_reason(db):
    exam = load_exam(GUANGDONG)
    candidate = _student(exam, WEAK)  # 0.5*170 + 1.8*50 + 35 = 210
    shown = explanation(candidate)
    assert shown is not None
    assert ("本科批控制线", False, ("总分 210 < 300",)) in shown.verdicts
    assert "本科批控制线：不符合（总分 210 < 300）" in shown.lines


def test_missing_certificate_fails_qualification_with_reason(db):
    exam = load_exam(GUANGDONG)
    candidate = _student(exam, {**WORKED, "cert": None})
    shown = explanation(candidate)
    assert shown is not None and not shown.qualified
    assert "资格审核：不符合（证书等级 0 ≤ 0）" in shown.lines


def _computed(scores):
    rules = parse_rules(GUANGDONG)
    return rules, compute_candidate(rules, "standard", CandidateInput(scores)).env()


def test_requirement_warns_only_for_the_failing_condition():
    rules_text = "english >= 60; skill_test >= 70"
    assert requirement_warnings(rules_text, True, _computed(WORKED)) == []
    low_skill = _computed({**WORKED, "skill_test": D(65)})
    assert requirement_warnings(rules_text, True, low_skill) == [
        "不满足报考要求：专业技能课程考试 ≥ 70（专业技能课程考试 65 < 70）"
    ]
    both = requirement_warnings(
        rules_text, True, _computed({**WORKED, "english": D(59), "skill_test": D(1)})
    )
    assert len(both) == 2 and "英语 59 < 60" in both[0]


def test_requirement_on_derived_values_and_unreadable_text():
    worked = _computed(WORKED)
    assert requirement_warnings("culture >= 300", True, worked) == [
        "不满足报考要求：文化素质 ≥ 300（文化素质 297.5 < 300）"
    ]
    assert requirement_warnings("total >= 320.2; raw_total > 320", True, worked) == []
    assert requirement_warnings("面试合格; nosuch >= 1", True, worked) == [
        "报考要求：面试合格（请自行核对）",
        "报考要求：nosuch >= 1（请自行核对）",
    ]
    assert requirement_warnings("english >= 60", True, None) == [
        "报考要求：english >= 60（请自行核对）"
    ]
    assert requirement_warnings("english >= 60", False, worked) == [
        "报考要求：英语 ≥ 60（成绩公布后自动核对）"
    ]
    labels = {"english": "英语"}
    assert requirement_warnings("english >= 60", False, None, labels) == [
        "报考要求：英语 ≥ 60（成绩公布后自动核对）"
    ]
    assert requirement_warnings(" ; ", True, worked) == []


def test_scores_page_shows_explanation_only_after_publication(client, db):
    exam = load_exam(GUANGDONG)
    exam.status = ExamStatus.SCORING
    candidate = _student(exam, WEAK)
    db.session.commit()
    login(client, candidate.candidate_no)
    page = client.get("/student/scores").get_data(as_text=True)
    assert "计分说明" not in page and "总分 210" not in page
    publish_scores(exam)
    db.session.commit()
    page = client.get("/student/scores").get_data(as_text=True)
    assert "计分说明" in page and "专业技能课程考试：50，权重 1.8，计入 90" in page
    assert "本科批控制线：不符合（总分 210 &lt; 300）" in page
    assert "计分公式：0.5 × (语文 + 数学 + 英语) + 1.8 × 专业技能课程考试 + 证书等级" in page
    assert "chinese + math" not in page  # the formula in words, never the rules file's codes


def test_editor_warns_on_plan_line_requirements_after_publication(client, db):
    exam = load_exam(GUANGDONG)
    batch = exam.batches[0]
    candidate = _student(exam, WORKED)
    open_round_one(batch)
    create_plan_line(exam, category_code="CS", program_name="严格专业",
                     requirements="english >= 90; skill_test >= 70")  # fmt: skip
    db.session.commit()
    login(client, candidate.candidate_no)
    url = f"/student/preferences/{batch.id}/1"
    page = client.get(url).get_data(as_text=True)
    assert "报考要求：英语 ≥ 90（成绩公布后自动核对）" in page
    publish_scores(exam)
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "不满足报考要求：英语 ≥ 90（英语 87 &lt; 90）" in page
    assert "专业技能课程考试 ≥ 70" not in page and "english" not in page

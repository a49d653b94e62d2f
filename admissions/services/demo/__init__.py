"""The demo exam: Shandong-like rules, 40 institutions, synthetic candidates, one account per role.
Writes demo data only; must not be called outside `flask demo load` and the tests.

Deterministic (seeded) and idempotent: loading twice creates nothing new the second time.
Flushes only; the CLI command commits.
"""

from __future__ import annotations

import random
import tomllib
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, insert, select

from admissions.extensions import db
from admissions.models import (
    Account,
    Candidate,
    ComponentScore,
    Exam,
    ExamStatus,
    PlanLine,
    Role,
    utcnow,
)
from admissions.services import audit
from admissions.services.accounts import create_account
from admissions.services.demo import seasons
from admissions.services.demo.people import Person, component_score, make_people
from admissions.services.demo.plans import create_plan_lines
from admissions.services.demo.preferences import create_preferences
from admissions.services.exam.rules import create_exam_from_rules
from admissions.services.students.activation import issue_code

DEMO_PASSWORDS = {
    Role.ADMIN: "demo-admin-2026",
    Role.BOARD: "demo-board-2026",
    Role.UNIVERSITY: "demo-univ-2026",
    Role.STUDENT: "demo-student-2026",
}
STAMP = datetime(2026, 5, 20, 8, 0, tzinfo=UTC)


@dataclass
class DemoResult:
    """What the demo load did, and the logins to print."""

    exam_code: str
    created: bool
    counts: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # role label, username, pw
    # 考生号, 身份证号 and 激活码 of one imported candidate
    activation: tuple[str, str, str] | None = None

    def summary(self) -> str:
        """Plain text for the terminal."""
        head = "已创建演示考试" if self.created else "演示考试已存在，未重复创建"
        lines = [f"{head}：{self.exam_code}"]
        lines += [f"  {name}: {value}" for name, value in self.counts.items()]
        lines.append("演示账号 (demo logins) — http://127.0.0.1:5000/login")
        lines += [f"  {label:<6} 用户名 {user:<16} 密码 {pw}" for label, user, pw in self.logins]
        if self.activation:
            number, national_id, code = self.activation
            lines.append("激活账号 (activation) — http://127.0.0.1:5000/activate")
            lines.append(f"  考生号 {number} 身份证号 {national_id} 激活码 {code}")
        return "\n".join(lines)


def load_demo(toml_text: str, *, candidates: int = 5000, seed: int = 2026) -> DemoResult:
    """Create the demo exam and accounts unless they exist; return counts and logins."""
    code = tomllib.loads(toml_text)["exam"]["code"]
    exam = db.session.scalar(select(Exam).where(Exam.code == code))
    created = exam is None
    if exam is None:
        exam = _create_exam_data(toml_text, candidates, random.Random(seed))
    _other_years(toml_text, exam, max(1, candidates * 4 // 5), seed)
    result = DemoResult(exam_code=code, created=created, counts=_counts(exam))
    result.logins = _ensure_accounts(exam)
    result.activation = _activation_code(exam)
    return result


def _create_exam_data(toml_text: str, count: int, rng: random.Random) -> Exam:
    exam = create_exam_from_rules(toml_text, status=ExamStatus.SCORING)
    exam.registration_opens_at = datetime(2025, 11, 20, tzinfo=UTC)
    exam.registration_closes_at = datetime(2025, 12, 10, tzinfo=UTC)
    _set_round_deadlines(exam)
    people = make_people(rng, count, exam.year)
    ids = _insert_candidates(exam, people)
    totals = _insert_scores(rng, exam, people, ids)
    per_category = Counter(p.category for p in people)
    lines = create_plan_lines(rng, exam, dict(per_category))
    create_preferences(rng, exam, lines, _percentiles(people, ids, totals), STAMP)
    audit.record(None, "demo.load", exam, after={"candidates": count})
    return exam


def _other_years(toml_text: str, current: Exam, count: int, seed: int) -> None:
    """Last year's exam with its rounds published, and next year's taking registrations."""
    rules_last = seasons.shifted_rules(toml_text, -1)
    if seasons.existing(rules_last) is None:
        rng = random.Random(seed - 1)
        last = seasons.create_last_year(toml_text)
        people = make_people(rng, count, last.year)
        ids = _insert_candidates(last, people, datetime(last.year, 5, 20, 8, tzinfo=UTC))
        totals = _insert_scores(rng, last, people, ids)
        lines = seasons.copy_lines(rng, current, last)
        create_preferences(rng, last, lines, _percentiles(people, ids, totals),
                           datetime(last.year, 7, 1, 9, tzinfo=UTC))  # fmt: skip
        seasons.run_season(last)
    if seasons.existing(seasons.shifted_rules(toml_text, 1)) is None:
        seasons.create_next_year(toml_text)


def _set_round_deadlines(exam: Exam) -> None:
    """First rounds in early July, supplementary rounds a week later (illustrative dates).

    A demo loaded after that July starts its season the day before loading instead, so the first
    round's preferences and decisions are still open: a demo whose deadlines all lie in the
    past lets no university record a decision."""
    season = max(
        datetime(exam.year, 7, 1, 1, 0, tzinfo=UTC),
        utcnow().replace(hour=1, minute=0, second=0, microsecond=0) - timedelta(days=1),
    )
    for batch in exam.batches:
        for round_ in batch.round_rows:
            start = season + timedelta(days=7 * (round_.number - 1))
            start += timedelta(days=3 * (batch.sequence - 1))
            round_.prefs_open_at = start
            round_.prefs_close_at = start + timedelta(days=2, hours=9)
            round_.decisions_deadline = start + timedelta(days=5)


def _evidence(person: Person) -> dict[str, object]:
    """Work-experience evidence of a demo candidate of that type (employer and years)."""
    if person.candidate_type != "具有工作经历":
        return {"work_employer": "", "work_years": None}
    return {"work_employer": person.school.replace("学校", "实习工厂"),
            "work_years": 1 + int(person.candidate_no[-1]) % 5}  # fmt: skip


def _insert_candidates(exam: Exam, people: list[Person], stamp: datetime = STAMP) -> dict[str, int]:
    rows = [
        {"exam_id": exam.id, "candidate_no": p.candidate_no, "national_id": p.national_id,
         "name": p.name, "gender": p.gender, "birth_date": p.birth_date,
         "category_code": p.category, "candidate_type": p.candidate_type, "school": p.school,
         "major": "", "phone": p.phone, "bonus": p.bonus,
         "bonus_reason": "省级技能大赛获奖" if p.bonus else "", "registered_at": STAMP,
         **_evidence(p)}
        for p in people
    ]  # fmt: skip
    db.session.execute(insert(Candidate), rows)
    found = db.session.execute(
        select(Candidate.candidate_no, Candidate.id).where(Candidate.exam_id == exam.id)
    ).all()
    return {candidate_no: candidate_id for candidate_no, candidate_id in found}


def _insert_scores(
    rng: random.Random, exam: Exam, people: list[Person], ids: dict[str, int]
) -> dict[int, Decimal]:
    rows = []
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for person in people:
        candidate_id = ids[person.candidate_no]
        for component in exam.components:
            value = component_score(rng, person.ability, component.max)
            rows.append({"candidate_id": candidate_id, "component_id": component.id,
                         "value": value, "grade": None, "source": "demo"})  # fmt: skip
            totals[candidate_id] += value or 0
    db.session.execute(insert(ComponentScore), rows)
    return totals


def _percentiles(
    people: list[Person], ids: dict[str, int], totals: dict[int, Decimal]
) -> list[tuple[int, str, float]]:
    by_category: dict[str, list[Decimal]] = defaultdict(list)
    for p in people:
        by_category[p.category].append(totals[ids[p.candidate_no]])
    for values in by_category.values():
        values.sort()
    result = []
    for p in people:
        values = by_category[p.category]
        total = totals[ids[p.candidate_no]]
        result.append((ids[p.candidate_no], p.category, bisect_left(values, total) / len(values)))
    return result


def _counts(exam: Exam) -> dict[str, int]:
    def count(model: type, *where: ColumnElement[bool]) -> int:
        return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0

    return {
        "考生": count(Candidate, Candidate.exam_id == exam.id),
        "计划条数": count(PlanLine, PlanLine.exam_id == exam.id),
        "计划名额": db.session.scalar(
            select(func.coalesce(func.sum(PlanLine.seats), 0)).where(PlanLine.exam_id == exam.id)
        )
        or 0,
    }


def _ensure_accounts(exam: Exam) -> list[tuple[str, str, str]]:
    """One account per role; existing ones are left as they are."""
    first_line = db.session.scalar(
        select(PlanLine).where(PlanLine.exam_id == exam.id).order_by(PlanLine.id).limit(1)
    )
    student = db.session.scalar(
        select(Candidate).where(Candidate.exam_id == exam.id).order_by(Candidate.id).limit(1)
    )
    specs: list[tuple[str, str, Role, dict[str, Any]]] = [
        ("管理员", "admin", Role.ADMIN, {"display_name": "系统管理员", "can_see_full_id": True}),
        ("考试院", "board-sd", Role.BOARD,
         {"display_name": "山东省教育招生考试院", "province_id": exam.province_id, "can_see_full_id": True}),
        # a second clerk: double entry (双录入) needs two board accounts keying the same sheet
        ("考试院（第二录入员）", "board-sd-2", Role.BOARD,
         {"display_name": "山东省教育招生考试院 录入员2", "province_id": exam.province_id}),
    ]  # fmt: skip
    if first_line is not None:
        specs.append(("高校", f"univ-{first_line.institution.code}", Role.UNIVERSITY,
                      {"display_name": first_line.institution.name,
                       "institution_id": first_line.institution_id,
                       "is_institution_admin": True}))  # fmt: skip
    if student is not None:
        specs.append(("考生", student.candidate_no, Role.STUDENT,
                      {"display_name": student.name, "candidate_id": student.id}))  # fmt: skip
    logins = []
    for label, username, role, fields in specs:
        exists = db.session.scalar(select(Account.id).where(Account.username == username))
        if exists is None:
            create_account(username, DEMO_PASSWORDS[role], role, **fields)
        logins.append((label, username, DEMO_PASSWORDS[role]))
    return logins


def _activation_code(exam: Exam) -> tuple[str, str, str] | None:
    """A fresh code for the first candidate without a login (each load reissues it)."""
    has_login = select(Account.id).where(Account.candidate_id == Candidate.id).exists()
    candidate = db.session.scalar(
        select(Candidate).where(Candidate.exam_id == exam.id, ~has_login)
        .order_by(Candidate.id).limit(1)
    )  # fmt: skip
    if candidate is None:
        return None
    return candidate.candidate_no, candidate.national_id, issue_code(None, candidate)

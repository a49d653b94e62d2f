"""The demo load: realistic, valid, deterministic and idempotent."""

from collections import Counter

import pytest
from sqlalchemy import func, select

from admissions import idcard
from admissions.config import REPO_ROOT
from admissions.models import (
    Account,
    Candidate,
    Component,
    ComponentScore,
    Exam,
    ExamStatus,
    PlanLine,
    PreferenceItem,
    PreferenceList,
    Role,
    RulesVersion,
    utcnow,
)
from admissions.services.demo import DEMO_PASSWORDS, load_demo
from tests.factories import login

RULES = (REPO_ROOT / "presets" / "shandong.toml").read_text(encoding="utf-8")


@pytest.fixture
def demo(db):
    result = load_demo(RULES, candidates=1500, seed=7)
    db.session.commit()
    return result


def _current(db):
    return db.session.scalar(select(Exam).where(Exam.code == "SD2026CK"))


def _count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_creates_a_realistic_exam(db, demo):
    exam = _current(db)
    assert (exam.code, exam.status, exam.province.name) == (
        "SD2026CK",
        ExamStatus.SCORING,
        "山东省",
    )
    version = db.session.scalar(select(RulesVersion).where(RulesVersion.exam_id == exam.id))
    assert version.version == 1 and version.toml_text == RULES and len(version.digest) == 64
    assert [c.code for c in exam.components] == ["chinese", "math", "english", "knowledge", "skill"]
    categories = set(
        db.session.scalars(select(Candidate.category_code).where(Candidate.exam_id == exam.id))
    )
    assert len(categories) >= 5
    mine = PlanLine.exam_id == exam.id
    institutions = {
        line.institution_id for line in db.session.scalars(select(PlanLine).where(mine))
    }
    assert len(institutions) == 40
    assert {b.code for b in exam.batches} == {"BK", "ZK"}
    rounds = [r for b in exam.batches for r in b.round_rows]
    assert [r.number for r in rounds] == [1, 2, 1, 2]
    assert all(r.prefs_open_at < r.prefs_close_at < r.decisions_deadline for r in rounds)
    # Loaded after the illustrative July dates, the first rounds are still open for decisions.
    assert all(r.decisions_deadline > utcnow() for r in rounds if r.number == 1)
    seats = db.session.scalar(select(func.sum(PlanLine.seats)).where(mine))
    assert 0.4 * 1500 < seats < 0.9 * 1500


def test_demo_candidates_have_valid_unique_ids_and_scores_in_range(db, demo):
    exam = _current(db)
    candidates = db.session.scalars(select(Candidate).where(Candidate.exam_id == exam.id)).all()
    assert len(candidates) == 1500
    assert all(idcard.validate(c.national_id) is None for c in candidates)
    assert all(c.national_id.startswith("37") for c in candidates)
    assert all(c.birth_date.year in (2007, 2008) for c in candidates)
    assert len({c.national_id for c in candidates}) == 1500
    rows = db.session.execute(
        select(ComponentScore.value, Component.max)
        .join(Component)
        .where(Component.exam_id == exam.id)
    ).all()
    assert len(rows) == 1500 * 5
    assert all(v is None or 0 <= v <= m for v, m in rows)
    assert all(v is None or (v * 2) % 1 == 0 for v, _ in rows)


def test_demo_preferences_are_ordered_and_within_the_category(db, demo):
    assert _count(db, PreferenceList) > 1500
    rows = db.session.execute(
        select(PreferenceItem.list_id, PreferenceItem.position, PlanLine.category_code,
               Candidate.category_code, PlanLine.batch_id, PreferenceList.batch_id)
        .join(PreferenceList, PreferenceItem.list_id == PreferenceList.id)
        .join(PlanLine, PreferenceItem.plan_line_id == PlanLine.id)
        .join(Candidate, PreferenceList.candidate_id == Candidate.id)
    ).all()  # fmt: skip
    assert all(line_cat == cand_cat for _, _, line_cat, cand_cat, _, _ in rows)
    assert all(line_batch == list_batch for *_, line_batch, list_batch in rows)
    positions = Counter(list_id for list_id, *_ in rows)
    per_list = {}
    for list_id, position, *_ in rows:
        per_list.setdefault(list_id, []).append(position)
    assert all(sorted(p) == list(range(1, positions[k] + 1)) for k, p in per_list.items())


def test_demo_is_idempotent_and_prints_the_logins(db, demo):
    again = load_demo(RULES, candidates=1500, seed=7)
    db.session.commit()
    assert not again.created
    assert _count(db, Exam) == 3  # last year's, this year's, next year's
    assert len(_current(db).batches) == 2
    in_exam = select(func.count(Candidate.id)).where(Candidate.exam_id == _current(db).id)
    assert db.session.scalar(in_exam) == 1500
    assert _count(db, Account) == 5
    summary = again.summary()
    for _, username, password in again.logins:
        assert username in summary and password in summary


def test_demo_is_deterministic(db):
    first = load_demo(RULES, candidates=50, seed=3)
    query = select(Candidate.national_id).order_by(Candidate.exam_id, Candidate.candidate_no)
    ids = db.session.scalars(query).all()
    db.session.rollback()
    second = load_demo(RULES, candidates=50, seed=3)
    again = db.session.scalars(query).all()
    assert ids == again and first.counts == second.counts


def test_every_demo_login_reaches_its_home_page(client, demo):
    homes = {"admin": "/admin/", "board-sd": "/board/", "board-sd-2": "/board/"}
    roles = {label: (user, pw) for label, user, pw in demo.logins}
    assert set(roles) == {"管理员", "考试院", "考试院（第二录入员）", "高校", "考生"}
    for user, password in roles.values():
        response = login(client, user, password)
        assert response.status_code == 302, user
        target = homes.get(user, response.headers["Location"])
        assert client.get(target).status_code == 200
        client.get("/")  # landing redirects while logged in
        from tests.factories import csrf_token

        client.post("/logout", data={"csrf_token": csrf_token(client, target)})
    assert set(DEMO_PASSWORDS) == set(Role)


def test_demo_prints_an_activation_code_that_works(demo, client):
    from tests.factories import csrf_token

    number, national_id, code = demo.activation
    assert f"激活码 {code}" in demo.summary()
    data = {"candidate_no": number, "national_id": national_id, "code": code,
            "password": "Qiu-tian-lu-7", "confirm": "Qiu-tian-lu-7",
            "csrf_token": csrf_token(client, "/activate")}  # fmt: skip
    assert client.post("/activate", data=data).status_code == 302


def test_demo_has_last_years_published_rounds_and_an_open_registration(db, demo, client):
    from admissions.models import AllocationRun, Cutoff, RunStatus

    last = db.session.scalar(select(Exam).where(Exam.code == "SD2025CK"))
    assert last.year == 2025 and last.status == ExamStatus.FINISHED
    runs = db.session.scalars(select(AllocationRun).where(AllocationRun.exam_id == last.id)).all()
    assert {(r.status, r.round_number) for r in runs} == {(RunStatus.PUBLISHED, 1)}
    assert len(runs) == 2
    assert db.session.scalar(select(func.count(Cutoff.id)).where(Cutoff.min_total.is_not(None)))
    page = client.get("/").get_data(as_text=True)
    upcoming = db.session.scalar(select(Exam).where(Exam.code == "SD2027CK"))
    assert f"/register?exam={upcoming.id}" in page
    from admissions.services.published.history import last_published

    current = _current(db)
    ids = list(db.session.scalars(select(PlanLine.id).where(PlanLine.exam_id == current.id)))
    found = last_published(current, ids)
    assert found and all(c.source.startswith("2025年") for c in found.values())
    plans = client.get("/exams/SD2026CK/plans").get_data(as_text=True)
    assert "共 " in plans and client.get("/exams/SD2025CK/cutoffs").status_code == 200

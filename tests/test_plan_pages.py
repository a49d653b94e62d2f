"""Pages of plan compilation: the university's draft, the board's review, scale entry, 403s."""

from __future__ import annotations

import io

from sqlalchemy import select

from admissions.extensions import db as _db
from admissions.models import PlanLine, PlanScale
from admissions.services.plans import compile as plans
from tests.board_factories import PLANS_HEADER, csv_bytes
from tests.factories import create_account, create_plan_line, csrf_token, login
from tests.plans_factories import levelled_exam, line, set_scale, university


def _scene(db):
    exam = levelled_exam()
    set_scale(exam, ("本科", "10101", 50, 0))
    institution, staff = university("10101", "山东工程学院")
    other, other_staff = university("10102", "济南职业学院")
    board = create_account("board", province_id=exam.province_id)
    db.session.commit()
    return exam, institution, staff, other, other_staff, board


def _post(client, path, data, page):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, page)})


def test_university_enters_exceeds_fixes_and_submits(client, db):
    exam, institution, staff, *_ = _scene(db)
    login(client, staff.username)
    page = f"/university/plans/{exam.id}"
    html = client.get(page).get_data(as_text=True)
    assert "还没有计划专业" in html and "核定规模" in html
    response = _post(client, f"{page}/lines", line(seats="abc"), page)
    assert response.status_code == 422
    assert "「abc」不是数字" in response.get_data(as_text=True)
    assert _post(client, f"{page}/lines", line(seats="60"), page).status_code == 302
    response = _post(client, f"{page}/submit", {}, page)
    assert response.status_code == 422
    assert (
        "山东工程学院（10101）本科计划 60 人，超出核定规模 50 人，超出 10 人"
        in response.get_data(as_text=True)
    )
    draft = plans.find_submission(exam, institution)
    assert (
        _post(client, f"/university/plans/lines/{draft.lines[0].id}/delete", {}, page).status_code
        == 302
    )
    assert _post(client, f"{page}/lines", line(seats="50"), page).status_code == 302
    assert _post(client, f"{page}/submit", {}, page).status_code == 302
    db.session.expire_all()
    assert plans.find_submission(exam, institution).status == "submitted"
    assert "已提交，待审核" in client.get(page).get_data(as_text=True)


def test_upload_errors_are_listed_and_nothing_changes(client, db):
    exam, institution, staff, *_ = _scene(db)
    login(client, staff.username)
    page = f"/university/plans/{exam.id}"
    data = csv_bytes([PLANS_HEADER, ["BK", "10102", "别的学院", "P2", "机械", "IT", "10", ""]])
    token = csrf_token(client, page)
    response = client.post(f"{page}/upload", data={"csrf_token": token, "file": (io.BytesIO(data), "p.csv")},
                           content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 422
    assert "只能上传本校（10101）的计划，此行为院校 10102" in response.get_data(as_text=True)


def test_a_university_cannot_see_or_change_another_ones_plan(client, db):
    exam, institution, staff, other, other_staff, board = _scene(db)
    theirs = plans.open_submission(exam, other)
    plans.add_line(theirs, line(), other_staff)
    db.session.commit()
    login(client, staff.username)
    page = f"/university/plans/{exam.id}"
    assert "软件工程" not in client.get(page).get_data(as_text=True)
    response = _post(client, f"/university/plans/lines/{theirs.lines[0].id}/delete", {}, page)
    assert response.status_code == 403
    assert client.get(f"/board/exams/{exam.id}/plans").status_code == 403
    assert client.get(f"/board/exams/{exam.id}/plans/{theirs.id}").status_code == 403
    db.session.expire_all()
    assert len(plans.find_submission(exam, other).lines) == 1


def test_board_returns_then_approves_and_publishes(client, db):
    exam, institution, staff, other, other_staff, board = _scene(db)
    draft = plans.open_submission(exam, institution)
    plans.add_line(draft, line(seats="40"), staff)
    plans.submit(draft, staff)
    db.session.commit()
    login(client, board.username)
    overview = f"/board/exams/{exam.id}/plans"
    html = client.get(overview).get_data(as_text=True)
    assert "山东工程学院" in html and "已提交，待审核" in html
    review_page = f"{overview}/{draft.id}"
    response = _post(
        client, f"{review_page}/decision", {"action": "return", "reason": ""}, review_page
    )
    assert response.status_code == 422 and "请填写退回原因" in response.get_data(as_text=True)
    _post(
        client, f"{review_page}/decision", {"action": "return", "reason": "请补充学费"}, review_page
    )
    db.session.expire_all()
    assert (draft.status, draft.reason) == ("returned", "请补充学费")
    plans.submit(draft, staff)
    db.session.commit()
    _post(client, f"{review_page}/decision", {"action": "approve"}, review_page)
    assert _post(client, f"{overview}/publish", {}, overview).status_code == 422  # no confirmation
    assert _post(client, f"{overview}/publish", {"confirm": "yes"}, overview).status_code == 302
    assert [ln.seats for ln in _db.session.scalars(select(PlanLine))] == [40]


def test_board_enters_the_scale_on_the_page(client, db):
    exam, *_, board = _scene(db)
    login(client, board.username)
    overview = f"/board/exams/{exam.id}/plans"
    bad = {"level": "本科", "institution_code": "", "seats": "10", "reserved": "12"}
    response = _post(client, f"/board/exams/{exam.id}/scale", bad, overview)
    assert response.status_code == 422 and "预留数 12 大于核定数 10" in response.get_data(
        as_text=True
    )
    good = {**bad, "reserved": "2"}
    assert _post(client, f"/board/exams/{exam.id}/scale", good, overview).status_code == 302
    rows = db.session.execute(select(PlanScale.institution_code, PlanScale.seats, PlanScale.reserved)
                              .order_by(PlanScale.institution_code)).all()  # fmt: skip
    assert rows == [("", 10, 2), ("10101", 50, 0)]
    assert "全省总数" in client.get(overview).get_data(as_text=True)


def test_the_page_says_when_the_board_already_published_lines(client, db):
    exam, institution, staff, *_ = _scene(db)
    create_plan_line(exam, institution=institution, program_code="B1", seats=7)
    db.session.commit()
    login(client, staff.username)
    html = client.get(f"/university/plans/{exam.id}").get_data(as_text=True)
    assert "考试院已公布本校在本考试的 1 个专业计划" in html

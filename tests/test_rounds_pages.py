"""Board pages for allocation rounds: access, mock run, real run with confirmation, close."""

from __future__ import annotations

from sqlalchemy import func, select

from admissions.models import AllocationRun, Dispatch, DispatchStatus, Role
from tests.factories import create_account, create_province, csrf_token, login
from tests.rounds_factories import (
    batch_of,
    create_line,
    create_rounds_exam,
    create_scored,
    submit_flat,
)


def _setup(db):
    exam = create_rounds_exam()
    bk = batch_of(exam, "BK")
    line = create_line(exam, "BK", 1)
    for skill in (170, 160):
        submit_flat(create_scored(exam, 80, skill), bk, 1, [line])
    board = create_account(Role.BOARD, province_id=exam.province_id)
    db.session.commit()
    return exam, board, f"/board/exams/{exam.id}/rounds/BK/1"


def _post(client, url, page, **data):
    return client.post(url, data={"csrf_token": csrf_token(client, page), **data})


def test_other_province_is_403(client, db):
    _, _, url = _setup(db)
    other = create_account(Role.BOARD, province_id=create_province("320000").id)
    db.session.commit()
    login(client, other.username)
    assert client.get(url).status_code == 403
    assert client.post(url + "/mock").status_code in (400, 403)


def test_admin_sees_any_exam_unknown_batch_404(client, db):
    exam, _, url = _setup(db)
    admin = create_account(Role.ADMIN)
    db.session.commit()
    login(client, admin.username)
    assert client.get(url).status_code == 200
    assert client.get(f"/board/exams/{exam.id}/rounds/XX/1").status_code == 404


def test_student_gets_403(client, db):
    _, _, url = _setup(db)
    student = create_account(Role.STUDENT)
    db.session.commit()
    login(client, student.username)
    assert client.get(url).status_code == 403


def test_mock_then_confirmed_run_then_close(client, db):
    exam, board, url = _setup(db)
    login(client, board.username)
    page = client.get(url)
    assert page.status_code == 200 and "模拟投档" in page.get_data(as_text=True)
    mock = _post(client, url + "/mock", url)
    assert mock.status_code == 200 and "模拟投档结果（未保存）" in mock.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(AllocationRun)) == 0
    asked = _post(client, url + "/run", url)
    assert asked.status_code == 200 and "确认正式投档" in asked.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(AllocationRun)) == 0
    done = _post(client, url + "/run", url, confirm="yes")
    assert done.status_code == 302
    result = client.get(url).get_data(as_text=True)
    assert "已保存的投档结果" in result
    assert '<td class="num">250</td>' in result and '<td class="num">240</td>' not in result
    pending = _post(client, url + "/close", url)
    assert pending.status_code == 409
    assert "或在结束本轮时选择全部录取待审核考生" in pending.get_data(as_text=True)
    assert "--admit-pending" not in pending.get_data(as_text=True)
    asked = _post(client, url + "/close", url, admit_pending="yes")
    assert asked.status_code == 200 and "结束本轮并全部录取" in asked.get_data(as_text=True)
    closed = _post(client, url + "/close", url, admit_pending="yes", confirm="yes")
    assert closed.status_code == 302
    db.session.expire_all()
    assert list(db.session.scalars(select(Dispatch.status))) == [DispatchStatus.ADMITTED]


def test_real_run_refused_while_the_preference_window_is_open(client, db):
    from datetime import UTC, datetime, timedelta

    from admissions.models import Round, RoundStatus

    exam, board, url = _setup(db)
    round_ = db.session.scalar(
        select(Round).where(Round.batch_id == batch_of(exam, "BK").id, Round.number == 1)
    )
    round_.status = RoundStatus.OPEN
    round_.prefs_close_at = datetime.now(UTC) + timedelta(hours=5)
    db.session.commit()
    login(client, board.username)
    assert _post(client, url + "/mock", url).status_code == 200  # a mock run is fine meanwhile
    refused = _post(client, url + "/run", url, confirm="yes")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "志愿填报尚未截止" in text and "北京时间" in text
    assert db.session.scalar(select(func.count()).select_from(AllocationRun)) == 0

"""The preference editor: order numbers, moves, confirmation, submissions counted, the 志愿确认单
and its check, and each line's last published cutoff with a 冲/稳/保 label."""

import re
import subprocess

import pytest
from sqlalchemy import select

from admissions.models import PreferenceList, PreferenceStatus, RunStatus
from admissions.services.students import advice
from tests.factories import create_exam, create_institution, create_plan_line, csrf_token, login
from tests.student_factories import (
    create_round,
    create_rules_version,
    create_run,
    create_student,
    cutoff,
    give_scores,
    publish_scores,
)


@pytest.fixture
def setup(db):
    exam = create_exam()
    batch = exam.batches[0]
    student = create_student(exam)
    round_ = create_round(batch)
    lines = [create_plan_line(exam, program_name=f"专业{i}") for i in range(4)]
    db.session.commit()
    return exam, batch, student, round_, lines


def _url(batch, number=1):
    return f"/student/preferences/{batch.id}/{number}"


def _post(client, batch, lines, positions=None, version=0, **extra):
    data = {"csrf_token": csrf_token(client, _url(batch)), "version": str(version)}
    for i, line in enumerate(lines):
        data[f"item-{i}-line"] = str(line.id)
        data[f"item-{i}-pos"] = positions[i] if positions else str(i + 1)
    data.update(extra)
    return client.post(_url(batch), data=data)


def _latest(db):
    db.session.expire_all()
    return db.session.scalars(select(PreferenceList).order_by(PreferenceList.version)).all()[-1]


@pytest.mark.parametrize("typed", ["abc", "-5", "999", "0", "1.5", ""])
def test_bad_order_numbers_are_refused_naming_the_line(client, db, setup, typed):
    _, batch, student, _, lines = setup
    login(client, student.candidate_no)
    response = _post(client, batch, lines[:3], ["1", typed, "3"], action="draft")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"第 2 行（{lines[1].institution.name} · 专业1）" in page
    assert "请填写 1 到 3 之间的整数" in page and "志愿序号有误，未保存" in page
    assert db.session.scalar(select(PreferenceList)) is None


def test_repeated_order_numbers_name_both_lines(client, db, setup):
    _, batch, student, _, lines = setup
    login(client, student.candidate_no)
    response = _post(client, batch, lines[:3], ["2", "1", "1"])
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "第 3 行（" in page and "与第 2 行（" in page and "每个序号只能用一次" in page


def test_typing_a_position_moves_the_line_there(client, db, setup):
    _, batch, student, _, lines = setup
    login(client, student.candidate_no)
    assert _post(client, batch, lines, ["1", "2", "3", "1"]).status_code == 302
    assert [i.plan_line_id for i in _latest(db).items] == [
        lines[3].id, lines[0].id, lines[1].id, lines[2].id
    ]  # fmt: skip


def test_submit_confirms_first_and_version_counts_submissions_only(client, db, setup):
    _, batch, student, _, lines = setup
    login(client, student.candidate_no)
    assert _post(client, batch, lines[:2], action="draft").status_code == 302  # draft v1
    asked = _post(client, batch, lines[:2], version=1, action="submit")
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "请核对您的志愿" in page and "第 1 次提交" in page
    assert _latest(db).status == PreferenceStatus.DRAFT
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    done = _post(client, batch, lines[:2], version=version, action="submit", confirm="yes")
    assert done.status_code == 302 and _latest(db).status == PreferenceStatus.SUBMITTED
    editor = client.get(_url(batch)).get_data(as_text=True)
    assert "有效志愿：第 1 次提交" in editor and "下载志愿确认单" in editor
    rounds = client.get("/student/preferences").get_data(as_text=True)
    assert "第 1 次提交" in rounds


def _pdf_text(data: bytes, tmp_path) -> str:
    source = tmp_path / "slip.pdf"
    source.write_bytes(data)
    done = subprocess.run(["pdftotext", source, "-"], check=True, capture_output=True, text=True)
    return done.stdout


def test_slip_pdf_has_a_code_that_verify_checks(client, db, setup, tmp_path):
    _, batch, student, _, lines = setup
    login(client, student.candidate_no)
    assert client.get(_url(batch) + "/slip.pdf").status_code == 404  # nothing submitted
    _post(client, batch, lines[:2], action="submit", confirm="yes")
    response = client.get(_url(batch) + "/slip.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = _pdf_text(response.data, tmp_path)
    code = _latest(db).verification_code
    assert code and code in text.replace(" ", "")
    checked = client.get(f"/verify/{code.lower()}").get_data(as_text=True)
    assert "志愿确认单验证码有效" in checked and "以此为准" in checked
    assert student.name not in checked
    _post(client, batch, lines[:1], version=_latest(db).version, action="submit", confirm="yes")
    again = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "此后又提交过志愿" in again


def test_advice_labels_follow_the_margins(db):
    exam = create_exam()
    assert advice.advise(1200, 1000, exam).label == "冲"
    assert advice.advise(1000, 1000, exam).label == "稳"
    assert advice.advise(950, 1000, exam).label == "稳"
    assert advice.advise(900, 1000, exam).label == "保"
    exam.advice_margins = {"safe": 30}
    assert advice.advise(800, 1000, exam).label == "稳"
    assert advice.advise(None, 1000, exam) is None


def test_lines_show_last_year_cutoff_when_this_exam_has_none(client, db):
    last = create_exam(year=2025)
    this = create_exam(year=2026)
    institution = create_institution()
    old = create_plan_line(last, institution=institution, program_code="P01")
    new = create_plan_line(this, institution=institution, program_code="P01", program_name="软件")
    other = create_plan_line(this, program_name="新专业")
    cutoff(create_run(last, last.batches[0]), old, "480")  # 位次 42
    create_run(last, last.batches[0], 2, status=RunStatus.SUCCEEDED)  # unpublished: not used
    student = create_student(this)
    give_scores(student, create_rules_version(this), {}, total="500", rank=30)
    publish_scores(this)
    create_round(this.batches[0])
    db.session.commit()
    login(client, student.candidate_no)
    page = client.get(_url(this.batches[0])).get_data(as_text=True)
    assert "2025年本科批第 1 轮投档线 480（位次 42）" in page
    assert "保" in page and "暂无已公布的投档线" in page
    assert other.program_name in page and new.program_name in page
    # an earlier published round of this exam wins over last year
    cutoff(create_run(this, this.batches[0]), new, "490")
    db.session.commit()
    page = client.get(_url(this.batches[0])).get_data(as_text=True)
    assert "本科批第 1 轮投档线 490" in page


def test_board_sets_the_margins_and_bad_values_are_refused(client, db):
    from admissions.models import AuditEvent, Role
    from tests.factories import create_account

    exam = create_exam()
    board = create_account(Role.BOARD, province_id=exam.province_id)
    db.session.commit()
    login(client, board.username)
    url = f"/board/exams/{exam.id}/setup/advice"
    page = client.get(url).get_data(as_text=True)
    assert "默认 10" in page
    bad = client.post(
        url, data={"rush": "abc", "safe": "10", "csrf_token": csrf_token(client, url)}
    )
    assert bad.status_code == 400 and "0 到 50 之间的整数" in bad.get_data(as_text=True)
    good = client.post(
        url, data={"rush": "20", "safe": "30", "csrf_token": csrf_token(client, url)}
    )
    assert good.status_code == 302
    db.session.expire_all()
    assert exam.advice_margins == {"rush": 20, "safe": 30}
    assert advice.advise(800, 1000, exam).label == "稳"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "exam.advice_margins"))

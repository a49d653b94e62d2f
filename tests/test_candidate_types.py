"""Candidate types: the registration question with its evidence, and the candidates file."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from admissions.models import Candidate
from admissions.services.imports.pipeline import import_file
from tests.board_factories import create_board_exam, csv_bytes
from tests.factories import csrf_token, valid_national_id
from tests.student_factories import create_open_exam

PASSWORD = "my-secret-pw-1"


def _register(client, exam, **overrides):
    data = {
        "national_id": valid_national_id(born=date(1998, 3, 9)), "name": "王师傅",
        "category_code": "IT", "candidate_type": "具有工作经历", "track": "无",
        "work_employer": "济南第二机床厂", "work_years": "5", "school": "", "major": "",
        "phone": "13800138000", "password": PASSWORD, "confirm": PASSWORD,
        "csrf_token": csrf_token(client, f"/register?exam={exam.id}"),
    }  # fmt: skip
    data.update(overrides)
    return client.post(f"/register?exam={exam.id}", data=data)


def test_registration_asks_the_type_and_keeps_the_evidence(client, db):
    exam = create_open_exam()
    db.session.commit()
    html = client.get(f"/register?exam={exam.id}").get_data(as_text=True)
    assert "具有工作经历" in html and "工作单位" in html
    assert _register(client, exam).status_code == 302
    candidate = db.session.scalar(select(Candidate))
    assert (candidate.candidate_type, candidate.work_employer, candidate.work_years) == (
        "具有工作经历", "济南第二机床厂", 5)  # fmt: skip


def test_work_experience_without_evidence_is_refused_with_a_message(client, db):
    exam = create_open_exam()
    db.session.commit()
    response = _register(client, exam, work_employer="")
    assert response.status_code == 400 and "具有工作经历的考生请填写工作单位" in response.get_data(
        as_text=True
    )
    response = _register(client, exam, work_years="三")
    assert "具有工作经历的考生请填写工作年限（1 至 60 的整数）" in response.get_data(as_text=True)
    assert db.session.scalar(select(Candidate.id)) is None


def test_evidence_is_not_kept_for_other_types(client, db):
    exam = create_open_exam()
    db.session.commit()
    assert _register(client, exam, candidate_type="往届中职毕业生").status_code == 302
    candidate = db.session.scalar(select(Candidate))
    assert (candidate.candidate_type, candidate.work_employer, candidate.work_years) == (
        "往届中职毕业生", "", None)  # fmt: skip


HEADER = ["考生号", "身份证号", "姓名", "专业类别", "考生类型", "工作单位", "工作年限"]


def test_candidates_file_type_column_and_evidence(db):
    exam = create_board_exam()
    rows = [
        ["2600000001", valid_national_id(), "甲", "IT", "", "", ""],
        ["2600000002", valid_national_id(born=date(1999, 1, 2)), "乙", "IT", "具有工作经历", "某公司", "3"],
    ]  # fmt: skip
    result = import_file(
        exam, "candidates", csv_bytes([HEADER, *rows]), "c.csv", None, dry_run=False
    )
    assert result.ok, [str(e) for e in result.errors]
    found = db.session.execute(select(Candidate.candidate_no, Candidate.candidate_type,
                                      Candidate.work_employer, Candidate.work_years)
                               .order_by(Candidate.candidate_no)).all()  # fmt: skip
    assert found == [
        ("2600000001", "应届中职毕业生", "", None),
        ("2600000002", "具有工作经历", "某公司", 3),
    ]


def test_candidates_file_bad_types_get_row_messages(db):
    exam = create_board_exam()
    rows = [
        ["2600000001", valid_national_id(), "甲", "IT", "社会青年", "", ""],
        ["2600000002", valid_national_id(born=date(1999, 1, 2)), "乙", "IT", "具有工作经历", "", "0"],
    ]  # fmt: skip
    result = import_file(
        exam, "candidates", csv_bytes([HEADER, *rows]), "c.csv", None, dry_run=False
    )
    assert [str(e) for e in result.errors] == [
        "c.csv:2: 考生类型: 考生类型「社会青年」应为 应届中职毕业生、往届中职毕业生、具有工作经历 之一（留空为应届中职毕业生）",
        "c.csv:3: 工作单位: 具有工作经历的考生须填写工作单位",
        "c.csv:3: 工作年限: 具有工作经历的考生须填写工作年限（整年，至少 1 年）",
    ]
    assert db.session.scalar(select(Candidate.id)) is None

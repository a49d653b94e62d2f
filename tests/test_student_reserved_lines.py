"""A line reserved to other candidate types: shown with a warning, savable like a line whose
requirements fail, and never dispatched to the candidate (see test_reserved_lines)."""

import pytest

from admissions.services.students import preferences
from tests.factories import create_exam, create_plan_line, csrf_token, login
from tests.student_factories import create_round, create_student

WARNING = "该专业仅招收具有工作经历考生，你填报后不会被投档"


@pytest.fixture
def setup(db):
    exam = create_exam()
    batch = exam.batches[0]
    batch.max_choices = 3
    student = create_student(exam, candidate_type="应届中职毕业生")
    create_round(batch)
    reserved = create_plan_line(exam, program_name="机电一体化（工作经历）", types="具有工作经历")
    open_line = create_plan_line(exam, program_name="数控技术")
    db.session.commit()
    return exam, batch, student, reserved, open_line


def _url(batch):
    return f"/student/preferences/{batch.id}/1"


def _post(client, batch, lines, version=0, **extra):
    data = {"csrf_token": csrf_token(client, _url(batch)), "version": str(version)}
    for i, line in enumerate(lines):
        data[f"item-{i}-line"] = str(line.id)
        data[f"item-{i}-pos"] = str(i + 1)
    data.update(extra)
    return client.post(_url(batch), data=data)


def test_the_catalogue_shows_a_line_reserved_to_other_types_with_a_warning(client, db, setup):
    _, batch, student, reserved, open_line = setup
    login(client, student.candidate_no)
    page = client.get(_url(batch)).get_data(as_text=True)
    assert reserved.program_name in page and open_line.program_name in page
    assert page.count(WARNING) == 1


def test_a_line_of_my_own_type_has_no_warning(client, db, setup):
    _, batch, student, reserved, _ = setup
    student.candidate_type = "具有工作经历"
    student.work_employer, student.work_years = "某机床厂", 3
    db.session.commit()
    login(client, student.candidate_no)
    page = client.get(_url(batch)).get_data(as_text=True)
    assert reserved.program_name in page and WARNING not in page


def test_it_saves_and_submits_like_a_failed_requirement_and_keeps_warning(client, db, setup):
    _, batch, student, reserved, open_line = setup
    login(client, student.candidate_no)
    assert _post(client, batch, [reserved, open_line]).status_code == 302
    editor = client.get(_url(batch)).get_data(as_text=True)
    assert f"{WARNING}" in editor
    asked = _post(client, batch, [reserved, open_line], version=1, action="submit")
    assert asked.status_code == 200 and WARNING in asked.get_data(as_text=True)
    done = _post(client, batch, [reserved, open_line], version=2, action="submit", confirm="yes")
    assert done.status_code == 302
    counted = preferences.counted_list(student, batch.id, 1)
    assert [item.plan_line_id for item in counted.items] == [reserved.id, open_line.id]

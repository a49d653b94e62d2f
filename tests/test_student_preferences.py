"""Preferences: the catalogue, the no-JS editor, drafts and submissions, versions, abuse."""

import pytest
from sqlalchemy import func, select

from admissions.models import PreferenceList, PreferenceStatus
from admissions.services.students import preferences
from admissions.services.students.preferences import ChoiceInput
from tests.factories import create_exam, create_plan_line, csrf_token, login
from tests.student_factories import (
    create_grouped_batch,
    create_round,
    create_student,
)


@pytest.fixture
def setup(db):
    exam = create_exam()
    batch = exam.batches[0]
    batch.max_choices = 3
    student = create_student(exam)
    round_ = create_round(batch)
    lines = [create_plan_line(exam, program_name=f"专业{i}") for i in range(4)]
    db.session.commit()
    return exam, batch, student, round_, lines


def _url(batch, number=1):
    return f"/student/preferences/{batch.id}/{number}"


def _post(client, batch, lines, version=0, **extra):
    data = {"csrf_token": csrf_token(client, _url(batch)), "version": str(version)}
    for i, line in enumerate(lines):
        data[f"item-{i}-line"] = str(getattr(line, "id", line))
        data[f"item-{i}-pos"] = str(i + 1)
    data.update(extra)
    return client.post(_url(batch), data=data)


def _lists(db):
    return db.session.scalars(select(PreferenceList).order_by(PreferenceList.version)).all()


def _line_ids(pref_list):
    return [item.plan_line_id for item in pref_list.items]


def test_catalogue_shows_only_my_category_and_batch(client, db, setup):
    exam, batch, student, _, lines = setup
    other_category = create_plan_line(exam, category_code="MED", program_name="护理学")
    db.session.commit()
    login(client, student.candidate_no)
    page = client.get(_url(batch)).get_data(as_text=True)
    assert all(line.program_name in page for line in lines)
    assert other_category.program_name not in page


def test_filters_narrow_the_catalogue(client, db, setup):
    exam, batch, student, _, lines = setup
    create_plan_line(exam, program_name="数控技术", seats=2)
    db.session.commit()
    login(client, student.candidate_no)
    page = client.get(_url(batch) + "?q=数控").get_data(as_text=True)
    assert "数控技术" in page and "专业1" not in page
    page = client.get(_url(batch) + "?seats=5").get_data(as_text=True)
    assert "数控技术" not in page and "专业1" in page
    for wildcard in ("%25", "_"):  # searched as written, not as wildcards matching every line
        page = client.get(_url(batch) + f"?q={wildcard}").get_data(as_text=True)
        assert "数控技术" not in page and "专业1" not in page, wildcard


def test_add_reorder_save_draft_then_submit(client, db, setup):
    _, batch, student, _, lines = setup
    login(client, student.candidate_no)
    assert _post(client, batch, [], add=str(lines[2].id)).status_code == 302
    assert _post(client, batch, [lines[2]], version=1, add=str(lines[0].id)).status_code == 302
    # up-button on the second row moves it first; the list is saved as a draft each time
    assert _post(client, batch, [lines[2], lines[0]], version=2, up="1").status_code == 302
    *_, draft = _lists(db)
    assert draft.status == PreferenceStatus.DRAFT
    assert _line_ids(draft) == [lines[0].id, lines[2].id]
    asked = _post(client, batch, [lines[0], lines[2]], version=3, action="submit")
    assert asked.status_code == 200 and "请核对您的志愿" in asked.get_data(as_text=True)
    assert preferences.counted_list(student, batch.id, 1) is None  # nothing submitted yet
    response = _post(client, batch, [lines[0], lines[2]], version=4, action="submit",
                     confirm="yes")  # fmt: skip
    assert response.status_code == 302
    counted = preferences.counted_list(student, batch.id, 1)
    assert counted.version == 5 and _line_ids(counted) == [lines[0].id, lines[2].id]
    history = client.get(_url(batch) + "/history").get_data(as_text=True)
    assert "第 1 次提交" in history and lines[0].program_name in history


def test_position_fields_reorder_without_javascript(client, db, setup):
    _, batch, student, _, lines = setup
    login(client, student.candidate_no)
    data = {"item-0-pos": "3", "item-1-pos": "1", "item-2-pos": "2"}
    assert _post(client, batch, lines[:3], **data).status_code == 302
    assert _line_ids(_lists(db)[-1]) == [lines[1].id, lines[2].id, lines[0].id]


@pytest.mark.parametrize(
    "case, message",
    [("over", "最多可填报3个志愿"), ("duplicate", "不能重复填报"),
     ("category", "不招收您的专业类别"), ("batch", "不属于本批次"), ("missing", "不属于本批次")],
)  # fmt: skip
def test_bad_lists_are_refused_and_nothing_is_saved(client, db, setup, case, message):
    exam, batch, student, _, lines = setup
    other_batch = create_grouped_batch(exam)
    choices = {
        "over": lines,
        "duplicate": [lines[0], lines[0]],
        "category": [create_plan_line(exam, category_code="MED")],
        "batch": [create_plan_line(exam, batch=other_batch, group_code="G1")],
        "missing": [999999],
    }[case]
    db.session.commit()
    login(client, student.candidate_no)
    response = _post(client, batch, choices, action="submit")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _lists(db) == []


def test_after_the_deadline_nothing_changes(client, db, setup):
    exam, batch, student, round_, lines = setup
    closed = create_round(batch, number=2, open_now=False)
    db.session.commit()
    login(client, student.candidate_no)
    response = client.post(
        _url(batch, closed.number),
        data={"csrf_token": csrf_token(client, _url(batch)), "version": "0",
              "item-0-line": str(lines[0].id), "action": "submit"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "不在开放时间内" in response.get_data(as_text=True)
    assert _lists(db) == []


def test_a_stale_tab_cannot_overwrite_a_newer_list(client, db, setup):
    _, batch, student, _, lines = setup
    login(client, student.candidate_no)
    first = _post(client, batch, [lines[0]], version=0, action="submit", confirm="yes")
    assert first.status_code == 302
    # the second tab was loaded before the first saved: it still carries version 0
    response = _post(client, batch, [lines[1], lines[2]], version=0, action="submit",
                     confirm="yes")  # fmt: skip
    assert response.status_code == 409
    assert "其他页面" in response.get_data(as_text=True)
    [only] = _lists(db)
    assert _line_ids(only) == [lines[0].id]


def test_same_base_version_saved_twice_only_once(db, setup):
    _, batch, student, round_, lines = setup
    account = student_account(db, student)
    preferences.save_list(account, student, round_, [ChoiceInput(lines[0].id)], submit=True,
                          base_version=0)  # fmt: skip
    with pytest.raises(preferences.PreferenceConflict):
        preferences.save_list(account, student, round_, [ChoiceInput(lines[1].id)], submit=True,
                              base_version=0)  # fmt: skip
    assert db.session.scalar(select(func.count()).select_from(PreferenceList)) == 1


def student_account(db, candidate):
    from admissions.models import Account

    return db.session.scalar(select(Account).where(Account.candidate_id == candidate.id))


def test_a_posted_candidate_id_is_ignored(client, db, setup):
    exam, batch, student, _, lines = setup
    other = create_student(exam)
    db.session.commit()
    login(client, student.candidate_no)
    _post(client, batch, [lines[0]], candidate_id=str(other.id), action="submit")
    [saved] = _lists(db)
    assert saved.candidate_id == student.id


def test_post_without_csrf_token_is_refused(client, db, setup):
    _, batch, student, _, lines = setup
    login(client, student.candidate_no)
    response = client.post(_url(batch), data={"version": "0", "item-0-line": str(lines[0].id)})
    assert response.status_code == 400
    assert _lists(db) == []


def test_round_of_another_exam_is_404(client, db, setup):
    _, _, student, _, _ = setup
    foreign = create_exam()
    create_round(foreign.batches[0])
    db.session.commit()
    login(client, student.candidate_no)
    assert client.get(_url(foreign.batches[0])).status_code == 404

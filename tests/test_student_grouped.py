"""Grouped batches (院校专业组) in the editor, and the parsing of posted lists."""

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from admissions.forms.student import edit_choices, parse_choices
from admissions.models import PreferenceList
from admissions.services.students.preferences import ChoiceInput
from tests.factories import create_exam, create_institution, create_plan_line, csrf_token, login
from tests.student_factories import create_grouped_batch, create_round, create_student


def _setup(db):
    exam = create_exam()
    batch = create_grouped_batch(exam)
    school = create_institution(name="山东职业学院")
    a1, a2, a3 = (
        create_plan_line(exam, batch=batch, institution=school, group_code="G1",
                         program_name=f"组一专业{i}")
        for i in range(3)
    )  # fmt: skip
    b1 = create_plan_line(exam, batch=batch, group_code="G2", program_name="组二专业")
    student = create_student(exam)
    create_round(batch)
    db.session.commit()
    return batch, student, (a1, a2, a3, b1)


def _post(client, batch, rows, **extra):
    url = f"/student/preferences/{batch.id}/1"
    data = {"csrf_token": csrf_token(client, url), "version": "0"}
    for i, (group, majors, adjust) in enumerate(rows):
        data[f"item-{i}-group"] = group
        for j, major in enumerate(majors):
            data[f"item-{i}-major-{j}"] = str(major)
        if adjust:
            data[f"item-{i}-adjust"] = "y"
    data.update(extra)
    return client.post(url, data=data)


def _key(line):
    return f"{line.institution_id}:{line.group_code}"


def test_grouped_list_with_majors_and_adjust_flag(client, db):
    batch, student, (a1, a2, _, b1) = _setup(db)
    login(client, student.candidate_no)
    page = client.get(f"/student/preferences/{batch.id}/1").get_data(as_text=True)
    assert "组一专业0" in page and "专业组 G1" in page
    rows = [(_key(a1), [a2.id, a1.id], True), (_key(b1), [b1.id], False)]
    assert _post(client, batch, rows, action="submit", confirm="yes").status_code == 302
    saved = db.session.scalar(select(PreferenceList))
    first, second = saved.items
    assert (first.group_code, first.adjust, second.adjust) == ("G1", True, False)
    assert [m.plan_line_id for m in first.majors] == [a2.id, a1.id]


def test_add_button_puts_a_major_into_its_group(client, db):
    batch, student, (a1, a2, _, _) = _setup(db)
    login(client, student.candidate_no)
    assert _post(client, batch, [], add=f"{_key(a1)}|{a1.id}").status_code == 302
    url = f"/student/preferences/{batch.id}/1"
    data = {"csrf_token": csrf_token(client, url), "version": "1",
            "item-0-group": _key(a1), "item-0-major-0": str(a1.id), "item-0-adjust": "y",
            "add": f"{_key(a2)}|{a2.id}"}  # fmt: skip
    assert client.post(url, data=data).status_code == 302
    latest = db.session.scalars(select(PreferenceList).order_by(PreferenceList.version)).all()[-1]
    [item] = latest.items
    assert [m.plan_line_id for m in item.majors] == [a1.id, a2.id]


def test_major_of_another_group_or_too_many_majors_is_refused(client, db):
    batch, student, (a1, a2, a3, b1) = _setup(db)
    login(client, student.candidate_no)
    response = _post(client, batch, [(_key(a1), [b1.id], True)])
    assert response.status_code == 400 and "不属于专业组 G1" in response.get_data(as_text=True)
    response = _post(client, batch, [(_key(a1), [a1.id, a2.id, a3.id], True)])
    assert "每个专业组最多填报2个专业" in response.get_data(as_text=True)
    response = _post(client, batch, [(_key(a1), [a1.id], True), (_key(a1), [a2.id], True)])
    assert "同一个专业组不能重复填报" in response.get_data(as_text=True)
    response = _post(client, batch, [(_key(a1), [], True)])
    assert "至少要选择一个专业" in response.get_data(as_text=True)
    assert db.session.scalar(select(PreferenceList)) is None


@given(st.permutations(list(range(6))))
def test_rows_come_back_in_the_order_of_their_position_fields(order):
    form = {}
    for row, position in enumerate(order):
        form[f"item-{row}-line"] = str(100 + row)
        form[f"item-{row}-pos"] = str(position + 1)
    ids = [c.plan_line_id for c in parse_choices(form)]
    assert ids == [100 + order.index(p) for p in range(6)]


def test_parsing_drops_empty_slots_and_ignores_junk():
    form = {"item-0-line": "7", "item-1-line": "", "item-2-line": "abc", "item-3-line": "9",
            "item-x-line": "5", "candidate_id": "3", "item-3-pos": "-1"}  # fmt: skip
    assert [c.plan_line_id for c in parse_choices(form)] == [7, 9]


@given(st.lists(st.integers(1, 50), min_size=1, max_size=8, unique=True), st.data())
def test_up_down_remove_keep_the_same_lines(ids, data):
    choices = [ChoiceInput(plan_line_id=i) for i in ids]
    action = data.draw(st.sampled_from(["up", "down", "remove"]))
    index = data.draw(st.integers(-2, len(ids) + 1))
    result = [c.plan_line_id for c in edit_choices(choices, {action: str(index)}, False)]
    if action == "remove" and 0 <= index < len(ids):
        assert result == ids[:index] + ids[index + 1 :]
    else:
        assert sorted(result) == sorted(ids)
        if action == "up" and 0 < index < len(ids):
            assert result[index - 1] == ids[index]
        if action == "down" and 0 <= index < len(ids) - 1:
            assert result[index + 1] == ids[index]

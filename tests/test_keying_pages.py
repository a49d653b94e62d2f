"""Double entry pages: create, two clerks key, compare, resolve, apply; roles, ownership, CSRF."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from admissions.models import ComponentScore, KeyingSheet, KeyingStatus, Role
from admissions.services.keying.passes import save_pass
from admissions.services.keying.sheets import create_sheet
from tests.board_factories import create_board_account, create_board_exam
from tests.factories import create_account, create_candidate, csrf_token, login


class Clerk:
    """A logged-in test client whose every request runs in a fresh app context, so that two
    clerks' logins do not leak into each other through the test's shared `g`."""

    def __init__(self, app, username: str) -> None:
        self.app, self.client = app, app.test_client()
        login(self, username)

    def get(self, *args, **kwargs):
        with self.app.app_context():
            return self.client.get(*args, **kwargs)

    def post(self, *args, **kwargs):
        with self.app.app_context():
            return self.client.post(*args, **kwargs)


@pytest.fixture
def scene(app, db):
    exam = create_board_exam()
    a = create_candidate(exam, candidate_no="2601", name="张三")
    b = create_candidate(exam, candidate_no="2602", name="李四")
    one, two = create_board_account(), create_board_account()
    db.session.commit()
    clients = Clerk(app, one.username), Clerk(app, two.username)
    return exam, (a, b), (one, two), clients


def _sheet(db, exam, actor) -> KeyingSheet:
    sheet = create_sheet(exam, "第3考场", ["skill"], "2601 2602", "", actor)
    db.session.commit()
    return sheet


def _post(client, path, form_path=None, **data):
    token = csrf_token(client, form_path or path)
    return client.post(path, data={"csrf_token": token, **data})


def _key(client, sheet, pass_no, candidates, values):
    path = f"/board/keying/{sheet.id}/pass/{pass_no}"
    cells = {f"v-{c.id}-skill": v for c, v in zip(candidates, values, strict=True)}
    return _post(client, path, **cells)


def test_exam_page_links_to_double_entry(scene):
    exam, _, _, (first, _) = scene
    html = first.get(f"/board/exams/{exam.id}").get_data(as_text=True)
    assert f"/board/exams/{exam.id}/keying" in html


def test_create_sheet_from_pasted_numbers(scene, db):
    exam, (a, b), _, (first, _) = scene
    path = f"/board/exams/{exam.id}/keying/new"
    response = _post(first, path, name="第3考场", components=["skill", "cert"],
                     numbers="2602\n2601", category="")  # fmt: skip
    assert response.status_code == 302
    sheet = db.session.scalar(select(KeyingSheet))
    assert sheet.component_codes == ["skill", "cert"]
    assert [line.candidate_id for line in sheet.lines] == [b.id, a.id]
    listing = first.get(f"/board/exams/{exam.id}/keying").get_data(as_text=True)
    assert "第3考场" in listing and "录入中" in listing


def test_bad_sheet_shows_every_message_and_creates_nothing(scene, db):
    exam, _, _, (first, _) = scene
    path = f"/board/exams/{exam.id}/keying/new"
    response = _post(first, path, name="", numbers="2601 9999 2601", category="")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in (
        "请填写录入单名称",
        "请至少选择一个科目",
        "考生号 9999 不存在",
        "考生号 2601 重复",
    ):
        assert message in html
    assert db.session.scalar(select(KeyingSheet)) is None


def test_create_without_csrf_is_refused(scene, db):
    exam, _, _, (first, _) = scene
    response = first.post(f"/board/exams/{exam.id}/keying/new",
                          data={"name": "x", "components": ["skill"], "numbers": "2601"})  # fmt: skip
    assert response.status_code == 400 and db.session.scalar(select(KeyingSheet)) is None


def test_two_clerks_mismatch_resolve_apply_and_history(scene, db):
    exam, (a, b), (one, _), (first, second) = scene
    sheet = _sheet(db, exam, one)
    assert _key(first, sheet, 1, (a, b), ("200", "150")).status_code == 302
    assert "第 2 遍须由另一名录入员录入" in first.get(
        f"/board/keying/{sheet.id}/pass/2", follow_redirects=True
    ).get_data(as_text=True)
    pass2 = second.get(f"/board/keying/{sheet.id}/pass/2").get_data(as_text=True)
    assert 'value="200"' not in pass2  # the second clerk keys blind
    assert _key(second, sheet, 2, (a, b), ("206", "150")).status_code == 302
    page = second.get(f"/board/keying/{sheet.id}").get_data(as_text=True)
    assert "共 1 处差异" in page and "<td>200</td><td>206</td>" in page
    response = _post(second, f"/board/keying/{sheet.id}/resolve", f"/board/keying/{sheet.id}",
                     candidate_id=a.id, component="skill", choice="1", value="",
                     reason="核对答题卡")  # fmt: skip
    assert response.status_code == 302
    response = _post(second, f"/board/keying/{sheet.id}/apply", f"/board/keying/{sheet.id}")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(KeyingSheet, sheet.id).status == KeyingStatus.APPLIED
    score = db.session.scalar(select(ComponentScore).where(ComponentScore.candidate_id == a.id))
    assert score.value == Decimal(200)
    history = first.get(f"/board/candidates/{a.id}/history").get_data(as_text=True)
    assert "双录入更正成绩" in history and "双录入单「第3考场」" in history


def test_bad_value_in_the_grid_is_shown_and_nothing_is_saved(scene, db):
    exam, (a, b), (one, _), (first, _) = scene
    sheet = _sheet(db, exam, one)
    response = _key(first, sheet, 1, (a, b), ("231", "abc"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "「231」超过满分 230" in html and "「abc」不是数字" in html
    db.session.expire_all()
    assert db.session.get(KeyingSheet, sheet.id).pass1_by_id is None


def test_grid_without_csrf_is_refused(scene, db):
    exam, (a, _), (one, _), (first, _) = scene
    sheet = _sheet(db, exam, one)
    response = first.post(f"/board/keying/{sheet.id}/pass/1", data={f"v-{a.id}-skill": "1"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(KeyingSheet, sheet.id).pass1_by_id is None


def test_bad_resolution_is_flashed_and_apply_refused(scene, db):
    exam, (a, b), (one, two), (first, _) = scene
    sheet = _sheet(db, exam, one)
    save_pass(sheet, 1, {(a.id, "skill"): "1", (b.id, "skill"): "2"}, one)
    save_pass(sheet, 2, {(a.id, "skill"): "3", (b.id, "skill"): "2"}, two)
    db.session.commit()
    path = f"/board/keying/{sheet.id}"
    response = _post(first, f"{path}/resolve", path, candidate_id=a.id, component="skill",
                     choice="other", value="999", reason="x")  # fmt: skip
    assert "「999」超过满分 230" in first.get(response.headers["Location"]).get_data(as_text=True)
    response = _post(first, f"{path}/apply", path)
    assert "还有 1 处差异未处理" in first.get(path).get_data(as_text=True)


def test_cancel_needs_a_reason(scene, db):
    exam, _, (one, _), (first, _) = scene
    sheet = _sheet(db, exam, one)
    path = f"/board/keying/{sheet.id}"
    _post(first, f"{path}/cancel", path, reason="")
    assert "请填写作废原因" in first.get(path).get_data(as_text=True)
    _post(first, f"{path}/cancel", path, reason="建错了")
    db.session.expire_all()
    assert db.session.get(KeyingSheet, sheet.id).status == KeyingStatus.CANCELLED


def test_unknown_pass_and_sheet_are_404(scene, db):
    exam, _, (one, _), (first, _) = scene
    sheet = _sheet(db, exam, one)
    assert first.get(f"/board/keying/{sheet.id}/pass/3").status_code == 404
    assert first.get("/board/keying/99999").status_code == 404


def _routes(exam_id, sheet_id):
    return [
        ("get", f"/board/exams/{exam_id}/keying"),
        ("get", f"/board/exams/{exam_id}/keying/new"),
        ("get", f"/board/keying/{sheet_id}"),
        ("get", f"/board/keying/{sheet_id}/pass/1"),
        ("post", f"/board/keying/{sheet_id}/resolve"),
        ("post", f"/board/keying/{sheet_id}/apply"),
        ("post", f"/board/keying/{sheet_id}/cancel"),
    ]


def test_another_provinces_board_gets_403_everywhere(client, db):
    exam = create_board_exam("370000")
    create_candidate(exam, candidate_no="2601")
    sheet = create_sheet(exam, "卷", ["skill"], "2601", "", None)
    other = create_board_account("320000")
    db.session.commit()
    login(client, other.username)
    _assert_forbidden(client, "/board/", exam.id, sheet.id)


def _assert_forbidden(client, home, exam_id, sheet_id):
    data = {"csrf_token": csrf_token(client, home)}  # a valid token: the refusal is the role's
    for method, path in _routes(exam_id, sheet_id):
        kwargs = {"data": data} if method == "post" else {}
        assert getattr(client, method)(path, **kwargs).status_code == 403, path


@pytest.mark.parametrize("role", [Role.UNIVERSITY, Role.STUDENT])
def test_other_roles_get_403(client, db, role):
    exam = create_board_exam("370000")
    create_candidate(exam, candidate_no="2601")
    sheet = create_sheet(exam, "卷", ["skill"], "2601", "", None)
    account = create_account(role)
    db.session.commit()
    login(client, account.username)
    _assert_forbidden(client, f"/{role.value}/", exam.id, sheet.id)

"""Board pages: rules (inline errors, scheme report), compute/publish buttons, 一分一段."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from admissions.models import Exam, ExamStatus, Role, RulesVersion, ScoreResult
from tests.factories import create_account, create_province, csrf_token, login
from tests.test_compute_support import SHANDONG, add_candidate, load_exam

FULL = {
    "chinese": Decimal(100),
    "math": Decimal(100),
    "english": Decimal(60),
    "knowledge": Decimal(150),
}


@pytest.fixture
def board(db, client):
    exam = load_exam(SHANDONG)
    for skill in (200, 190, 190):
        add_candidate(exam, "IT", FULL | {"skill": Decimal(skill)})
    add_candidate(exam, "MED", FULL | {"skill": Decimal(10)})
    account = create_account(Role.BOARD, province_id=exam.province_id)
    db.session.commit()
    login(client, account.username)
    return exam


def _post(client, path: str, data: dict[str, str], page: str):
    return client.post(path, data=data | {"csrf_token": csrf_token(client, page)})


def test_rules_page_shows_text_and_scheme_report(client, board):
    html = client.get(f"/board/exams/{board.id}/rules").get_data(as_text=True)
    assert "计分方案检查" in html and "山东省2026年春季高考" in html
    assert "57.3%" in html  # vocational 430 of 750
    assert "符合要求" in html
    assert "<td>计分方案</td>" in html and "<td>standard</td>" not in html  # named, not coded


def test_weak_vocational_share_is_flagged(client, board, db):
    text = SHANDONG.replace(
        'formula = "chinese + math + english + knowledge + skill"',
        'formula = "2 * (chinese + math + english) + knowledge + skill"',
    )
    page = f"/board/exams/{board.id}/rules"
    response = _post(client, page, {"rules": text}, page)
    assert response.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "规则已保存为第 2 版" in html and "低于国家要求的 50%" in html


def test_bad_rules_show_engine_errors_inline_and_save_nothing(client, board, db):
    page = f"/board/exams/{board.id}/rules"
    bad = SHANDONG.replace("chinese + math", "chinese + mth")
    response = _post(client, page, {"rules": bad}, page)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(
        r"规则文件 第 \d+ 行第 \d+ 列（schemes.standard.formula）：未知的名称“mth”", html
    )
    assert "chinese + mth" in html  # the edited text is kept in the textarea
    assert db.session.scalar(select(func.count(RulesVersion.id))) == 1


def test_a_toml_syntax_error_is_shown_in_chinese_with_its_line_and_column(client, board, db):
    page = f"/board/exams/{board.id}/rules"
    bad = SHANDONG.replace("[schemes.standard]", "[schemes.standard", 1)
    line = SHANDONG[: SHANDONG.index("[schemes.standard]")].count("\n") + 1
    response = _post(client, page, {"rules": bad}, page)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(rf"规则文件 第 {line} 行第 \d+ 列：TOML 格式错误：", html)
    assert "Expected" not in html and "Invalid" not in html  # not the parser's English
    assert db.session.scalar(select(func.count(RulesVersion.id))) == 1


def test_rules_of_another_exam_code_are_refused(client, board, db):
    page = f"/board/exams/{board.id}/rules"
    other = SHANDONG.replace('code = "SD2026CK"', 'code = "SD2027CK"')
    response = _post(client, page, {"rules": other}, page)
    assert response.status_code == 409 and "与本考试 SD2026CK 不同" in response.get_data(
        as_text=True
    )
    assert db.session.scalar(select(func.count(Exam.id))) == 1


def test_compute_needs_confirmation_then_publish(client, board, db):
    page = f"/board/exams/{board.id}/scores"
    first = _post(client, f"{page}/compute", {}, page).get_data(as_text=True)
    assert "按当前规则计算 4 名有成绩考生的总成绩、资格与位次" in first
    assert db.session.scalar(select(func.count(ScoreResult.id))) == 0  # the first POST only asks
    _post(client, f"{page}/compute", {"confirm": "yes"}, page)
    html = client.get(page).get_data(as_text=True)
    assert "已计算 4 名考生的成绩" in html
    assert '<td class="num">600</td><td class="num">2</td><td class="num">3</td>' in html
    assert "<rect" in html and "<script" not in html and "style=" not in html
    med = client.get(f"{page}?category=MED").get_data(as_text=True)
    assert '<td class="num">420</td><td class="num">1</td><td class="num">1</td>' in med
    asked = _post(client, f"{page}/publish", {}, page).get_data(as_text=True)
    assert "4 名考生将能查看自己的成绩、资格审核结果与位次" in asked
    db.session.expire_all()
    assert db.session.get(Exam, board.id).status != ExamStatus.SCORES_PUBLISHED
    _post(client, f"{page}/publish", {"confirm": "yes"}, page)
    db.session.expire_all()
    assert db.session.get(Exam, board.id).status == ExamStatus.SCORES_PUBLISHED
    assert "已发布 4 名考生的成绩与位次" in client.get(page).get_data(as_text=True)


def test_publish_before_compute_is_refused_with_a_message(client, board, db):
    page = f"/board/exams/{board.id}/scores"
    _post(client, f"{page}/publish", {"confirm": "yes"}, page)
    assert "尚未按当前规则计算成绩" in client.get(page).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Exam, board.id).scores_published_at is None


def test_downloads(client, board):
    page = f"/board/exams/{board.id}/scores"
    assert client.get(f"{page}/ranktable.csv").status_code == 404  # not computed yet
    _post(client, f"{page}/compute", {"confirm": "yes"}, page)
    csv = client.get(f"{page}/ranktable.csv")
    assert csv.status_code == 200 and csv.data.decode("utf-8-sig").startswith(
        "专业类别,分数,人数,累计人数"
    )
    xlsx = client.get(f"{page}/ranktable.xlsx")
    assert xlsx.status_code == 200 and xlsx.data.startswith(b"PK")
    assert client.get(f"{page}/ranktable.pdf").status_code == 404


def test_post_without_csrf_token_is_refused(client, board, db):
    response = client.post(f"/board/exams/{board.id}/scores/compute", data={"confirm": "yes"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(ScoreResult.id))) == 0


@pytest.mark.parametrize(
    "path",
    ["/rules", "/scores", "/scores/ranktable.csv"],
)
def test_board_of_another_province_gets_403(client, db, path):
    exam = load_exam(SHANDONG)
    other = create_account(Role.BOARD, province_id=create_province("440000").id)
    db.session.commit()
    login(client, other.username)
    assert client.get(f"/board/exams/{exam.id}{path}").status_code == 403


def test_other_province_cannot_post(client, db):
    exam = load_exam(SHANDONG)
    other = create_account(Role.BOARD, province_id=create_province("440000").id)
    db.session.commit()
    login(client, other.username)
    token = csrf_token(client, "/board/")
    for action in ("compute", "publish"):
        response = client.post(
            f"/board/exams/{exam.id}/scores/{action}", data={"confirm": "yes", "csrf_token": token}
        )
        assert response.status_code == 403


@pytest.mark.parametrize("role", [Role.STUDENT, Role.UNIVERSITY])
def test_other_roles_get_403(client, db, role):
    exam = load_exam(SHANDONG)
    account = create_account(role)
    db.session.commit()
    login(client, account.username)
    assert client.get(f"/board/exams/{exam.id}/scores").status_code == 403


def test_exam_page_links_to_the_new_pages(client, board):
    html = client.get(f"/board/exams/{board.id}").get_data(as_text=True)
    assert f"/board/exams/{board.id}/rules" in html and f"/board/exams/{board.id}/scores" in html

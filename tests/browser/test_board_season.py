"""The board's season in the browser on demo data: compute and publish scores (a student then
sees them); a round: mock run, real run, cutoffs, a university decides, the board closes it."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from admissions.config import REPO_ROOT
from admissions.models import Account, Candidate, Dispatch, Role, ScoreResult
from admissions.services.demo import DEMO_PASSWORDS, load_demo
from admissions.services.scores.compute import compute_scores

pytestmark = pytest.mark.browser
RULES = (REPO_ROOT / "presets" / "shandong.toml").read_text(encoding="utf-8")


@pytest.fixture
def demo(db):
    result = load_demo(RULES, candidates=300, seed=7)
    db.session.commit()
    return result


def _page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _login(page, live_server, username: str, password: str, home: str) -> None:
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名 / 考生号 / 身份证号").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server}{home}")


def test_board_computes_publishes_and_a_student_sees_scores(live_server, browser, db, demo):
    board, student = _page(browser), _page(browser)
    student_no = demo.logins[-1][1]
    _login(student, live_server, student_no, DEMO_PASSWORDS[Role.STUDENT], "/student/")
    student.goto(f"{live_server}/student/scores")
    expect(student.get_by_text("成绩尚未发布")).to_be_visible()

    _login(board, live_server, "board-sd", DEMO_PASSWORDS[Role.BOARD], "/board/")
    board.get_by_role("link", name=demo.exam_code).click()
    board.get_by_role("main").get_by_role("link", name="成绩与一分一段").click()
    board.get_by_role("button", name="计算成绩").click()
    expect(board.get_by_text("按当前规则计算 300 名有成绩考生的总成绩、资格与位次")).to_be_visible()
    board.get_by_role("button", name="确认计算成绩").click()
    expect(board.get_by_text("已计算 300 名考生的成绩")).to_be_visible()
    expect(board.get_by_role("heading", name="一分一段表")).to_be_visible()
    expect(board.get_by_role("table").filter(has_text="累计人数")).to_be_visible()
    board.get_by_role("button", name="发布成绩").click()
    expect(board.get_by_text("300 名考生将能查看自己的成绩、资格审核结果与位次")).to_be_visible()
    board.get_by_role("button", name="确认发布成绩").click()
    expect(board.get_by_text("已发布 300 名考生的成绩与位次。")).to_be_visible()

    db.session.expire_all()
    total = db.session.scalar(
        select(ScoreResult.total)
        .join(Candidate, Candidate.id == ScoreResult.candidate_id)
        .where(Candidate.candidate_no == student_no)
    )
    student.reload()
    expect(student.get_by_role("heading", name="总成绩")).to_be_visible()
    shown = f"{total.normalize():f}"
    expect(student.locator("dd > strong:not(.tag)")).to_have_text(
        re.compile(rf"^{re.escape(shown)}(\.0+)?$")
    )
    assert student.get_by_text("成绩尚未发布").count() == 0


def _university_decides(page, live_server, username: str, admit_no: str, reject_no: str) -> None:
    _login(page, live_server, username, DEMO_PASSWORDS[Role.UNIVERSITY], "/university/")
    page.get_by_role("link", name="审核考生").first.click()
    page.get_by_role("link", name=admit_no).click()
    page.get_by_role("radio", name="录取").check()
    page.get_by_role("button", name="提交结论").click()
    expect(page.get_by_text("结论已保存。")).to_be_visible()
    page.get_by_role("link", name="返回审核列表").click()
    page.get_by_role("link", name=reject_no).click()
    page.get_by_role("radio", name="退档").check()
    page.get_by_label("退档原因").select_option("体检不符合要求")
    page.get_by_label("具体说明").fill("色弱")
    page.get_by_role("button", name="提交结论").click()
    expect(page.get_by_text("体检不符合要求：色弱")).to_be_visible()


def test_board_runs_a_round_and_closes_it_after_the_university(live_server, browser, db, demo):
    from admissions.models import AllocationRun, Exam

    exam = db.session.scalar(select(Exam).where(Exam.code == demo.exam_code))
    compute_scores(exam)
    for round_ in exam.batches[0].round_rows:  # preferences closed, decisions still open
        round_.prefs_close_at = datetime.now(UTC) - timedelta(hours=1)
        round_.decisions_deadline = datetime.now(UTC) + timedelta(days=3)
    db.session.commit()
    board = _page(browser)
    _login(board, live_server, "board-sd", DEMO_PASSWORDS[Role.BOARD], "/board/")
    board.get_by_role("link", name=demo.exam_code).click()
    board.get_by_role("link", name="本科批 第 1 轮").click()
    board.get_by_role("button", name="模拟投档（不保存）").click()
    expect(board.get_by_role("heading", name="模拟投档结果（未保存）")).to_be_visible()
    expect(board.locator("#mock").get_by_role("columnheader", name="最低分").first).to_be_visible()
    mock_text = board.locator("#mock").inner_text()
    dispatched = int(re.search(r"投档 (\d+) 人", mock_text).group(1))
    this_exam = select(Dispatch.id).join(AllocationRun, Dispatch.run_id == AllocationRun.id)
    this_exam = this_exam.where(AllocationRun.exam_id == exam.id)  # the demo's last year has some
    assert dispatched > 0 and db.session.scalar(this_exam) is None

    board.get_by_role("button", name="正式投档").click()
    expect(board.get_by_role("heading", name="正式投档：本科批 第 1 轮")).to_be_visible()
    board.get_by_role("button", name="确认正式投档").click()
    # The real run is a background job: its page reports the count, then links to the results.
    expect(board.get_by_role("heading", name="后台任务：正式投档")).to_be_visible()
    expect(board.get_by_text(f"第 1 轮投档完成：投档 {dispatched} 人。")).to_be_visible()
    board.get_by_role("link", name="查看本轮投档结果").click()
    expect(board.get_by_role("heading", name="已保存的投档结果")).to_be_visible()
    expect(
        board.locator("#result").get_by_role("columnheader", name="最低分").first
    ).to_be_visible()

    univ = db.session.scalar(select(Account).where(Account.role == Role.UNIVERSITY))
    ours = (
        db.session.execute(
            select(Candidate.candidate_no)
            .join(Dispatch, Dispatch.candidate_id == Candidate.id)
            .where(Dispatch.institution_id == univ.institution_id, Candidate.exam_id == exam.id)
            .order_by(Dispatch.id)
        )
        .scalars()
        .all()
    )
    assert len(ours) >= 2
    _university_decides(_page(browser), live_server, univ.username, ours[0], ours[1])

    board.get_by_role("button", name="结束本轮").click()
    expect(board.get_by_role("alert")).to_contain_text("或在结束本轮时选择全部录取待审核考生")
    board.get_by_label("未审核考生全部录取").check()
    board.get_by_role("button", name="结束本轮").click()
    expect(board.get_by_text(f"{dispatched - 2} 名待审核考生将全部录取")).to_be_visible()
    board.get_by_role("button", name="确认结束本轮").click()
    expect(
        board.get_by_text(f"第 1 轮已结束：录取 {dispatched - 1} 人，退档 1 人。")
    ).to_be_visible()


def test_control_line_count_updates_as_the_clerk_types_then_is_fixed(
    live_server, browser, db, demo
):
    from admissions.models import ControlLine, Exam

    exam = db.session.scalar(select(Exam).where(Exam.code == demo.exam_code))
    compute_scores(exam)
    db.session.commit()
    board = _page(browser)
    _login(board, live_server, "board-sd", DEMO_PASSWORDS[Role.BOARD], "/board/")
    board.get_by_role("link", name=demo.exam_code).click()
    board.get_by_role("main").get_by_role("link", name="控制线").click()
    expect(board.get_by_role("heading", name="本科批：各类别计划与上线人数")).to_be_visible()
    board.get_by_label("总分最低分").fill("0")
    result = board.locator("#proposal-result")
    expect(result).to_contain_text("总分 ≥ 0")  # refreshed by board_lines.js, no submit
    everyone = int(board.locator("#cleared").inner_text())
    board.get_by_label("总分最低分").fill("100000")
    expect(result).to_contain_text("总分 ≥ 100000")
    expect(board.locator("#cleared")).to_have_text("0")
    board.get_by_label("总分最低分").fill("1")
    board.get_by_role("button", name="试算").click()
    assert int(board.locator("#cleared").inner_text()) <= everyone
    board.get_by_label("我确认以此作为").check()
    board.get_by_role("button", name="确定控制线").click()
    expect(board.get_by_text("已确定 本科批")).to_be_visible()
    db.session.expire_all()
    category = board.get_by_label("专业类别", exact=True).input_value()
    line = db.session.scalar(select(ControlLine).where(ControlLine.category_code == category))
    assert line.conditions == ["total >= 1"]

"""Double entry on phones: two clerks key a small sheet, one mismatch is resolved, the scores are
applied, and the candidate's history shows the change."""

import pytest
from playwright.sync_api import expect

from tests.board_factories import create_board_account, create_board_exam
from tests.browser.shots import phone_shot as _shot
from tests.factories import PASSWORD, create_candidate

pytestmark = pytest.mark.browser


@pytest.fixture
def second_phone(browser):
    """The second clerk's own phone (a separate browser context: its own session)."""
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("用户名 / 考生号 / 身份证号").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/board/")


def _key(page, values: dict[str, str]) -> None:
    for label, value in values.items():
        page.get_by_label(label).fill(value)


def test_two_clerks_key_resolve_and_apply(live_server, phone, second_phone, db, tmp_path):
    exam = create_board_exam()
    create_candidate(exam, candidate_no="2601", name="张三")
    create_candidate(exam, candidate_no="2602", name="李四")
    one, two = create_board_account(), create_board_account()
    db.session.commit()

    _login(phone, live_server, one.username)
    phone.get_by_role("link", name=exam.code).click()
    phone.get_by_role("link", name="成绩双录入").click()
    phone.get_by_role("link", name="新建录入单").click()
    phone.get_by_label("录入单名称").fill("技能测试 第3考场")
    phone.get_by_label("技能测试").check()
    phone.get_by_label("证书等级").check()
    phone.get_by_label("考生号（每行一个").fill("2601\n2602")
    phone.get_by_role("button", name="建立录入单").click()
    expect(phone.get_by_text("已建立录入单「技能测试 第3考场」，共 2 名考生。")).to_be_visible()
    sheet_url = phone.url
    phone.get_by_role("link", name="录入第 1 遍").click()
    _key(phone, {"2601 技能测试": "200", "2601 证书等级": "A",
                 "2602 技能测试": "缺考", "2602 证书等级": "B"})  # fmt: skip
    _shot(phone, tmp_path, "keying-pass-1")
    phone.get_by_role("button", name="提交第 1 遍").click()
    expect(phone.get_by_text("第 1 遍已保存，录入 4 项（共 4 项）。")).to_be_visible()

    page = second_phone
    _login(page, live_server, two.username)
    page.goto(sheet_url)
    page.get_by_role("link", name="录入第 2 遍").click()
    expect(page.get_by_label("2601 技能测试")).to_have_value("")  # keyed blind
    _key(page, {"2601 技能测试": "206", "2601 证书等级": "a",
                "2602 技能测试": "缺考", "2602 证书等级": "B"})  # fmt: skip
    page.get_by_role("button", name="提交第 2 遍").click()
    expect(page.get_by_text("共 1 处差异（不一致或漏录）")).to_be_visible()
    expect(page.get_by_role("cell", name="206", exact=True)).to_be_visible()
    _shot(page, tmp_path, "keying-differences")
    page.get_by_label("采用第 1 遍：200").check()
    page.get_by_label("处理原因").fill("核对原始评分表")
    page.get_by_role("button", name="确认处理").click()
    expect(page.get_by_text("已处理该差异。")).to_be_visible()
    page.get_by_role("button", name="写入成绩").click()
    expect(page.get_by_text("成绩已写入，2 名考生的成绩有变化。")).to_be_visible()

    page.get_by_role("link", name="2601 张三 的成绩修改记录").click()
    expect(page.get_by_role("cell", name="双录入更正成绩")).to_be_visible()
    expect(page.get_by_role("cell", name="技能测试：200；证书等级：A")).to_be_visible()
    expect(page.get_by_role("cell", name="双录入单「技能测试 第3考场」")).to_be_visible()
    _shot(page, tmp_path, "keying-history")

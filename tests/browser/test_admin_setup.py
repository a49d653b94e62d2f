"""An administrator's first day: province, exam, institutions (one by hand, more by file), a board
and a university account, a password reset shown once, then the university account deactivated."""

import os

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from admissions.models import Account
from tests.factories import PASSWORD, create_account

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("ADMIN_SCREENSHOTS")  # a folder: save a screenshot of each page there


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _nav(page, name: str) -> None:
    page.get_by_role("navigation", name="主导航").get_by_role("link", name=name, exact=True).click()


def _submit(page, name: str) -> None:
    page.get_by_role("button", name=name).click()


def test_admin_sets_up_a_province(live_server, desktop, db):
    admin = create_account("admin", username="root-admin")
    db.session.commit()
    page = desktop
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名 / 考生号 / 身份证号").fill(admin.username)
    page.get_by_label("密码").fill(PASSWORD)
    _submit(page, "登录")
    _nav(page, "省份")
    page.get_by_label("省份代码（6 位，如 370000）").fill("370000")
    page.get_by_label("名称").fill("山东省")
    _submit(page, "新增省份")
    expect(page.get_by_text("已新增省份 370000 山东省。")).to_be_visible()
    _shot(page, "provinces")

    _nav(page, "考试")
    page.get_by_label("考试代码（字母、数字、-，如 SD2026CK）").fill("SD2027CK")
    page.get_by_label("名称").fill("山东省2027年春季高考")
    page.get_by_label("年份").fill("2027")
    page.get_by_label("类型（如 春季高考）").fill("春季高考")
    _submit(page, "新增考试")
    expect(page.get_by_role("cell", name="待考试院上传")).to_be_visible()
    _shot(page, "exams")

    _nav(page, "院校")
    page.get_by_label("院校代码（5 位数字）").fill("1001")
    page.get_by_label("院校名称").fill("山东职业学院")
    _submit(page, "新增院校")
    expect(page.locator("#code-error")).to_have_text("院校代码应为 5 位数字，如 10001")
    expect(
        page.get_by_role("link", name="院校代码（5 位数字）：院校代码应为 5 位数字")
    ).to_be_visible()
    page.get_by_label("院校代码（5 位数字）").fill("10001")
    _submit(page, "新增院校")
    expect(page.get_by_role("cell", name="山东职业学院")).to_be_visible()
    csv = "院校代码,院校名称,所在城市\n10002,淄博职业学院,淄博\n10003,济南职业学院,济南\n"
    page.get_by_label("文件（CSV 或 XLSX）").set_input_files(
        {"name": "院校.csv", "mimeType": "text/csv", "buffer": csv.encode("utf-8")}
    )
    _submit(page, "导入")
    expect(page.get_by_text("导入完成：新增 2 所，更新 0 所，0 所没有变化。")).to_be_visible()
    _shot(page, "institutions")

    _nav(page, "账号")
    page.get_by_role("link", name="新建考试院或高校账号").click()
    page.get_by_label("角色").select_option("university")
    page.get_by_label("用户名").fill("u10002")
    page.get_by_label("所属院校代码（高校账号，5 位数字）").fill("10002")
    page.get_by_label("院校管理员（可管理本校 API 令牌）").check()
    page.get_by_label("初始密码（至少8位）").fill("univ-secret-1")
    page.get_by_label("再次输入密码").fill("univ-secret-1")
    _submit(page, "创建账号")
    expect(page.get_by_text("已创建账号 u10002。")).to_be_visible()
    _submit(page, "重置密码")
    expect(page.get_by_role("heading", name="临时密码（只显示这一次）")).to_be_visible()
    assert len(page.locator("#temporary-password").inner_text()) == 12
    _shot(page, "account-reset")
    _submit(page, "停用账号")
    expect(page.get_by_text("账号已停用，该账号无法再登录。")).to_be_visible()
    expect(page.get_by_role("button", name="重新启用账号")).to_be_visible()
    _shot(page, "account-deactivated")
    db.session.expire_all()
    account = db.session.scalar(select(Account).where(Account.username == "u10002"))
    assert account.is_institution_admin and not account.active

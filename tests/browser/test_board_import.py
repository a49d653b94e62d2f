"""A clerk uploads a bad plans file, reads the errors, fixes the file and confirms the import."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from admissions.models import PlanLine
from tests.board_factories import (
    PLANS_HEADER,
    create_board_account,
    create_board_exam,
    csv_bytes,
    plans_file,
)
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _upload(page, data: bytes) -> None:
    page.get_by_label("文件（CSV 或 XLSX）").set_input_files(
        {"name": "plans.csv", "mimeType": "text/csv", "buffer": data}
    )
    page.get_by_role("button", name="上传并预览").click()


def test_import_with_errors_then_fixed_and_confirmed(live_server, desktop, db):
    exam = create_board_exam()
    account = create_board_account()
    db.session.commit()
    page = desktop
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名 / 考生号 / 身份证号").fill(account.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server}/board/")
    page.get_by_role("link", name=exam.code).click()
    page.get_by_role("link", name="导入招生计划").click()
    bad = csv_bytes([PLANS_HEADER, ["BK", "10101", "甲学院", "P1", "软件", "IT", "三十", ""]])
    _upload(page, bad)
    expect(page.get_by_role("heading", name="发现 1 个错误，未导入任何数据")).to_be_visible()
    expect(page.get_by_role("cell", name="「三十」不是数字")).to_be_visible()
    assert page.get_by_role("button", name="确认导入").count() == 0
    with page.expect_download() as download:
        page.get_by_role("link", name="文本 (.txt)").click()
    text = download.value.path().read_text(encoding="utf-8")
    assert text == "plans.csv:2: seats: 「三十」不是数字\n"
    page.get_by_role("link", name="重新上传").click()
    _upload(page, plans_file())
    expect(page.get_by_text("检查通过")).to_be_visible()
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_role("heading", name="导入完成")).to_be_visible()
    expect(page.get_by_text("招生计划已导入，新增 4 条")).to_be_visible()
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(PlanLine)) == 4

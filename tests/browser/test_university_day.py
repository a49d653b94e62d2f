"""An admissions officer's day in the browser: review, admit in bulk, reject with a reason,
download the list and the letters."""

import io
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.university_factories import review_scenario

pytestmark = pytest.mark.browser


@pytest.fixture
def desk(browser):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_officer_reviews_decides_and_downloads(live_server, desk, db):
    scene = review_scenario(db)
    page = desk
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名 / 考生号 / 身份证号").fill(scene["staff"].username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server}/university/")
    page.get_by_role("link", name="审核考生").click()
    expect(page.get_by_role("cell", name="张三", exact=True)).to_be_visible()
    assert page.get_by_text("赵六").count() == 0

    page.get_by_label("选择 张三").check()
    page.get_by_label("选择 李四").check()
    page.get_by_label("对选中考生").select_option("admit")
    page.get_by_role("button", name="批量提交").click()
    expect(page.get_by_text("已提交 2 名考生的结论。")).to_be_visible()

    page.get_by_label("对选中考生").select_option("reject")
    page.get_by_label("选择 李四").check()
    page.get_by_role("button", name="批量提交").click()
    assert page.get_by_role("alert").inner_text().startswith("退档必须选择原因")

    page.get_by_role("link", name=scene_no(db, scene, 2)).click()
    page.get_by_role("radio", name="退档").check()
    page.get_by_label("退档原因").select_option("体检不符合要求")
    page.get_by_label("具体说明").fill("色弱")
    page.get_by_role("button", name="提交结论").click()
    expect(page.get_by_text("结论已保存。")).to_be_visible()
    expect(page.get_by_text("体检不符合要求：色弱")).to_be_visible()

    page.get_by_role("link", name="返回审核列表").click()
    page.get_by_label("状态").select_option("admitted")
    page.get_by_role("button", name="筛选").click()
    expect(page.get_by_text("共 2 人")).to_be_visible()

    with page.expect_download() as info:
        page.get_by_role("link", name="下载本轮名单（XLSX）").click()
    sheet = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active
    statuses = sorted(row[14] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert statuses == ["录取", "录取", "退档"]  # the page's downloads speak Chinese

    page.get_by_role("button", name="生成本轮录取通知书（PDF）").click()
    expect(page.get_by_text("已完成", exact=True)).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="下载录取通知书（PDF，2 份）").click()
    assert Path(info.value.path()).read_bytes()[:4] == b"%PDF"


def scene_no(db, scene, index: int) -> str:
    from admissions.models import Candidate

    return db.session.get(Candidate, scene["ours"][index].candidate_id).candidate_no


def test_officer_selects_every_listed_candidate_at_once_and_picks_columns(live_server, desk, db):
    scene = review_scenario(db)
    page = desk
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名 / 考生号 / 身份证号").fill(scene["staff"].username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="审核考生").click()
    expect(page.get_by_role("heading", name="本科批 第 1 轮")).to_be_visible()

    page.get_by_label("全选本页考生").check()
    expect(page.locator('input[name="dispatch_id"]:checked')).to_have_count(3)
    page.get_by_label("选择 张三").uncheck()
    expect(page.get_by_label("全选本页考生")).not_to_be_checked()
    page.get_by_label("对选中考生").select_option("admit")
    page.get_by_role("button", name="批量提交").click()
    expect(page.get_by_text("已提交 2 名考生的结论。")).to_be_visible()

    page.goto(f"{live_server}/university/exports")
    names = page.get_by_role("checkbox", name="姓名", exact=True)
    totals = page.get_by_role("checkbox", name="总分", exact=True)
    expect(names).to_be_visible()
    # Several column boxes share a line (not one per line, full width).
    assert (
        names.bounding_box()["y"] == page.get_by_role("checkbox", name="考生号").bounding_box()["y"]
    )
    for column in ("考试", "批次", "轮次", "专业类别", "身份证号", "院校代码", "院校名称",
                   "专业代码", "专业名称", "位次", "志愿序号", "原因"):  # fmt: skip
        page.get_by_role("checkbox", name=column, exact=True).uncheck()
    totals.check()
    with page.expect_download() as info:
        page.get_by_role("button", name="下载").click()
    text = Path(info.value.path()).read_bytes().decode("utf-8-sig")
    assert text.splitlines()[0] == "考生号,姓名,总分,状态"
    assert text.count("录取") == 2

"""The job page follows a running job by itself (static script, CSP-safe) and survives a reload."""

import pytest
from playwright.sync_api import expect

from admissions.models import Job, JobStatus, Role
from tests.factories import PASSWORD, create_account, create_exam

pytestmark = pytest.mark.browser


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_job_page_shows_progress_then_the_result_without_a_reload(live_server, desktop, db):
    exam = create_exam()
    board = create_account(Role.BOARD, province_id=exam.province_id)
    job = Job(kind="round_run", exam_id=exam.id, created_by_id=board.id, status=JobStatus.RUNNING,
              args={"batch_code": "BK", "number": 1}, done=1, total=3,
              message="正在按志愿与位次投档")  # fmt: skip
    db.session.add(job)
    db.session.commit()
    errors: list[str] = []
    page = desktop
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if "Content Security" in m.text else None)
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名 / 考生号 / 身份证号").fill(board.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server}/board/jobs/{job.id}")
    expect(page.get_by_text("正在按志愿与位次投档")).to_be_visible()
    expect(page.get_by_text("33%")).to_be_visible()

    job.done, job.message = 2, "正在校验投档结果并保存"
    db.session.commit()
    expect(page.get_by_text("正在校验投档结果并保存")).to_be_visible()  # polled, no reload
    expect(page.get_by_text("66%")).to_be_visible()

    job.status, job.done, job.result = JobStatus.SUCCEEDED, 3, {"number": 1, "dispatched": 7}
    db.session.commit()
    expect(page.get_by_text("第 1 轮投档完成：投档 7 人。")).to_be_visible()
    expect(page.get_by_role("link", name="查看本轮投档结果")).to_be_visible()
    page.reload()
    expect(page.get_by_text("已完成", exact=True)).to_be_visible()
    assert errors == []

"""The public service on a 375-px phone: a stranger finds 报名, an imported candidate activates
with a code from the command's file, the catalogue's filters, cutoffs and the 一分一段 table, the
results in the candidate's own words, and the editor from a bad order number to a verified
志愿确认单."""

import csv
import io
import subprocess

import pytest
from playwright.sync_api import expect

from admissions.models import DispatchStatus, ExamStatus
from admissions.services.scores.compute import compute_scores
from tests.browser.shots import phone_shot as _shot
from tests.factories import PASSWORD, create_account, create_institution
from tests.rounds_factories import batch_of, create_line, create_rounds_exam, create_scored
from tests.student_factories import create_open_exam, create_round, create_run, cutoff, dispatch

pytestmark = pytest.mark.browser
NEW_PASSWORD = "Qiu-tian-lu-7"


def _season(db, code="T2026"):
    exam = create_rounds_exam(code=code)
    jinan = create_institution(code="10001", name="济南职业学院", city="济南")
    qingdao = create_institution(code="10002", name="青岛工程学院", city="青岛")
    lines = [
        create_line(exam, "BK", 3, institution=jinan, program_code="P1", program_name="软件技术"),
        create_line(exam, "BK", 2, institution=qingdao, program_code="P2", program_name="数控技术"),
        create_line(exam, "ZK", 5, institution=jinan, program_code="Z1", program_name="护理"),
    ]  # fmt: skip
    return exam, lines


def _publish(db, exam):
    compute_scores(exam, force=True)
    exam.status = ExamStatus.SCORES_PUBLISHED
    db.session.flush()


def _login(phone, live_server, number, password=PASSWORD):
    phone.goto(f"{live_server}/login")
    phone.get_by_label("用户名 / 考生号 / 身份证号").fill(number)
    phone.get_by_label("密码").fill(password)
    phone.get_by_role("button", name="登录").click()
    phone.wait_for_url(f"{live_server}/student/")


def test_a_stranger_finds_registration_from_the_home_page(live_server, phone, db, tmp_path):
    create_open_exam(name="山东省2027年春季高考")
    db.session.commit()
    phone.goto(f"{live_server}/")
    _shot(phone, tmp_path, "p01-home")
    phone.get_by_role("link", name="报名", exact=True).click()
    expect(phone.get_by_role("heading", name="考生报名")).to_be_visible()
    expect(phone.get_by_label("身份证号")).to_be_visible()


def test_imported_candidate_activates_with_a_code_from_the_file(
    app, live_server, phone, db, tmp_path
):
    exam, _ = _season(db)
    me = create_scored(exam, 80, 170, school="济南职专")
    _publish(db, exam)
    db.session.commit()
    out = tmp_path / "codes.csv"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["candidates", "activation-codes", exam.code, "-o", str(out)])
    assert result.exit_code == 0, result.output
    [row] = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    phone.goto(f"{live_server}/")
    phone.get_by_role("link", name="激活账号").first.click()
    phone.get_by_label("考生号").fill(row["candidate_no"])
    phone.get_by_label("身份证号").fill(me.national_id)
    phone.get_by_label("激活码").fill(row["code"])
    phone.get_by_label("设置密码（至少8位）").fill(NEW_PASSWORD)
    phone.get_by_label("再次输入密码").fill(NEW_PASSWORD)
    _shot(phone, tmp_path, "p02-activate")
    phone.get_by_role("button", name="激活并登录").click()
    phone.wait_for_url(f"{live_server}/student/")
    expect(phone.get_by_text("账号已激活")).to_be_visible()
    phone.get_by_role("link", name="成绩与位次").first.click()
    expect(phone.get_by_text("250").first).to_be_visible()
    _shot(phone, tmp_path, "p03-scores")


def test_catalogue_filters_cutoffs_and_ranktable(live_server, phone, db, tmp_path):
    exam, lines = _season(db)
    people = [create_scored(exam, 80, skill) for skill in (170, 160, 150)]
    _publish(db, exam)
    run = create_run(exam, batch_of(exam, "BK"))
    cutoff(run, lines[0], "250")
    dispatch(run, people[0], lines[0])
    db.session.commit()
    phone.goto(f"{live_server}/exams/T2026/plans")
    phone.get_by_label("批次").select_option("BK")
    phone.get_by_label("院校（名称或代码）").fill("青岛")
    phone.get_by_role("button", name="查找").click()
    expect(phone.get_by_text("数控技术（P2）")).to_be_visible()
    expect(phone.get_by_text("软件技术（P1）")).to_have_count(0)
    expect(phone.get_by_text("共 1 条计划", exact=False)).to_be_visible()
    _shot(phone, tmp_path, "p04-plans")
    phone.get_by_role("link", name="投档线").first.click()
    expect(phone.get_by_text("250（42）")).to_be_visible()
    _shot(phone, tmp_path, "p05-cutoffs")
    phone.get_by_role("link", name="一分一段表").first.click()
    expect(phone.locator("svg.chart")).to_be_visible()
    phone.get_by_label("查位次：输入总分（可选）").fill("240")
    phone.get_by_role("button", name="查看").click()
    expect(phone.get_by_role("heading", name="240 分的位次")).to_be_visible()
    _shot(phone, tmp_path, "p06-ranktable")


def test_admitted_earlier_and_below_the_line_words(live_server, phone, db, tmp_path):
    exam, lines = _season(db)
    admitted = create_scored(exam, 80, 170)
    low = create_scored(exam, 0, 70)  # total 70, below the control line of 100
    for person in (admitted, low):
        create_account("student", candidate_id=person.id, username=f"u{person.id}")
    _publish(db, exam)
    dispatch(create_run(exam, batch_of(exam, "BK")), admitted, lines[0])
    create_run(exam, batch_of(exam, "ZK"))
    db.session.commit()
    _login(phone, live_server, admitted.candidate_no)
    phone.goto(f"{live_server}/student/results")
    expect(phone.get_by_text("已在此前被录取")).to_be_visible()
    expect(phone.get_by_text("不再参加后续批次和轮次的投档", exact=False)).to_be_visible()
    _shot(phone, tmp_path, "p07-admitted-earlier")
    phone.context.clear_cookies()
    _login(phone, live_server, low.candidate_no)
    phone.goto(f"{live_server}/student/results")
    expect(phone.get_by_text("未达到控制线").first).to_be_visible()
    expect(phone.get_by_text("总分 ≥ 100", exact=False).first).to_be_visible()
    expect(phone.get_by_text("征集志愿")).to_have_count(0)
    _shot(phone, tmp_path, "p08-below-line")


def test_editor_refuses_bad_numbers_confirms_and_issues_a_verified_slip(
    live_server, phone, db, tmp_path
):
    exam, lines = _season(db)
    me = create_scored(exam, 80, 170)
    create_account("student", candidate_id=me.id, username="me1")
    bk = batch_of(exam, "BK")
    for round_ in bk.round_rows:
        db.session.delete(round_)
    db.session.flush()
    create_round(bk)
    db.session.commit()
    _login(phone, live_server, me.candidate_no)
    phone.goto(f"{live_server}/student/preferences/{bk.id}/1")
    phone.get_by_role("button", name="加入 软件技术（济南职业学院）").click()
    phone.get_by_role("button", name="加入 数控技术（青岛工程学院）").click()
    phone.locator("#pos-1").fill("abc")
    phone.get_by_role("button", name="保存草稿").first.click()
    expect(phone.get_by_text("志愿序号有误，未保存")).to_be_visible()
    expect(
        phone.get_by_text("第 2 行（青岛工程学院 · 数控技术）", exact=False).first
    ).to_be_visible()
    _shot(phone, tmp_path, "p09-bad-number")
    phone.locator("#pos-1").fill("1")
    phone.get_by_role("button", name="保存草稿").first.click()
    expect(phone.get_by_text("草稿已保存")).to_be_visible()
    phone.get_by_role("button", name="提交志愿").first.click()
    expect(phone.get_by_role("heading", name="请核对您的志愿")).to_be_visible()
    expect(phone.get_by_text("志愿1：青岛工程学院", exact=False)).to_be_visible()
    _shot(phone, tmp_path, "p10-confirm")
    phone.get_by_role("button", name="确认提交").click()
    expect(phone.get_by_text("志愿已提交")).to_be_visible()
    href = phone.get_by_role("link", name="下载志愿确认单（PDF）").get_attribute("href")
    pdf = phone.request.get(f"{live_server}{href}")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    source = tmp_path / "slip.pdf"
    source.write_bytes(pdf.body())
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-singlefile", source, tmp_path / "slip"],
                   check=True)  # fmt: skip
    assert (tmp_path / "slip.png").stat().st_size > 1000  # rendered
    text = subprocess.run(["pdftotext", source, "-"], check=True, capture_output=True, text=True)
    code = next(line.split("：")[1].strip() for line in text.stdout.splitlines()
                if line.startswith("验证码："))  # fmt: skip
    phone.goto(f"{live_server}/verify")
    phone.get_by_label("验证码", exact=False).fill(code)
    phone.get_by_role("button", name="查验").click()
    expect(phone.get_by_role("heading", name="志愿确认单验证码有效")).to_be_visible()
    _shot(phone, tmp_path, "p11-slip-verified")


def test_rejected_candidate_is_invited_on(live_server, phone, db, tmp_path):
    exam, lines = _season(db)
    me = create_scored(exam, 80, 170)
    create_account("student", candidate_id=me.id, username="me2")
    _publish(db, exam)
    dispatch(create_run(exam, batch_of(exam, "BK")), me, lines[0], DispatchStatus.REJECTED, "体检")
    db.session.commit()
    _login(phone, live_server, me.candidate_no)
    phone.goto(f"{live_server}/student/results")
    expect(phone.get_by_text("您可以参加下一轮", exact=False)).to_be_visible()

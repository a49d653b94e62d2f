"""Public pages (no login): the home page, the plan catalogue, cutoffs, the 一分一段 table and the
rules. Each: 200 without login, nothing unpublished shows, bad query parameters get 400."""

import csv
import io

import pytest

from admissions.models import DispatchStatus, RunStatus
from admissions.services.published import ranktable as public_ranktable
from admissions.services.scores.compute import compute_scores
from tests.factories import create_exam, create_institution, create_plan_line
from tests.rounds_factories import batch_of, create_line, create_rounds_exam, create_scored
from tests.student_factories import create_open_exam, create_run, cutoff, dispatch, publish_scores

BAD = {
    "plans": ["batch=XX", "category=NOPE", "page=abc", "page=0", "page=99", "format=pdf",
              "ownership=国营", "institution_type=大学", "institution=" + "长" * 61],
    "cutoffs": ["batch=XX", "category=NOPE", "format=xlsx"],
    "ranktable": ["category=NOPE", "score=abc", "score=-3", "score=NaN", "format=x"],
}  # fmt: skip


@pytest.fixture
def season(db):
    exam = create_rounds_exam(code="T2026")
    jinan = create_institution(code="10001", name="济南职业学院", city="济南")
    qingdao = create_institution(code="10002", name="青岛工程学院", city="青岛")
    lines = [
        create_line(exam, "BK", 2, institution=qingdao, program_code="P2", program_name="数控技术"),
        create_line(exam, "BK", 3, institution=jinan, program_code="P1", program_name="软件技术",
                    requirements="chinese >= 60"),
        create_line(exam, "ZK", 5, institution=jinan, program_code="Z1", program_name="护理",
                    group_code="G1"),
    ]  # fmt: skip
    people = [create_scored(exam, 80, skill) for skill in (170, 160, 150)]
    db.session.commit()
    return exam, lines, people


def _get(client, path):
    response = client.get(path)
    return response, response.get_data(as_text=True)


def test_home_lists_exams_with_every_entry_point(client, db, season):
    open_exam = create_open_exam(name="开放报名的考试")
    db.session.commit()
    response, page = _get(client, "/")
    assert response.status_code == 200
    for text in ("激活账号", "录取通知书查验", "招生计划", "投档线", "一分一段表", "规则说明"):
        assert text in page
    assert f"/register?exam={open_exam.id}" in page and "/exams/T2026/plans" in page


@pytest.mark.parametrize("page", ["plans", "cutoffs", "ranktable", "rules"])
def test_every_page_answers_without_login_and_404_for_unknown_exam(client, db, season, page):
    assert client.get(f"/exams/T2026/{page}").status_code == 200
    assert client.get(f"/exams/NOPE/{page}").status_code == 404


@pytest.mark.parametrize("page, query", [(p, q) for p, qs in BAD.items() for q in qs])
def test_bad_query_parameters_get_400_with_a_message(client, db, season, page, query):
    exam, _, _ = season
    publish_scores(exam)
    db.session.commit()
    response, text = _get(client, f"/exams/T2026/{page}?{query}")
    assert response.status_code == 400
    assert "请求无效" in text and (
        "应为" in text
        or "没有" in text
        or "不能" in text
        or "超出" in text
        or "过长" in text
        or "只能" in text
    )


def test_catalogue_lists_every_line_in_order_with_filters(client, db, season):
    _, page = _get(client, "/exams/T2026/plans")
    assert page.index("软件技术") < page.index("数控技术") < page.index("护理")
    assert "语文 ≥ 60" in page and "共 3 条计划" in page
    _, page = _get(client, "/exams/T2026/plans?batch=ZK")
    assert "护理" in page and "软件技术" not in page
    _, page = _get(client, "/exams/T2026/plans?institution=青岛")
    assert "数控技术" in page and "软件技术" not in page
    _, page = _get(client, "/exams/T2026/plans?institution=10001&city=济南")
    assert "软件技术" in page and "数控技术" not in page
    _, page = _get(client, "/exams/T2026/plans?category=IT&city=上海")
    assert "没有符合条件的招生计划" in page
    # % and _ are searched as written, not as wildcards that match every institution
    for wildcard in ("%25", "_", "%25%25"):
        _, page = _get(client, f"/exams/T2026/plans?institution={wildcard}")
        assert "没有符合条件的招生计划" in page, wildcard
        _, page = _get(client, f"/exams/T2026/plans?city={wildcard}")
        assert "没有符合条件的招生计划" in page, wildcard


def test_catalogue_paginates_and_downloads_csv(client, db, season):
    exam, lines, _ = season
    for i in range(60):
        create_line(exam, "BK", 1, institution=lines[1].institution, program_code=f"Q{i:02d}",
                    program_name=f"批量专业{i:02d}")  # fmt: skip
    db.session.commit()
    _, first = _get(client, "/exams/T2026/plans")
    assert "第 1 / 2 页" in first and "批量专业59" not in first and 'rel="next"' in first
    _, second = _get(client, "/exams/T2026/plans?page=2")
    assert "护理" in second
    response = client.get("/exams/T2026/plans?format=csv&batch=BK")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == 62 and rows[0]["院校代码"] == "10001" and rows[0]["计划数"] == "3"


def test_catalogue_seats_become_free_seats_once_a_round_ran(client, db, season):
    exam, lines, people = season
    run = create_run(exam, batch_of(exam, "BK"))
    dispatch(run, people[0], lines[1])
    dispatch(run, people[1], lines[1], DispatchStatus.REJECTED, "体检")
    db.session.commit()
    _, page = _get(client, "/exams/T2026/plans?batch=BK")
    assert "剩余 2" in page and "计划 3" in page


def test_before_publication_pages_say_what_will_appear(client, db):
    create_rounds_exam(code="E2026")
    db.session.commit()
    assert "招生计划尚未公布" in _get(client, "/exams/E2026/plans")[1]
    assert "投档线尚未公布" in _get(client, "/exams/E2026/cutoffs")[1]
    assert "一分一段表尚未公布" in _get(client, "/exams/E2026/ranktable")[1]
    assert client.get("/exams/E2026/ranktable?format=csv").status_code == 404


def test_cutoffs_show_only_published_rounds_with_last_year_beside(client, db, season):
    exam, lines, _ = season
    last = create_exam(year=2025)
    old = create_plan_line(last, institution=lines[1].institution, program_code="P1")
    cutoff(create_run(last, last.batches[0]), old, "255")
    hidden = create_run(exam, batch_of(exam, "BK"), status=RunStatus.SUCCEEDED, round_number=2)
    cutoff(hidden, lines[0], "299.5")
    db.session.commit()
    _, page = _get(client, "/exams/T2026/cutoffs")
    assert "投档线尚未公布" in page and "299.5" not in page
    shown = create_run(exam, batch_of(exam, "BK"), round_number=1)
    cutoff(shown, lines[1], "262.5")
    cutoff(shown, lines[0], None)
    grouped = create_run(exam, batch_of(exam, "ZK"))
    cutoff(grouped, lines[2], "180")
    db.session.commit()
    _, page = _get(client, "/exams/T2026/cutoffs")
    assert "262.5（42）" in page and "255（42）" in page and "无人投档" in page
    assert "专业组 G1" in page and "去年最低分" in page and "299.5" not in page
    _, page = _get(client, "/exams/T2026/cutoffs?batch=ZK")
    assert "专业组 G1" in page and "262.5" not in page
    rows = list(csv.DictReader(io.StringIO(
        client.get("/exams/T2026/cutoffs?format=csv").data.decode("utf-8-sig"))))  # fmt: skip
    assert {r["最低分"] for r in rows} == {"262.5", "", "180"}


def test_ranktable_only_after_publication_with_chart_csv_and_lookup(client, db, season):
    exam, _, people = season
    compute_scores(exam, force=True)
    public_ranktable.clear_cache()
    db.session.commit()
    _, page = _get(client, "/exams/T2026/ranktable")
    assert "一分一段表尚未公布" in page and "<svg" not in page and "250" not in page
    publish_scores(exam)
    db.session.commit()
    _, page = _get(client, "/exams/T2026/ranktable")
    assert '<svg class="chart" viewBox=' in page and '<td class="num">250</td>' in page
    _, page = _get(client, "/exams/T2026/ranktable?category=IT&score=240")
    assert "240 分的位次" in page and "<dd>2</dd>" in page
    data = client.get("/exams/T2026/ranktable?category=IT&format=csv").data.decode("utf-8-sig")
    assert list(csv.DictReader(io.StringIO(data)))[0]["分数"] == "250"


def test_rules_in_plain_chinese(client, db, season):
    _, page = _get(client, "/exams/T2026/rules")
    assert "语文 + 技能测试" in page and "chinese + skill" not in page
    assert "技能测试 ≥ 60" in page and "总分 ≥ 100" in page and "共 2 轮" in page


def test_catalogue_filters_by_ownership_and_institution_type_and_shows_the_plan_fields(
    client, db, season
):
    exam, lines, _ = season
    lines[0].ownership, lines[0].tuition, lines[0].years = "民办", 16800, 4
    lines[0].institution.institution_type = "职业本科"
    lines[1].ownership, lines[1].notes = "公办", "校企合作班"
    lines[1].institution.institution_type = "高职专科"
    db.session.commit()
    _, page = _get(client, "/exams/T2026/plans?ownership=民办")
    assert "数控技术" in page and "软件技术" not in page and "16800" in page
    _, page = _get(client, "/exams/T2026/plans?institution_type=高职专科")
    assert "软件技术" in page and "校企合作班" in page and "数控技术" not in page

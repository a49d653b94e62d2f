"""University pages: overview, review list, decisions (one and bulk), ownership by id."""

import pytest
from sqlalchemy import select

from admissions.models import AuditEvent, Dispatch, DispatchStatus, RoundStatus
from tests.factories import csrf_token, login
from tests.university_factories import create_round, review_scenario


@pytest.fixture
def scene(db, client):
    scene = review_scenario(db)
    login(client, scene["staff"].username)
    return scene


def _status(db, dispatch) -> DispatchStatus:
    db.session.expire_all()
    return db.session.get(Dispatch, dispatch.id).status


def test_overview_counts_and_round_link(client, db, scene):
    html = client.get("/university/").get_data(as_text=True)
    assert "软件技术" in html and "烹饪工艺与营养" not in html
    assert f"/university/runs/{scene['run'].id}" in html
    assert "审核考生" in html


def test_review_lists_only_own_candidates_sorted_and_filtered(client, scene):
    run = scene["run"]
    html = client.get(f"/university/runs/{run.id}").get_data(as_text=True)
    assert html.index("张三") < html.index("李四") and "赵六" not in html
    html = client.get(f"/university/runs/{run.id}?sort=name").get_data(as_text=True)
    assert "张三" in html and "李四" in html
    html = client.get(f"/university/runs/{run.id}?q=李四").get_data(as_text=True)
    assert "李四" in html and "张三" not in html
    html = client.get(f"/university/runs/{run.id}?sort=rank&status=admitted").get_data(as_text=True)
    assert "没有符合条件的考生" in html


def test_review_list_comes_in_pages_that_keep_the_filters(client, scene, monkeypatch):
    from admissions.services.universities import review

    monkeypatch.setattr(review, "REVIEW_PAGE_SIZE", 2)
    run = scene["run"]
    first = client.get(f"/university/runs/{run.id}?status=dispatched").get_data(as_text=True)
    assert "共 3 人，第 1 / 2 页" in first
    assert "张三" in first and "李四" in first and "HYPERLINK" not in first
    assert "status=dispatched" in first and "page=2" in first
    second = client.get(f"/university/runs/{run.id}?status=dispatched&page=2").get_data(
        as_text=True
    )
    assert "HYPERLINK" in second and "张三" not in second and "李四" not in second
    past_the_end = client.get(f"/university/runs/{run.id}?page=99").get_data(as_text=True)
    assert "HYPERLINK" in past_the_end and "第 2 / 2 页" in past_the_end


def test_single_admit_and_reject_need_csrf_and_reason(client, db, scene):
    mine = scene["ours"][0]
    url = f"/university/dispatches/{mine.id}"
    assert client.post(url, data={"decision": "admit"}).status_code == 400  # no CSRF token
    token = csrf_token(client, url)
    response = client.post(url, data={"decision": "reject", "csrf_token": token})
    assert response.status_code == 400 and "退档必须选择原因" in response.get_data(as_text=True)
    assert _status(db, mine) == DispatchStatus.DISPATCHED
    response = client.post(
        url, data={"decision": "reject", "reason_code": "其他", "csrf_token": token}
    )
    assert "请填写具体原因" in response.get_data(as_text=True)
    client.post(url, data={"decision": "reject", "reason_code": "体检不符合要求",
                           "reason_details": "色弱", "csrf_token": token})  # fmt: skip
    assert _status(db, mine) == DispatchStatus.REJECTED
    assert db.session.get(Dispatch, mine.id).reason == "体检不符合要求：色弱"
    client.post(url, data={"decision": "admit", "csrf_token": token})
    assert _status(db, mine) == DispatchStatus.ADMITTED


def test_bulk_decisions(client, db, scene):
    run, ours = scene["run"], scene["ours"]
    token = csrf_token(client, f"/university/runs/{run.id}")
    ids = [str(d.id) for d in ours[:2]]
    client.post(f"/university/runs/{run.id}/decisions",
                data={"dispatch_id": ids, "decision": "admit", "csrf_token": token})  # fmt: skip
    assert [_status(db, d) for d in ours] == [
        DispatchStatus.ADMITTED, DispatchStatus.ADMITTED, DispatchStatus.DISPATCHED]  # fmt: skip
    response = client.post(f"/university/runs/{run.id}/decisions", follow_redirects=True,
                           data={"dispatch_id": ids, "decision": "reject", "csrf_token": token})  # fmt: skip
    assert "退档必须选择原因" in response.get_data(as_text=True)
    assert _status(db, ours[0]) == DispatchStatus.ADMITTED


def test_bulk_with_another_institutions_dispatch_saves_nothing(client, db, scene):
    run, ours, theirs = scene["run"], scene["ours"], scene["theirs"]
    token = csrf_token(client, f"/university/runs/{run.id}")
    response = client.post(
        f"/university/runs/{run.id}/decisions", follow_redirects=True,
        data={"dispatch_id": [str(ours[0].id), str(theirs.id)], "decision": "admit", "csrf_token": token},
    )  # fmt: skip
    assert "未保存任何结论" in response.get_data(as_text=True)
    assert _status(db, ours[0]) == DispatchStatus.DISPATCHED
    assert _status(db, theirs) == DispatchStatus.DISPATCHED


def test_another_institutions_dispatch_and_run_are_404(client, db, scene):
    theirs = scene["theirs"]
    token = csrf_token(client, f"/university/runs/{scene['run'].id}")
    assert client.get(f"/university/dispatches/{theirs.id}").status_code == 404
    response = client.post(
        f"/university/dispatches/{theirs.id}", data={"decision": "admit", "csrf_token": token}
    )
    assert response.status_code == 404
    assert client.get(f"/university/dispatches/{theirs.id}/letter.pdf").status_code == 404
    assert client.get("/university/runs/999999").status_code == 404
    assert _status(db, theirs) == DispatchStatus.DISPATCHED


def test_run_of_a_batch_without_our_lines_is_404(client, db, scene):
    from tests.factories import create_exam, create_plan_line
    from tests.university_factories import create_run

    exam = create_exam()
    create_plan_line(exam)
    foreign = create_run(exam)
    db.session.commit()
    assert client.get(f"/university/runs/{foreign.id}").status_code == 404


def test_closed_round_shows_lock_and_refuses(client, db, scene):
    mine = scene["ours"][0]
    token = csrf_token(client, f"/university/dispatches/{mine.id}")
    create_round(scene["exam"], 1, RoundStatus.FINISHED)
    db.session.commit()
    html = client.get(f"/university/runs/{scene['run'].id}").get_data(as_text=True)
    assert "本轮已结束，录取结论已锁定" in html and "批量审核" not in html
    response = client.post(
        f"/university/dispatches/{mine.id}", data={"decision": "admit", "csrf_token": token}
    )
    assert "本轮已结束" in response.get_data(as_text=True)
    assert _status(db, mine) == DispatchStatus.DISPATCHED


def test_decision_is_audited_with_the_actor(client, db, scene):
    mine = scene["ours"][1]
    token = csrf_token(client, f"/university/dispatches/{mine.id}")
    client.post(
        f"/university/dispatches/{mine.id}", data={"decision": "admit", "csrf_token": token}
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "dispatch.admit"))
    assert event.actor_id == scene["staff"].id and event.object_id == mine.id


def test_masked_id_on_detail_page(client, scene):
    mine = scene["ours"][0]
    html = client.get(f"/university/dispatches/{mine.id}").get_data(as_text=True)
    from admissions.extensions import db
    from admissions.models import Candidate

    number = db.session.get(Candidate, mine.candidate_id).national_id
    assert number not in html and number[:6] + "********" + number[-4:] in html


def test_detail_explains_the_composite(client, db, scene):
    from decimal import Decimal

    from admissions.models import (
        Candidate,
        Component,
        ComponentScore,
        RulesVersion,
        Scheme,
        ScoreResult,
    )

    exam, run, mine = scene["exam"], scene["run"], scene["ours"][0]
    version = RulesVersion(exam_id=exam.id, version=1, toml_text="", digest="0" * 64)
    db.session.add(version)
    db.session.flush()
    db.session.add(Scheme(rules_version_id=version.id, code="standard", formula="chinese + skill"))
    run.rules_version_id = version.id
    chinese, skill = db.session.scalars(
        select(Component).where(Component.exam_id == exam.id).order_by(Component.position)
    )
    db.session.add_all([
        ComponentScore(candidate_id=mine.candidate_id, component_id=chinese.id, value=Decimal("98.5")),
        ComponentScore(candidate_id=mine.candidate_id, component_id=skill.id, value=None),
        ScoreResult(candidate_id=mine.candidate_id, rules_version_id=version.id, raw_total=Decimal("98.5"),
                    bonus=Decimal(5), total=Decimal("103.5"), qualified=False, reasons=["skill >= 138"]),
    ])  # fmt: skip
    db.session.commit()
    html = client.get(f"/university/dispatches/{mine.id}").get_data(as_text=True)
    assert "语文 98.5 · 技能测试 缺考 → 原始总分 98.5 + 加分 5 = 103.5" in html
    assert "计分公式：语文 + 技能测试" in html and "chinese + skill" not in html
    assert "skill &gt;= 138" in html  # a stored reason is shown as stored
    other = scene["ours"][1]
    html = client.get(f"/university/dispatches/{other.id}").get_data(as_text=True)
    assert "总分尚未按本轮规则计算" in html
    assert db.session.get(Candidate, mine.candidate_id) is not None


def test_overview_shows_cutoffs_of_live_runs_only(client, db, scene):
    from decimal import Decimal

    from admissions.models import Cutoff
    from tests.university_factories import create_run

    dry = create_run(scene["exam"], 2, dry_run=True)
    db.session.add_all([
        Cutoff(run_id=scene["run"].id, plan_line_id=scene["line"].id, seats=2, dispatched=3,
               min_total=Decimal("598.0000"), min_rank=3),
        Cutoff(run_id=dry.id, plan_line_id=scene["line"].id, seats=2, dispatched=1,
               min_total=Decimal("444.0000"), min_rank=99),
    ])  # fmt: skip
    db.session.commit()
    html = client.get("/university/").get_data(as_text=True)
    assert ">598<" in html and ">444<" not in html


def test_export_page_offers_rounds_formats_and_columns(client, scene):
    html = client.get("/university/exports").get_data(as_text=True)
    assert 'name="columns" value="national_id"' in html and "身份证号将以掩码显示" in html
    assert 'value="xlsx"' in html and "第 1 轮" in html and "软件技术（P01）" in html
    assert 'name="headers" value="en"' in html and "英文列名（供系统导入）" in html
    assert 'name="include_all" value="yes"' in html


def test_grouped_dispatch_can_be_placed_in_another_major_of_its_group(client, db):
    from admissions.models import Role
    from tests.factories import create_account, create_candidate, create_exam, create_plan_line
    from tests.university_factories import create_dispatch, create_run

    exam = create_exam()
    first = create_plan_line(exam, group_code="G1", program_code="A01", program_name="软件技术")
    second = create_plan_line(exam, institution=first.institution, group_code="G1", program_code="A02",
                              program_name="网络技术")  # fmt: skip
    dispatch = create_dispatch(create_run(exam), create_candidate(exam), first)
    staff = create_account(Role.UNIVERSITY, institution_id=first.institution_id)
    db.session.commit()
    login(client, staff.username)
    url = f"/university/dispatches/{dispatch.id}"
    html = client.get(url).get_data(as_text=True)
    assert "A02 网络技术" in html and "录取专业" in html
    client.post(
        url,
        data={"decision": "admit", "program_code": "A02", "csrf_token": csrf_token(client, url)},
    )
    db.session.expire_all()
    placed = db.session.get(Dispatch, dispatch.id)
    assert placed.plan_line_id == second.id and placed.status == DispatchStatus.ADMITTED


def test_review_context_says_what_the_one_by_one_checks_say(db, scene):
    """The review page reads heading, formula and problem in one query: the same answers as
    ``review_problem`` and the round row, whatever state the round and the run are in."""
    from datetime import timedelta

    from admissions.models import RunStatus, utcnow
    from admissions.services.rounds.decisions import review_problem
    from admissions.services.universities.review import review_context
    from tests.university_factories import create_run

    exam, run = scene["exam"], scene["run"]
    past, future = utcnow() - timedelta(hours=1), utcnow() + timedelta(days=1)

    def agree(expected: str | None, deadline=None) -> None:
        db.session.flush()
        around = review_context(run)
        assert around.problem == review_problem(run) == expected
        assert around.heading.exam_name == exam.name and around.heading.deadline == deadline
        assert around.heading.round_number == run.round_number
        in_order = sorted(exam.components, key=lambda c: (c.position, c.id))
        assert around.components == tuple((c.id, c.name) for c in in_order)

    agree(None)
    create_round(exam, 1, RoundStatus.ALLOCATED, decisions_deadline=future)
    agree(None, future)
    create_round(exam, 1, RoundStatus.ALLOCATED, decisions_deadline=past)
    agree(f"已超过本轮审核截止时间（{past:%Y-%m-%d %H:%M} UTC），录取结论已锁定", past)
    create_round(exam, 1, RoundStatus.CLOSED, decisions_deadline=None)
    agree("本轮已结束，录取结论已锁定")
    create_round(exam, 1, RoundStatus.ALLOCATED)
    create_run(exam, status=RunStatus.PUBLISHED, dry_run=True)  # a later dry run never counts
    agree(None)
    run.dry_run = True
    agree("该投档结果不是有效的正式投档，不能审核")

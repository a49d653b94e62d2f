"""Categories and batches edited through the rules file; locks; the rules versions list."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from admissions.models import AllocationRun, RulesVersion, RunStatus
from admissions.models.base import utcnow
from admissions.services.exam.rules import current_version, exam_rules, is_frozen
from tests.rounds_factories import batch_of
from tests.setup_helpers import actions, post, setup_exam_with_board, text


def _page(exam) -> str:
    return f"/board/exams/{exam.id}/setup/structure"


def _batch(client, exam, code="BK", **fields):
    data = {"name": "本科批", "max_choices": "10", "ratio": "1", "rounds": "2"} | fields
    return post(client, f"/board/exams/{exam.id}/setup/batches/{code}", _page(exam), **data)


def _saved_run(exam, status=RunStatus.SUCCEEDED, dry_run=False):
    version = current_version(exam)
    run = AllocationRun(
        exam_id=exam.id, batch_id=batch_of(exam, "BK").id, round_number=1, status=status,
        dry_run=dry_run, rules_version_id=version.id,
    )  # fmt: skip
    from admissions.extensions import db

    db.session.add(run)
    db.session.commit()
    return version


def test_page_says_the_rules_are_the_source(client, db):
    exam, _ = setup_exam_with_board(client)
    html = text(client.get(_page(exam)))
    assert "由规则文件定义" in html and "信息技术类" in html and "保存为新规则版本" in html


def test_batch_edit_makes_a_new_rules_version(client, db):
    exam, board = setup_exam_with_board(client)
    response = _batch(client, exam, name="本科一批", max_choices="45", ratio="1.05", rounds="3")
    assert response.status_code == 302
    db.session.expire_all()
    bk = batch_of(exam, "BK")
    assert (bk.name, bk.max_choices, bk.ratio, bk.rounds) == ("本科一批", 45, Decimal("1.05"), 3)
    assert [r.number for r in bk.round_rows] == [1, 2, 3]
    version, rules = exam_rules(exam)
    assert version.version == 2 and version.created_by_id == board.id
    assert next(b for b in rules.batches if b.code == "BK").max_choices == 45
    assert "exam.rules_version" in actions(exam)


def test_unchanged_batch_adds_no_version(client, db):
    exam, _ = setup_exam_with_board(client)
    assert _batch(client, exam).status_code == 302
    db.session.expire_all()
    assert exam.current_rules_version == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"ratio": "abc"}, "投档比例“abc”不是数字"),
        ({"ratio": "3"}, "投档比例应在 1 到 2 之间"),
        ({"ratio": "0.9"}, "投档比例应在 1 到 2 之间"),
        ({"ratio": "1.000001"}, "最多 4 位小数"),
        ({"max_choices": "0"}, "最多志愿数应在 1 到 1000 之间"),
        ({"max_choices": "十"}, "最多志愿数“十”不是整数"),
        ({"rounds": "21"}, "投档轮数应在 1 到 20 之间"),
        ({"name": "  "}, "请填写批次名称"),
    ],
)
def test_bad_batch_values(client, db, fields, message):
    exam, _ = setup_exam_with_board(client)
    response = _batch(client, exam, **fields)
    assert response.status_code == 422 and message in text(response)
    db.session.expire_all()
    assert exam.current_rules_version == 1


def test_unknown_batch_404(client, db):
    exam, _ = setup_exam_with_board(client)
    assert _batch(client, exam, code="XX").status_code == 404


def test_cannot_drop_a_round_that_started(client, db):
    exam, _ = setup_exam_with_board(client)
    batch_of(exam, "BK").round_rows[1].prefs_open_at = utcnow()
    from admissions.models import RoundStatus

    batch_of(exam, "BK").round_rows[1].status = RoundStatus.OPEN
    db.session.commit()
    response = _batch(client, exam, rounds="1")
    assert response.status_code == 409 and "第 2 轮已开始，不能减少轮次" in text(response)
    db.session.expire_all()
    assert exam.current_rules_version == 1 and batch_of(exam, "BK").rounds == 2


def test_add_and_rename_category(client, db):
    exam, _ = setup_exam_with_board(client)
    url = f"/board/exams/{exam.id}/setup/categories"
    assert post(client, url, _page(exam), code="JX", name="机械类").status_code == 302
    assert post(client, url, _page(exam), code="IT", name="信息技术大类").status_code == 302
    db.session.expire_all()
    assert {c.code: c.name for c in exam.categories} == {"IT": "信息技术大类", "JX": "机械类"}
    assert exam.current_rules_version == 3


@pytest.mark.parametrize(
    ("code", "name", "message"),
    [
        ("机械", "机械类", "类别代码只能由字母、数字"),
        ("JX", "", "请填写类别名称"),
        ("", "x", "类别代码"),
    ],
)
def test_bad_category(client, db, code, name, message):
    exam, _ = setup_exam_with_board(client)
    url = f"/board/exams/{exam.id}/setup/categories"
    response = post(client, url, _page(exam), code=code, name=name)
    assert response.status_code == 422 and message in text(response)
    db.session.expire_all()
    assert [c.code for c in exam.categories] == ["IT"]


def test_locked_after_publication(client, db):
    exam, _ = setup_exam_with_board(client, scores_published_at=utcnow())
    html = text(client.get(_page(exam)))
    assert "已锁定：成绩已发布" in html and "保存为新规则版本" not in html
    response = _batch(client, exam, max_choices="50")
    assert response.status_code == 409 and "成绩已发布" in text(response)
    db.session.expire_all()
    assert batch_of(exam, "BK").max_choices == 10


def test_saved_run_freezes_the_version(client, db):
    exam, _ = setup_exam_with_board(client)
    version = _saved_run(exam)
    assert is_frozen(version)
    assert "已冻结" in text(client.get(_page(exam)))
    response = _batch(client, exam, max_choices="50")
    assert response.status_code == 409 and "已冻结" in text(response)


def test_dry_or_failed_runs_do_not_freeze(client, db):
    exam, _ = setup_exam_with_board(client)
    _saved_run(exam, dry_run=True)
    version = _saved_run(exam, status=RunStatus.FAILED)
    assert not is_frozen(version)


def test_frozen_version_refuses_scoring_changes(client, db):
    exam, _ = setup_exam_with_board(client)
    version = _saved_run(exam)
    rules_page = f"/board/exams/{exam.id}/rules"
    changed = version.toml_text.replace('qualify = ["skill >= 60"]', 'qualify = ["skill >= 70"]')
    response = post(client, rules_page, rules_page, rules=changed)
    assert response.status_code == 409 and "已冻结" in text(response)
    assert "不能再修改计分方案" in text(response)
    lines = version.toml_text.replace('"*" = ["total >= 100"]', '"*" = ["total >= 120"]', 1)
    response = post(client, rules_page, rules_page, rules=lines)
    assert response.status_code == 409 and "已投档批次 BK 的计分方案、志愿形式或控制线" in text(
        response
    )
    db.session.expire_all()
    assert exam.current_rules_version == 1


def test_frozen_version_allows_one_more_round_as_a_new_version(client, db):
    exam, _ = setup_exam_with_board(client)
    version = _saved_run(exam)
    rules_page = f"/board/exams/{exam.id}/rules"
    more = version.toml_text.replace("rounds = 2", "rounds = 3", 1)
    assert post(client, rules_page, rules_page, rules=more).status_code == 302
    db.session.expire_all()
    assert exam.current_rules_version == 2 and batch_of(exam, "BK").rounds == 3
    assert [r.number for r in batch_of(exam, "BK").round_rows] == [1, 2, 3]
    old = db.session.scalar(select(RulesVersion).where(RulesVersion.version == 1))
    assert is_frozen(old) and old.toml_text == version.toml_text


def test_versions_list_who_when_frozen(client, db):
    exam, board = setup_exam_with_board(client)
    assert _batch(client, exam, max_choices="20").status_code == 302
    db.session.expire_all()
    _saved_run(exam)
    html = text(client.get(f"/board/exams/{exam.id}/setup/versions"))
    assert "第 2 版" in html and "（当前）" in html and board.username in html
    assert "命令行或系统" in html and "已冻结" in html and "历史版本" in html
    old = client.get(f"/board/exams/{exam.id}/setup/versions/1")
    assert old.status_code == 200 and "max_choices = 10" in text(old)
    assert client.get(f"/board/exams/{exam.id}/setup/versions/9").status_code == 404
    assert len(db.session.scalars(select(RulesVersion)).all()) == 2

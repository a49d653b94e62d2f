"""Publication waits for double entry: the page and `scores publish` name the unfinished sheets."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from admissions.models import Exam, Role
from admissions.services.keying.compare import apply_sheet, cancel_sheet, resolve
from admissions.services.keying.passes import save_pass
from admissions.services.keying.sheets import create_sheet
from admissions.services.scores.compute import compute_scores
from tests.factories import create_account, csrf_token, login
from tests.test_compute_support import SHANDONG, add_candidate, load_exam, run

FULL = {"chinese": Decimal(100), "math": Decimal(100), "english": Decimal(60),
        "knowledge": Decimal(150), "skill": Decimal(200)}  # fmt: skip


@pytest.fixture
def computed(db):
    """A computed Shandong exam with a sheet whose passes disagree, and two clerks."""
    exam = load_exam(SHANDONG)
    candidate = add_candidate(exam, "IT", FULL)
    one = create_account(Role.BOARD, province_id=exam.province_id)
    two = create_account(Role.BOARD, province_id=exam.province_id)
    sheet = create_sheet(exam, "技能测试 第3考场", ["skill"], candidate.candidate_no, "", one)
    save_pass(sheet, 1, {(candidate.id, "skill"): "200"}, one)
    save_pass(sheet, 2, {(candidate.id, "skill"): "201"}, two)
    create_sheet(exam, "技能测试 第4考场", ["skill"], candidate.candidate_no, "", one)
    compute_scores(exam)
    db.session.commit()
    return exam, sheet, candidate, one


def _published(db) -> bool:
    db.session.expire_all()
    return db.session.scalar(select(Exam)).scores_published_at is not None


def test_cli_publish_is_refused_while_sheets_are_unfinished(app, db, computed):
    result = run(app, "scores", "publish", "SD2026CK")
    assert result.exit_code == 1
    assert "「技能测试 第3考场」（待处理差异）" in result.output
    assert "「技能测试 第4考场」（录入中）" in result.output
    assert not _published(db)


def test_page_publish_is_refused_while_sheets_are_unfinished(client, db, computed):
    exam, _, _, one = computed
    login(client, one.username)
    page = f"/board/exams/{exam.id}/scores"
    client.post(f"{page}/publish", data={"confirm": "yes", "csrf_token": csrf_token(client, page)})
    html = client.get(page).get_data(as_text=True)
    assert "有双录入单未完成" in html and "「技能测试 第3考场」（待处理差异）" in html
    assert not _published(db)


def test_publish_goes_through_once_sheets_are_applied_or_cancelled(app, db, computed):
    exam, sheet, candidate, one = computed
    resolve(sheet, candidate.id, "skill", "2", "", "核对答题卡", one)
    apply_sheet(sheet, one)
    db.session.commit()
    result = run(app, "scores", "publish", "SD2026CK")
    assert result.exit_code == 1 and "第3考场" not in result.output and "第4考场" in result.output
    db.session.expire_all()
    other = db.session.scalar(select(type(sheet)).where(type(sheet).name == "技能测试 第4考场"))
    cancel_sheet(other, "与第3考场重复", one)
    compute_scores(db.session.get(Exam, exam.id), force=True)  # the applied sheet changed a score
    db.session.commit()
    result = run(app, "scores", "publish", "SD2026CK")
    assert result.exit_code == 0, result.output
    assert _published(db)

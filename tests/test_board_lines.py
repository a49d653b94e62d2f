"""Control lines page: counts for a proposed line, the suggestion, fixing (audited), locking."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from admissions.models import AuditEvent, ControlLine, Role
from admissions.services.exam.rules import exam_rules, load_exam_rules
from admissions.services.rounds.control_lines import LineCounter, Proposal, fix_line
from admissions.services.rounds.run import run_allocation
from admissions.services.scores.compute import compute_scores
from tests.factories import create_account, create_province, csrf_token, login
from tests.rounds_factories import (
    RULES,
    batch_of,
    create_line,
    create_rounds_exam,
    create_scored,
    submit_flat,
)

# (chinese, skill): totals 250 240 230 220 210 200 190; the last fails qualify (skill 40)
SCORES = [(90, 160), (80, 160), (70, 160), (100, 120), (90, 120), (80, 120), (150 - 100, 40)]


@pytest.fixture
def lines_exam(db):
    exam = create_rounds_exam()
    bk = batch_of(exam, "BK")
    line = create_line(exam, "BK", 3)
    create_line(exam, "BK", 2)
    people = [create_scored(exam, c, s) for c, s in SCORES]
    for person in people:
        submit_flat(person, bk, 1, [line])
    compute_scores(exam)
    board = create_account(Role.BOARD, province_id=exam.province_id)
    db.session.commit()
    return exam, bk, board


def _url(exam, **query):
    params = "&".join(f"{k}={v}" for k, v in query.items())
    return f"/board/exams/{exam.id}/lines" + (f"?{params}" if params else "")


def test_table_shows_seats_qualified_current_line_and_suggestion(client, lines_exam):
    exam, _, board = lines_exam
    login(client, board.username)
    html = client.get(_url(exam, ratio="1.2")).get_data(as_text=True)
    # 5 seats, 6 qualified, all above the "*" line total >= 100; 1.2 × 5 = 6 → the 6th is 200
    assert '<td class="num">5</td>' in html and '<td class="num">6</td>' in html
    assert "总分 ≥ 100" in html
    assert "（通用线）" in html and '<td class="num">200</td>' in html
    assert '<td class="num">1.20</td>' in html


def test_proposed_total_line_counts_and_ratio(client, lines_exam):
    exam, _, board = lines_exam
    login(client, board.username)
    html = client.get(_url(exam, category="IT", total="230")).get_data(as_text=True)
    assert 'id="cleared">3<' in html and 'id="ratio-value">0.60<' in html


def test_dual_line_culture_and_vocational(client, lines_exam):
    exam, _, board = lines_exam
    login(client, board.username)
    html = client.get(_url(exam, category="IT", culture="80", vocational="150")).get_data(
        as_text=True
    )
    assert "文化素质 ≥ 80，职业技能 ≥ 150" in html and 'id="cleared">2<' in html


def test_sql_count_equals_engine_count(lines_exam):
    exam, bk, _ = lines_exam
    fast, engine = LineCounter(exam, bk), LineCounter(exam, bk, needs_engine=True)
    assert not fast.engine and engine.engine
    for line in ("100", "200", "219.99", "220", "251"):
        conds = [f"total >= {line}"]
        assert fast.cleared("IT", conds) == engine.cleared("IT", conds)
    assert fast.qualified("IT") == engine.qualified("IT") == 6
    assert fast.suggest("IT", 5, Decimal("1.2")) == engine.suggest("IT", 5, Decimal("1.2"))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"total": "abc"}, "总分：请输入数字"),
        ({"total": "-5"}, "总分：请输入不小于 0"),
        ({"culture": "1.234"}, "文化素质：请输入不小于 0、最多两位小数"),
        ({"vocational": "1e9"}, "职业技能：数值过大"),
        ({"ratio": "0"}, "比例须大于 0"),
        ({"ratio": "x"}, "比例：请输入数字"),
    ],
)
def test_bad_proposal_is_explained(client, lines_exam, query, message):
    exam, _, board = lines_exam
    login(client, board.username)
    response = client.get(_url(exam, **query))
    assert response.status_code == 422 and message in response.get_data(as_text=True)


def test_fix_line_is_audited_and_allocation_reads_it(client, db, lines_exam):
    exam, bk, board = lines_exam
    login(client, board.username)
    page = _url(exam, category="IT", total="240")
    data = {"csrf_token": csrf_token(client, page), "batch": "BK", "category": "IT",
            "total": "240", "confirm": "yes"}  # fmt: skip
    assert client.post(_url(exam), data=data).status_code == 302
    db.session.expire_all()
    row = db.session.scalar(select(ControlLine).where(ControlLine.category_code == "IT"))
    assert row.conditions == ["total >= 240"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "control_line.fix"))
    assert event.before["conditions"] == ["total >= 100"] and event.after["cleared"] == 2
    assert [c.source for c in exam_rules(exam)[1].batch("BK").lines_for("IT")] == ["total >= 240"]
    outcome = run_allocation(exam, bk, 1, dry_run=True)
    assert outcome.counts["dispatched"] == 2  # only 250 and 240 clear it; the line has 3 seats
    db.session.rollback()


def test_fix_without_confirm_or_values_is_refused(client, db, lines_exam):
    exam, _, board = lines_exam
    login(client, board.username)
    token = csrf_token(client, _url(exam))
    base = {"csrf_token": token, "batch": "BK", "category": "IT"}
    unconfirmed = client.post(_url(exam), data={**base, "total": "230"})
    assert unconfirmed.status_code == 400 and "请勾选确认框" in unconfirmed.get_data(as_text=True)
    empty = client.post(_url(exam), data={**base, "confirm": "yes"})
    assert empty.status_code == 409 and "请至少填写一项最低分" in empty.get_data(as_text=True)
    assert client.post(_url(exam), data={**base, "total": "x"}).status_code == 422
    assert client.post(_url(exam), data={"batch": "BK", "total": "1"}).status_code == 400
    assert db.session.scalar(select(ControlLine).where(ControlLine.category_code == "IT")) is None


def test_line_locked_after_a_real_run(client, db, lines_exam):
    exam, bk, board = lines_exam
    run_allocation(exam, bk, 1)
    db.session.commit()
    login(client, board.username)
    html = client.get(_url(exam, total="230")).get_data(as_text=True)
    assert "本科批第 1 轮已正式投档，控制线已锁定" in html and "确定控制线</button>" not in html
    data = {"csrf_token": csrf_token(client, _url(exam)), "batch": "BK", "category": "IT",
            "total": "230", "confirm": "yes"}  # fmt: skip
    refused = client.post(_url(exam), data=data)
    assert refused.status_code == 409 and "控制线已锁定" in refused.get_data(as_text=True)


def test_unknown_batch_or_category_404(client, lines_exam):
    exam, _, board = lines_exam
    login(client, board.username)
    assert client.get(_url(exam, batch="XX")).status_code == 404
    assert client.get(_url(exam, category="NOPE")).status_code == 404
    assert "控制线</a>" in client.get(f"/board/exams/{exam.id}").get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.BOARD, Role.STUDENT])
def test_other_province_or_student_403(client, db, lines_exam, role):
    exam, _, _ = lines_exam
    fields = {"province_id": create_province("320000").id} if role == Role.BOARD else {}
    account = create_account(role, **fields)
    db.session.commit()
    login(client, account.username)
    assert client.get(_url(exam)).status_code == 403
    assert client.post(_url(exam), data={"batch": "BK"}).status_code in (400, 403)


def test_rules_reload_keeps_fixed_line_unless_file_changes_it(db, lines_exam):
    exam, bk, _ = lines_exam
    fix_line(exam, bk, "IT", Proposal({"total": Decimal(230)}), None)
    text = RULES.format(code=exam.code, province="370000")
    load_exam_rules(text.replace("测试春季高考", "测试春季高考（修订）"))
    assert [c.source for c in exam_rules(exam)[1].batch("BK").lines_for("IT")] == ["total >= 230"]
    load_exam_rules(text.replace('"*" = ["total >= 100"]', '"*" = ["total >= 90"]'))
    assert [c.source for c in exam_rules(exam)[1].batch("BK").lines_for("IT")] == ["total >= 90"]


def test_cached_engine_counts_follow_an_audited_score_change(client, db, lines_exam):
    from admissions.models import Candidate
    from admissions.services.scores.entry import correct_scores

    exam, _, board = lines_exam
    login(client, board.username)
    url = _url(exam, category="IT", culture="95", vocational="150")
    assert 'id="cleared">0<' in client.get(url).get_data(as_text=True)
    assert 'id="cleared">0<' in client.get(url).get_data(as_text=True)  # from the cache
    top = db.session.scalar(select(Candidate).order_by(Candidate.id))  # chinese 90, skill 160
    correct_scores(top, {"chinese": "96", "skill": "160"}, "复核更正", board)
    db.session.commit()
    assert 'id="cleared">1<' in client.get(url).get_data(as_text=True)


def test_page_before_scores_or_rules_says_so(client, db):
    from tests.factories import create_exam

    exam = create_rounds_exam()
    create_line(exam, "BK", 4)
    bare = create_exam(province_id=exam.province_id)
    board = create_account(Role.BOARD, province_id=exam.province_id)
    db.session.commit()
    login(client, board.username)
    html = client.get(_url(exam, total="100")).get_data(as_text=True)
    assert (
        '<td class="num">4</td>' in html and 'id="cleared">0<' in html
    )  # no scores yet: nobody clears
    response = client.get(f"/board/exams/{bare.id}/lines", follow_redirects=True)
    assert "没有规则文件" in response.get_data(as_text=True)


def test_no_suggestion_without_seats(lines_exam):
    exam, bk, _ = lines_exam
    counter = LineCounter(exam, bk)
    assert counter.suggest("IT", 0, Decimal("1.2")) is None
    assert counter.suggest("IT", 100, Decimal("1.2")) == 200  # fewer than 120: the lowest total
    assert counter.suggest("IT", 2, Decimal("1")) == 240

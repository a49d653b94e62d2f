"""Results that tell the truth: each case of a published run in the candidate's own words, and
invitations only to rounds the candidate may enter."""

from admissions.models import DispatchStatus, ExamStatus, Role
from admissions.services.scores.compute import compute_scores
from admissions.services.students.results import results_of
from tests.factories import create_account, login
from tests.rounds_factories import (
    batch_of,
    create_line,
    create_rounds_exam,
    create_scored,
    submit_flat,
)
from tests.student_factories import create_run, cutoff, dispatch


def _season(db):
    """Rules exam: qualify skill >= 60; BK (2 rounds) and ZK lines at total >= 100."""
    exam = create_rounds_exam()
    bk, zk = batch_of(exam, "BK"), batch_of(exam, "ZK")
    return exam, bk, zk


def _results(db, candidate):
    compute_scores(candidate.exam, force=True)
    candidate.exam.status = ExamStatus.SCORES_PUBLISHED
    db.session.flush()
    return {(r.batch.code, r.run.round_number): r for r in results_of(candidate)}


def test_admitted_earlier_names_the_batch_and_takes_no_further_part(db):
    exam, bk, zk = _season(db)
    line = create_line(exam, "BK", 5, program_name="软件技术")
    me = create_scored(exam, 80, 170)
    dispatch(create_run(exam, bk), me, line)
    create_run(exam, zk)
    results = _results(db, me)
    later = results[("ZK", 1)]
    assert later.case == "admitted_earlier"
    assert line.institution.name in later.reason and "本科批" in later.reason
    assert "不再参加" in later.reason and later.next_round_number is None
    assert results[("BK", 1)].case == "admitted"


def test_below_control_line_names_the_line_and_score_and_invites_nowhere(db):
    exam, bk, _ = _season(db)
    create_line(exam, "BK", 5)
    me = create_scored(exam, 0, 70)  # qualified (skill >= 60), total 70 < 100
    create_run(exam, bk)
    result = _results(db, me)[("BK", 1)]
    assert result.case == "below_line"
    assert "控制分数线" in result.reason and "总分 ≥ 100" in result.reason
    assert "70" in result.reason and result.next_round_number is None


def test_not_qualified(db):
    exam, bk, _ = _season(db)
    me = create_scored(exam, 90, 50)  # skill 50 < 60
    create_run(exam, bk)
    result = _results(db, me)[("BK", 1)]
    assert result.case == "not_qualified" and "资格审核未通过" in result.reason
    assert result.next_round_number is None


def test_no_preferences_invites_to_the_next_round(db):
    exam, bk, _ = _season(db)
    me = create_scored(exam, 80, 170)
    create_run(exam, bk)
    result = _results(db, me)[("BK", 1)]
    assert result.case == "no_preferences" and result.next_round_number == 2


def test_requirements_not_met(db):
    exam, bk, _ = _season(db)
    line = create_line(exam, "BK", 5, requirements="chinese >= 90")
    me = create_scored(exam, 80, 170)
    submit_flat(me, bk, 1, [line])
    create_run(exam, bk)
    result = _results(db, me)[("BK", 1)]
    assert result.case == "requirements"
    assert "不满足报考要求：语文 ≥ 90" in result.listed[0].explanation


def test_a_line_reserved_to_other_types_reads_as_a_requirement_not_met(db):
    exam, bk, _ = _season(db)
    line = create_line(exam, "BK", 5, types="具有工作经历")
    me = create_scored(exam, 80, 170, candidate_type="往届中职毕业生")
    submit_flat(me, bk, 1, [line])
    create_run(exam, bk)
    result = _results(db, me)[("BK", 1)]
    assert result.case == "requirements"
    assert result.listed[0].explanation == "不满足报考要求：该专业仅招收具有工作经历考生"


def test_below_every_cutoff_lists_each_line_with_cutoff_and_rank(db):
    exam, bk, _ = _season(db)
    hot, warm = create_line(exam, "BK", 1), create_line(exam, "BK", 1)
    me = create_scored(exam, 80, 170)
    create_scored(exam, 90, 190)
    submit_flat(me, bk, 1, [hot, warm])
    run = create_run(exam, bk)
    cutoff(run, hot, "280")
    cutoff(run, warm, "260")
    result = _results(db, me)[("BK", 1)]
    assert result.case == "below_cutoffs"
    texts = [item.explanation for item in result.listed]
    assert texts[0] == "投档线 280（位次 42），您的成绩 250（位次 2），低于投档线"
    assert "投档线 260" in texts[1] and result.next_round_number == 2


def test_rejected_with_reason_is_invited_on(db):
    exam, bk, _ = _season(db)
    line = create_line(exam, "BK", 5)
    me = create_scored(exam, 80, 170)
    dispatch(create_run(exam, bk), me, line, DispatchStatus.REJECTED, "体检不合格")
    result = _results(db, me)[("BK", 1)]
    assert result.case == "rejected" and result.dispatch.reason == "体检不合格"
    assert result.next_round_number == 2


def test_results_page_words(client, db):
    exam, bk, zk = _season(db)
    line = create_line(exam, "BK", 5)
    me = create_scored(exam, 80, 170)
    create_account(Role.STUDENT, candidate_id=me.id)
    dispatch(create_run(exam, bk), me, line)
    create_run(exam, zk)
    _results(db, me)
    db.session.commit()
    login(client, me.candidate_no)
    page = client.get("/student/results").get_data(as_text=True)
    assert "已在此前被录取" in page and "不再参加后续批次和轮次的投档" in page
    assert "征集志愿" not in page


def test_home_opens_with_the_current_standing(client, db):
    from datetime import timedelta

    from admissions.models import utcnow

    exam, bk, zk = _season(db)
    line = create_line(exam, "BK", 5, program_name="软件技术")
    me = create_scored(exam, 80, 170)
    create_account(Role.STUDENT, candidate_id=me.id)
    zk_round = zk.round_rows[0]
    zk_round.prefs_open_at = utcnow() - timedelta(days=1)
    zk_round.prefs_close_at = utcnow() + timedelta(days=1)
    _results(db, me)
    db.session.commit()
    login(client, me.candidate_no)
    page = client.get("/student/").get_data(as_text=True)
    assert "当前状态" in page and "总成绩 250，位次 1" in page
    assert "专科批 第 1 轮志愿" in page and "尚未填报" in page
    dispatch(create_run(exam, bk), me, line)
    db.session.commit()
    page = client.get("/student/").get_data(as_text=True)
    assert "软件技术（本科批）" in page and "不参加本轮" in page

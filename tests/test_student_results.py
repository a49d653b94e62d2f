"""Results, admission letters, the public letter check, and the scores page."""

from sqlalchemy import select

from admissions.files.verification import verification_code
from admissions.models import (
    Account,
    DispatchStatus,
    PreferenceItem,
    PreferenceList,
    PreferenceStatus,
    Round,
    RunStatus,
)
from tests.factories import create_exam, create_plan_line, login
from tests.student_factories import (
    create_rules_version,
    create_run,
    create_student,
    credit,
    cutoff,
    dispatch,
    give_scores,
    publish_scores,
)

SECRET = "test-secret-key-not-for-production"


def _submitted(student, batch, lines, round_number=1):
    pref = PreferenceList(candidate_id=student.id, batch_id=batch.id, round_number=round_number,
                          version=1, status=PreferenceStatus.SUBMITTED)  # fmt: skip
    from admissions.extensions import db

    db.session.add(pref)
    db.session.flush()
    for position, line in enumerate(lines, start=1):
        db.session.add(PreferenceItem(list_id=pref.id, position=position, plan_line_id=line.id))
    db.session.flush()


def test_admitted_student_sees_the_line_and_downloads_the_letter(client, db):
    exam = create_exam(name="山东省2026年春季高考")
    line = create_plan_line(exam, program_name="软件技术")
    student = create_student(exam, name="王小明")
    row = dispatch(create_run(exam, exam.batches[0]), student, line)
    db.session.commit()
    login(client, student.candidate_no)
    page = client.get("/student/results").get_data(as_text=True)
    assert "已录取" in page and "软件技术" in page and line.institution.name in page
    response = client.get(f"/student/letters/{row.id}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_letter_of_another_candidate_or_not_admitted_is_404(client, db):
    exam = create_exam()
    line = create_plan_line(exam)
    me, other = create_student(exam), create_student(exam)
    run = create_run(exam, exam.batches[0])
    theirs = dispatch(run, other, line)
    mine = dispatch(run, me, line, status=DispatchStatus.DISPATCHED)
    db.session.commit()
    login(client, me.candidate_no)
    assert client.get(f"/student/letters/{theirs.id}.pdf").status_code == 404
    assert client.get(f"/student/letters/{mine.id}.pdf").status_code == 404


def test_rejected_shows_the_reason(client, db):
    exam = create_exam()
    line = create_plan_line(exam)
    student = create_student(exam)
    dispatch(
        create_run(exam, exam.batches[0]), student, line, DispatchStatus.REJECTED, "体检不合格"
    )
    db.session.commit()
    login(client, student.candidate_no)
    page = client.get("/student/results").get_data(as_text=True)
    assert "已退档" in page and "体检不合格" in page


def test_unplaced_student_sees_each_line_cutoff_and_the_next_round(client, db):
    exam = create_exam()
    batch = exam.batches[0]
    batch.rounds = 2
    full, empty = create_plan_line(exam, program_name="热门专业"), create_plan_line(exam)
    student = create_student(exam)
    rules = create_rules_version(exam)
    give_scores(student, rules, {"chinese": "80"}, total="450")
    _submitted(student, batch, [full, empty])
    run = create_run(exam, batch)
    cutoff(run, full, "480.5")
    cutoff(run, empty, None)
    db.session.add(Round(batch_id=batch.id, number=2))
    db.session.commit()
    login(client, student.candidate_no)
    page = client.get("/student/results").get_data(as_text=True)
    assert "本轮未被投档" in page
    assert (
        "志愿1：" in page and "投档线 480.5（位次 42），您的成绩 450（位次 1），低于投档线" in page
    )
    assert "本轮无人投档" in page
    assert "第2轮（征集志愿）" in page


def test_unpublished_runs_are_not_shown(client, db):
    exam = create_exam()
    line = create_plan_line(exam)
    student = create_student(exam)
    dispatch(create_run(exam, exam.batches[0], status=RunStatus.SUCCEEDED), student, line)
    db.session.commit()
    login(client, student.candidate_no)
    assert "暂无录取结果" in client.get("/student/results").get_data(as_text=True)


def test_verify_page_shows_only_masked_facts(client, db):
    exam = create_exam()
    line = create_plan_line(exam, program_name="护理")
    student = create_student(exam, name="欧阳小明")
    dispatch(create_run(exam, exam.batches[0]), student, line)
    db.session.commit()
    code = verification_code(SECRET, exam.code, student.candidate_no,
                             f"{line.institution.code}-{line.program_code}")  # fmt: skip
    response = client.get(f"/verify/{code.lower().replace('-', '')}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "欧***" in page and "护理" in page and line.institution.name in page
    assert "欧阳小明" not in page and student.candidate_no not in page
    assert client.get("/verify?code=" + code).status_code == 302


def test_verify_refuses_wrong_and_not_admitted_codes(client, db):
    exam = create_exam()
    line = create_plan_line(exam)
    student = create_student(exam)
    dispatch(create_run(exam, exam.batches[0]), student, line, DispatchStatus.REJECTED)
    db.session.commit()
    code = verification_code(SECRET, exam.code, student.candidate_no,
                             f"{line.institution.code}-{line.program_code}")  # fmt: skip
    for candidate_code in (code, "AAAA-BBBB-CCCC-DDDD", "short"):
        response = client.get(f"/verify/{candidate_code}")
        assert response.status_code == 404
        assert "未找到" in response.get_data(as_text=True)


def test_scores_hidden_before_publication_then_shown(client, db):
    exam = create_exam()
    student = create_student(exam, bonus_reason="省级技能大赛二等奖")
    peer = create_student(exam)
    rules = create_rules_version(exam)
    result = give_scores(student, rules, {"chinese": "98.5", "skill": "150"}, total="260.5", rank=2)
    give_scores(peer, rules, {"chinese": "110"}, total="261", rank=1)
    credit(student, exam.components[1], "200", "国赛二等奖认定")
    result.reasons = ["技能测试 >= 138：满足"]
    db.session.commit()
    login(client, student.candidate_no)
    assert "成绩尚未发布" in client.get("/student/scores").get_data(as_text=True)
    publish_scores(exam)
    db.session.commit()
    page = client.get("/student/scores").get_data(as_text=True)
    assert "98.5" in page and "国赛二等奖认定" in page and "260.5" in page
    assert "省级技能大赛二等奖" in page and "技能测试 &gt;= 138：满足" in page
    assert '<td class="num">261</td><td class="num">1</td><td class="num">1</td>' in page
    assert '<td class="num">260</td><td class="num">1</td><td class="num">2</td>' in page


def test_student_pages_need_a_student(client, db):
    for path in ("/student/scores", "/student/results", "/student/preferences"):
        assert client.get(path).status_code == 302
    assert db.session.scalar(select(Account)) is None


def test_score_table_is_cached_until_cleared(db):
    from admissions.services.students import scores as student_scores

    exam = create_exam()
    student, peer = create_student(exam), create_student(exam)
    rules = create_rules_version(exam)
    result = give_scores(student, rules, {}, total="300.5")
    publish_scores(exam)
    first = student_scores.score_table(student, result)
    give_scores(peer, rules, {}, total="300")
    assert student_scores.score_table(student, result) == first  # cached
    student_scores.clear_table_cache()
    [row] = student_scores.score_table(student, result)
    assert (row.score, row.count, row.cumulative) == (300, 2, 2)


def test_scores_page_shows_the_table_near_my_score_and_the_whole_on_request(client, db):
    exam = create_exam()
    student = create_student(exam)
    rules = create_rules_version(exam)
    give_scores(student, rules, {}, total="300")
    give_scores(create_student(exam), rules, {}, total="400")
    publish_scores(exam)
    db.session.commit()
    login(client, student.candidate_no)
    page = client.get("/student/scores").get_data(as_text=True)
    assert '<td class="num">300</td>' in page and '<td class="num">400</td>' not in page
    assert "查看完整一分一段表" in page
    page = client.get("/student/scores?full=1").get_data(as_text=True)
    assert '<td class="num">400</td><td class="num">1</td><td class="num">1</td>' in page


def test_version_and_result_read_together_say_what_each_read_alone_says(db):
    """The scores page reads the current rules version and the result in one query: the same
    rows as ``current_version`` and ``current_result``, the newest result when there is none
    under the current version, and no version when the exam has none."""
    from admissions.services.exam.rules import current_version
    from admissions.services.students import scores as student_scores

    exam = create_exam()
    student = create_student(exam)
    assert student_scores.version_and_result(student) == (None, None)
    first = create_rules_version(exam, 1)
    old = give_scores(student, first, {}, total="300")
    second = create_rules_version(exam, 2)  # current now, without a result for the student
    assert student_scores.version_and_result(student) == (second, old)
    assert (current_version(exam), student_scores.current_result(student)) == (second, old)
    new = give_scores(student, second, {}, total="310")
    assert student_scores.version_and_result(student) == (second, new)
    assert student_scores.current_result(student) == new
    exam.current_rules_version = 1
    assert student_scores.version_and_result(student) == (first, old)

"""Double entry services: sheets, two passes by two clerks, differences, resolution, apply."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from admissions.models import AuditEvent, ComponentScore, KeyingStatus
from admissions.services.exam.state import publication_block
from admissions.services.keying.compare import (
    apply_sheet,
    cancel_sheet,
    differences,
    resolve,
    unresolved,
)
from admissions.services.keying.passes import keyed_texts, save_pass
from admissions.services.keying.sheets import KeyingError, create_sheet
from tests.board_factories import create_board_account, create_board_exam
from tests.factories import create_candidate


@pytest.fixture
def setup(db):
    exam = create_board_exam()
    a = create_candidate(exam, candidate_no="2601", category_code="IT")
    b = create_candidate(exam, candidate_no="2602", category_code="IT")
    clerks = create_board_account(), create_board_account()
    sheet = create_sheet(exam, "技能测试 第3考场", ["skill", "cert"], "2601\n2602", "", clerks[0])
    return exam, sheet, (a, b), clerks


def _cells(candidates, values):
    """values: per candidate, (skill, cert) texts."""
    return {
        (c.id, code): text
        for c, row in zip(candidates, values, strict=True)
        for code, text in zip(("skill", "cert"), row, strict=True)
    }


def _scores(db, candidate):
    db.session.expire_all()
    rows = db.session.scalars(
        select(ComponentScore).where(ComponentScore.candidate_id == candidate.id)
    )
    return {s.component.code: (s.value, s.grade, s.source) for s in rows}


def test_sheet_keeps_components_in_exam_order_and_candidates_in_typed_order(db):
    exam = create_board_exam()
    first, second = create_candidate(exam), create_candidate(exam)
    numbers = f"{second.candidate_no}，{first.candidate_no}"
    sheet = create_sheet(exam, "卷一", ["cert", "chinese"], numbers, "", None)
    assert sheet.component_codes == ["chinese", "cert"]
    assert [line.candidate_id for line in sheet.lines] == [second.id, first.id]
    assert sheet.status == KeyingStatus.OPEN


def test_sheet_of_a_category(db):
    exam = create_board_exam()
    it = create_candidate(exam, category_code="IT")
    create_candidate(exam, category_code="JX")
    sheet = create_sheet(exam, "信息类", ["skill"], "", "IT", None)
    assert [line.candidate_id for line in sheet.lines] == [it.id]


@pytest.mark.parametrize(
    ("name", "codes", "numbers", "category", "message"),
    [
        ("", ["skill"], "2601", "", "请填写录入单名称"),
        ("x", [], "2601", "", "请至少选择一个科目"),
        ("x", ["math"], "2601", "", "科目 math 不是本考试的科目"),
        ("x", ["skill"], "", "", "请填写考生号"),
        ("x", ["skill"], "2601 9999", "", "考生号 9999 不存在"),
        ("x", ["skill"], "2601,2601", "", "考生号 2601 重复"),
        ("x", ["skill"], "2601", "IT", "请只用一种方式选择考生"),
        ("x", ["skill"], "", "ZZ", "专业类别 ZZ 不存在"),
        ("x", ["skill"], "", "JX", "专业类别 JX 还没有考生"),
        ("技能测试 第3考场", ["skill"], "2601", "", "已有名为「技能测试 第3考场」的录入单"),
    ],
)
def test_bad_sheets_are_refused_with_a_message(setup, name, codes, numbers, category, message):
    exam = setup[0]
    with pytest.raises(KeyingError) as error:
        create_sheet(exam, name, codes, numbers, category, None)
    assert any(message in m for m in error.value.messages)


def test_two_clerks_agree_and_the_sheet_applies_with_audit(db, setup):
    _, sheet, candidates, (one, two) = setup
    values = [("200", "a"), ("缺考", "B")]
    assert save_pass(sheet, 1, _cells(candidates, values), one) == 4
    assert sheet.status == KeyingStatus.OPEN
    save_pass(sheet, 2, _cells(candidates, values), two)
    assert sheet.status == KeyingStatus.RESOLVED and differences(sheet) == []
    assert apply_sheet(sheet, two) == 2
    assert sheet.status == KeyingStatus.APPLIED
    assert _scores(db, candidates[0]) == {
        "skill": (Decimal(200), None, "double_entry"),
        "cert": (Decimal(45), "A", "double_entry"),
    }
    assert _scores(db, candidates[1]) == {"cert": (Decimal(40), "B", "double_entry")}
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "score.double_entry", AuditEvent.object_id == candidates[0].id
        )
    )
    assert event.before == {"skill": None, "cert": None}
    assert event.after == {"skill": "200", "cert": "A"}
    assert event.actor_id == two.id and "技能测试 第3考场" in event.reason


def test_apply_touches_only_the_sheets_components(db, setup):
    _, sheet, candidates, (one, two) = setup
    db.session.add(ComponentScore(candidate_id=candidates[0].id,
                                  component_id=sheet_component(setup[0], "chinese"),
                                  value=Decimal(99), source="import"))  # fmt: skip
    values = [("200", "A"), ("100", "C")]
    save_pass(sheet, 1, _cells(candidates, values), one)
    save_pass(sheet, 2, _cells(candidates, values), two)
    apply_sheet(sheet, one)
    assert _scores(db, candidates[0])["chinese"] == (Decimal(99), None, "import")


def sheet_component(exam, code):
    return next(c.id for c in exam.components if c.code == code)


def test_same_clerk_cannot_key_both_passes(setup):
    _, sheet, candidates, (one, _) = setup
    save_pass(sheet, 1, _cells(candidates, [("1", "A"), ("2", "A")]), one)
    with pytest.raises(KeyingError, match="第 2 遍须由另一名录入员录入"):
        save_pass(sheet, 2, _cells(candidates, [("1", "A"), ("2", "A")]), one)


def test_a_pass_keyed_by_someone_else_cannot_be_overwritten(setup):
    _, sheet, candidates, (one, two) = setup
    save_pass(sheet, 1, _cells(candidates, [("1", "A"), ("2", "A")]), one)
    with pytest.raises(KeyingError, match=f"第 1 遍已由 {one.username} 录入"):
        save_pass(sheet, 1, _cells(candidates, [("1", "A"), ("2", "A")]), two)


def test_the_keyer_may_key_their_pass_again_while_the_other_is_missing(setup):
    _, sheet, candidates, (one, _) = setup
    save_pass(sheet, 1, _cells(candidates, [("1", "A"), ("2", "A")]), one)
    save_pass(sheet, 1, _cells(candidates, [("5", ""), ("2", "A")]), one)
    assert keyed_texts(sheet, 1)[(candidates[0].id, "skill")] == "5"
    assert (candidates[0].id, "cert") not in keyed_texts(sheet, 1)


@pytest.mark.parametrize(
    ("skill", "cert", "message"),
    [
        ("231", "A", "「231」超过满分 230"),
        ("-1", "A", "「-1」为负数"),
        ("八十", "A", "「八十」不是数字"),
        ("80.25", "A", "「80.25」小数位过多（最多 1 位）"),
        ("80", "F", "等级「F」不在等级表中（A/B/C）"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_keyed(setup, skill, cert, message):
    _, sheet, candidates, (one, _) = setup
    with pytest.raises(KeyingError) as error:
        save_pass(sheet, 1, _cells(candidates, [(skill, cert), ("1", "A")]), one)
    assert message in error.value.messages
    assert keyed_texts(sheet, 1) == {} and sheet.pass1_by_id is None


def test_mismatches_and_missing_entries_are_listed(setup):
    _, sheet, candidates, (one, two) = setup
    save_pass(sheet, 1, _cells(candidates, [("200", "A"), ("100", "")]), one)
    save_pass(sheet, 2, _cells(candidates, [("206", "A"), ("100", "B")]), two)
    assert sheet.status == KeyingStatus.KEYED
    found = [(d.candidate.candidate_no, d.component.code, d.first, d.second, d.kind)
             for d in differences(sheet)]  # fmt: skip
    assert found == [("2601", "skill", "200", "206", "不一致"), ("2602", "cert", None, "B", "漏录")]


def test_resolving_every_difference_then_apply(db, setup):
    _, sheet, candidates, (one, two) = setup
    save_pass(sheet, 1, _cells(candidates, [("200", "A"), ("100", "")]), one)
    save_pass(sheet, 2, _cells(candidates, [("206", "A"), ("100", "B")]), two)
    with pytest.raises(KeyingError, match="还有 2 处差异未处理"):
        apply_sheet(sheet, one)
    resolve(sheet, candidates[0].id, "skill", "other", "203", "核对原始答题卡", one)
    assert sheet.status == KeyingStatus.KEYED
    resolve(sheet, candidates[1].id, "cert", "", " b ", "第1遍漏录", two)  # typed, no radio
    assert sheet.status == KeyingStatus.RESOLVED and unresolved(sheet) == []
    apply_sheet(sheet, one)
    assert _scores(db, candidates[0])["skill"][0] == Decimal(203)
    assert _scores(db, candidates[1])["cert"][:2] == (Decimal(40), "B")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "keying.resolve"))
    assert event.before == {"pass1": "200", "pass2": "206", "resolved": None}
    assert event.reason == "核对原始答题卡"


@pytest.mark.parametrize(
    ("choice", "text", "reason", "message"),
    [
        ("other", "999", "r", "「999」超过满分 230"),
        ("other", "", "r", "请填写正确的成绩"),
        ("1", "", " ", "请填写处理原因"),
        ("x", "", "r", "请选择采用第 1 遍、第 2 遍，或另填正确的值"),
        ("", "", "r", "请选择采用第 1 遍、第 2 遍，或另填正确的值"),
    ],
)
def test_bad_resolutions_are_refused(setup, choice, text, reason, message):
    _, sheet, candidates, (one, two) = setup
    save_pass(sheet, 1, _cells(candidates, [("200", "A"), ("100", "")]), one)
    save_pass(sheet, 2, _cells(candidates, [("206", "A"), ("100", "B")]), two)
    with pytest.raises(KeyingError, match=message):
        resolve(sheet, candidates[0].id, "skill", choice, text, reason, one)
    assert sheet.status == KeyingStatus.KEYED


def test_choosing_the_pass_that_missed_the_entry_is_refused(setup):
    _, sheet, candidates, (one, two) = setup
    save_pass(sheet, 1, _cells(candidates, [("200", "A"), ("100", "")]), one)
    save_pass(sheet, 2, _cells(candidates, [("200", "A"), ("100", "B")]), two)
    with pytest.raises(KeyingError, match="第 1 遍没有录入该项"):
        resolve(sheet, candidates[1].id, "cert", "1", "", "r", one)
    with pytest.raises(KeyingError, match="两遍录入一致，无需处理"):
        resolve(sheet, candidates[0].id, "skill", "1", "", "r", one)


def test_passes_are_locked_once_both_are_in(setup):
    _, sheet, candidates, (one, two) = setup
    save_pass(sheet, 1, _cells(candidates, [("200", "A"), ("100", "B")]), one)
    save_pass(sheet, 2, _cells(candidates, [("206", "A"), ("100", "B")]), two)
    with pytest.raises(KeyingError, match="待处理差异，不能再录入"):
        save_pass(sheet, 2, _cells(candidates, [("200", "A"), ("100", "B")]), two)


def test_publication_is_blocked_by_unfinished_sheets_until_cancelled(setup):
    exam, sheet, _, (one, _) = setup
    assert "「技能测试 第3考场」（录入中）" in publication_block(exam)
    with pytest.raises(KeyingError, match="请填写作废原因"):
        cancel_sheet(sheet, "", one)
    cancel_sheet(sheet, "重复建单", one)
    assert publication_block(exam) is None
    with pytest.raises(KeyingError, match="已作废，不能作废"):
        cancel_sheet(sheet, "再次", one)


def test_every_step_is_audited_on_the_exam_with_who(db, setup):
    exam, sheet, candidates, (one, two) = setup
    save_pass(sheet, 1, _cells(candidates, [("200", "A"), ("100", "B")]), one)
    save_pass(sheet, 2, _cells(candidates, [("201", "A"), ("100", "B")]), two)
    resolve(sheet, candidates[0].id, "skill", "2", "", "核对", one)
    apply_sheet(sheet, two)
    query = select(AuditEvent.action, AuditEvent.actor_id).where(
        AuditEvent.exam_id == exam.id, AuditEvent.action.like("keying.%")
    )
    assert list(db.session.execute(query.order_by(AuditEvent.id))) == [
        ("keying.create", one.id),
        ("keying.pass1", one.id),
        ("keying.pass2", two.id),
        ("keying.resolve", one.id),
        ("keying.apply", two.id),
    ]

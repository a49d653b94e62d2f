"""Every bad import file is refused with its exact messages, and nothing at all is written."""

import pytest
from sqlalchemy import func, select

from admissions.extensions import db as database
from admissions.models import (
    AuditEvent,
    Candidate,
    ComponentScore,
    CreditedScore,
    Exam,
    Institution,
    PlanLine,
    PreferenceList,
)
from admissions.services.imports.pipeline import import_file
from tests.board_factories import create_board_exam, plans_file
from tests.factories import create_candidate
from tests.import_cases import CASES, ID1, ID2

TABLES = (
    AuditEvent,
    Candidate,
    ComponentScore,
    CreditedScore,
    Institution,
    PlanLine,
    PreferenceList,
)


def make_world() -> Exam:
    """The exam of tests.import_cases: its plans and two candidates (IT and JX)."""
    exam = create_board_exam()
    assert import_file(exam, "plans", plans_file(), "p.csv", None, dry_run=False).ok
    create_candidate(exam, candidate_no="2600000001", national_id=ID1, category_code="IT")
    create_candidate(exam, candidate_no="2600000002", national_id=ID2, category_code="JX")
    return exam


def _snapshot() -> dict[str, int]:
    return {
        model.__name__: database.session.scalar(select(func.count()).select_from(model))
        for model in TABLES
    }


@pytest.mark.parametrize(("case", "kind", "filename", "data"), CASES, ids=[c[0] for c in CASES])
def test_bad_file_is_refused_with_exact_errors(db, case, kind, filename, data):
    exam = make_world()
    db.session.commit()
    before = _snapshot()
    result = import_file(exam, kind, data, filename, None, dry_run=False)
    db.session.commit()
    assert [str(error) for error in result.errors] == EXPECTED[case]
    assert not result.written and _snapshot() == before


EXPECTED = {
    "empty": ["c.csv: 文件为空"],
    "only-bom": ["c.csv: 文件为空"],
    "utf16": ["c.csv: 文件编码无法识别（请保存为 UTF-8 或 GBK）"],
    "missing-column": ["c.csv:1: category: 缺少必填列 category（专业类别）"],
    "unknown-column": [
        "c.csv:1: phone: 未知的列（可用的列：candidate_no（考生号）、national_id（身份证号）、name（姓名）、category（专业类别）、type（考生类型）、school（毕业学校）、bonus（加分）、bonus_reason（加分原因）、work_employer（工作单位）、work_years（工作年限））"
    ],
    "duplicated-column": ["c.csv:1: 考生号: 列重复：与「candidate_no」是同一列 candidate_no"],
    "plans-header-only": ["p.csv:1: 文件只有表头，没有数据行（导入此类数据时不能为空）"],
    "candidates-header-only": ["c.csv:1: 文件只有表头，没有数据行（导入此类数据时不能为空）"],
    "scores-header-only": ["s.csv:1: 文件只有表头，没有数据行（导入此类数据时不能为空）"],
    "fifty-megabytes": ["s.csv: 文件大小 52.1 MB，超过上限 20 MB"],
    "xlsx-formula": ["c.xlsx:2: 单元格 D2 含公式，请粘贴为数值"],
    "xlsx-sheets": ["c.xlsx: 工作簿应只有一个工作表，实际有 2 个：「Sheet」、「说明1」"],
    "legacy-xls": ["c.xls: 不支持旧版 .xls 文件，请另存为 .xlsx 或 CSV"],
    "dup-number-in-file": ["c.csv:3: candidate_no: 考生号 2600000009 重复（首次出现在第 2 行）"],
    "dup-id-in-file": [
        "c.csv:3: national_id: 身份证号 11010519491231002X 重复（首次出现在第 2 行）"
    ],
    "id-checksum": ["c.csv:2: national_id: 身份证号校验位错误（应为X）"],
    "id-length": ["c.csv:2: national_id: 身份证号应为18位，当前为17位"],
    "id-birth-date": ["c.csv:2: national_id: 身份证号中的出生日期无效"],
    "number-taken-in-db": [
        "c.csv:2: candidate_no: 考生号 2600000001 已属于身份证号 370102********0016 的考生"
    ],
    "id-taken-in-db": ["c.csv:2: national_id: 身份证号已在本次考试报名（考生号 2600000001）"],
    "candidate-unknown-category": ["c.csv:2: category: 专业类别「XX」不存在（可用：IT、JX）"],
    "negative-bonus": ["c.csv:2: 加分: 「-5」为负数"],
    "plan-unknown-batch": ["p.csv:2: batch: 批次「TQ」不存在（可用：BK、ZK）"],
    "plan-unknown-category": ["p.csv:2: category: 专业类别「YY」不存在（可用：IT、JX）"],
    "plan-bad-institution-code": ["p.csv:2: institution_code: 院校代码「1010」应为5位数字"],
    "plan-institution-renamed": [
        "p.csv:2: institution_name: 院校代码 10101 已登记为「山东职业学院」"
    ],
    "plan-negative-seats": ["p.csv:2: seats: 「-1」小于 0"],
    "plan-fraction-seats": ["p.csv:2: seats: 「2.5」不是整数"],
    "plan-unknown-scheme": ["p.csv:2: scheme: 计分方案「bonus2」不存在"],
    "plan-grouped-without-group": ["p.csv:2: group: 批次 ZK 按院校专业组填报，必须填写专业组"],
    "plan-duplicate-line": [
        "p.csv:3: program_code: 批次+院校代码+专业代码 BK、10101、P9 重复（首次出现在第 2 行）"
    ],
    "score-unknown-candidate": ["s.csv:2: candidate_no: 考生号 2699999999 不存在"],
    "score-above-max": ["s.csv:2: chinese: 「120.5」超过满分 120"],
    "score-negative": ["s.csv:2: chinese: 「-1」为负数"],
    "score-not-a-number": ["s.csv:2: chinese: 「九十」不是数字"],
    "score-too-many-decimals": ["s.csv:2: chinese: 「90.25」小数位过多（最多 1 位）"],
    "score-grade-not-in-table": ["s.csv:2: cert: 等级「F」不在等级表中（A/B/C）"],
    "score-unknown-component": [
        "s.csv:1: 数学: 未知的列（可用的列：candidate_no（考生号）、chinese（语文）、skill（技能测试）、cert（证书等级））"
    ],
    "score-bad-rows-among-good": [
        "s.csv:3: skill: 「231」超过满分 230",
        "s.csv:5: candidate_no: 考生号 2600000004 不存在",
    ],
    "score-duplicate-candidate": [
        "s.csv:3: candidate_no: 考生号 2600000001 重复（首次出现在第 2 行）"
    ],
    "credit-unknown-candidate": ["k.csv:2: candidate_no: 考生号 2699999999 不存在"],
    "credit-unknown-component": [
        "k.csv:2: component: 科目「math」不存在（可用：chinese、skill、cert）"
    ],
    "credit-above-max": ["k.csv:2: value: 「231」超过满分 230"],
    "credit-not-a-number": ["k.csv:2: value: 「满分」不是数字"],
    "pref-unknown-candidate": ["v.csv:2: candidate_no: 考生号 2699999999 不存在"],
    "pref-unknown-batch": ["v.csv:2: batch: 批次「TQ」不存在（可用：BK、ZK）"],
    "pref-over-max-choices": ["v.csv:2: choice: 志愿序号 4 超过批次 BK 的上限 3"],
    "pref-other-category": ["v.csv:2: program_code: 该志愿属于专业类别 JX，考生报考的类别为 IT"],
    "pref-line-does-not-exist": ["v.csv:2: program_code: 院校 10101 在批次 BK 没有专业 P7"],
    "pref-unknown-institution": ["v.csv:2: institution_code: 院校代码 99999 不存在"],
    "pref-round-does-not-exist": ["v.csv:2: round: 批次 BK 只有 2 轮，没有第 3 轮"],
    "pref-flat-without-program": ["v.csv:2: program_code: 批次 BK 为平行志愿，必须填写专业代码"],
    "pref-neither-program-nor-group": [
        "v.csv:2: program_code: 需填写专业代码（平行志愿）或专业组（院校专业组志愿）"
    ],
    "pref-unknown-group": ["v.csv:2: group: 院校 10102 在批次 ZK 没有专业组 G9"],
    "pref-major-not-in-group": ["v.csv:2: majors: 专业 P1 不在专业组 G1 中"],
    "pref-major-twice": ["v.csv:2: majors: M1 重复填写（每项只能出现一次）"],
    "pref-group-of-other-category": ["v.csv:2: group: 该志愿属于专业类别 IT，考生报考的类别为 JX"],
    "pref-bad-adjust": ["v.csv:2: adjust: 「可以」应为 Y/N 或 是/否"],
    "pref-duplicate-choice": [
        "v.csv:3: choice: 考生号+批次+轮次+志愿序号 2600000001、BK、1、1 重复（首次出现在第 2 行）",
        "v.csv:3: program_code: 同一个专业不能重复填报（已在第 2 行填报）",
    ],
}

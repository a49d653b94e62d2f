"""Good imports of every kind: rows written, counts right, re-import unchanged, audit recorded."""

from decimal import Decimal

from sqlalchemy import func, select

from admissions.models import (
    AuditEvent,
    Candidate,
    ComponentScore,
    CreditedScore,
    Institution,
    PlanLine,
    PreferenceList,
)
from admissions.services.imports.pipeline import import_file
from tests.board_factories import create_board_exam, csv_bytes, plans_file
from tests.factories import create_candidate, valid_national_id


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _counts(result) -> tuple[int, int, int]:
    assert result.ok, [str(e) for e in result.errors]
    return result.inserted, result.updated, result.unchanged


def test_plans_import_creates_institutions_and_lines_then_is_unchanged(db):
    exam = create_board_exam()
    assert _counts(import_file(exam, "plans", plans_file(), "p.csv", None, dry_run=False)) == (
        4,
        0,
        0,
    )
    names = dict(db.session.execute(select(Institution.code, Institution.name)).all())
    assert names == {"10101": "山东职业学院", "10102": "济南职业学院"}
    assert _count(db, PlanLine) == 4
    again = import_file(exam, "plans", plans_file(), "p.csv", None, dry_run=False)
    assert _counts(again) == (0, 0, 4)


def test_plans_dry_run_previews_and_writes_nothing(db):
    exam = create_board_exam()
    result = import_file(exam, "plans", plans_file(), "p.csv", None, dry_run=True)
    assert _counts(result) == (4, 0, 0) and not result.written
    assert _count(db, PlanLine) == 0 and _count(db, Institution) == 0
    assert "预览" in result.summary()


def test_candidates_import_in_gbk_with_chinese_headers_keeps_the_x(db):
    exam = create_board_exam()
    national_id = "11010519491231002X"
    data = csv_bytes(
        [
            ["考生号", "身份证号", "姓名", "专业类别", "加分"],
            ["0026001", national_id.lower(), "王芳", "IT", "5"],
        ],
        "gbk",
    )
    assert _counts(import_file(exam, "candidates", data, "c.csv", None, dry_run=False)) == (1, 0, 0)
    candidate = db.session.scalar(select(Candidate))
    assert (candidate.candidate_no, candidate.national_id) == ("0026001", national_id)
    assert (candidate.gender, candidate.bonus) == ("F", Decimal(5))


def test_candidates_reimport_updates_details(db):
    exam = create_board_exam()
    candidate = create_candidate(exam, name="旧名")
    data = csv_bytes([["candidate_no", "national_id", "name", "category"],
                      [candidate.candidate_no, candidate.national_id, "新名", "JX"]])  # fmt: skip
    assert _counts(import_file(exam, "candidates", data, "c.csv", None, dry_run=False)) == (0, 1, 0)
    db.session.refresh(candidate)
    assert (candidate.name, candidate.category_code) == ("新名", "JX")


def test_scores_import_writes_scores_grades_and_audits_changes(db):
    exam = create_board_exam()
    first, second = create_candidate(exam), create_candidate(exam)
    data = csv_bytes([["考生号", "语文", "skill", "cert"],
                      [first.candidate_no, "98.5", "200", "b"],
                      [second.candidate_no, "", "150", ""]])  # fmt: skip
    assert _counts(import_file(exam, "scores", data, "s.csv", None, dry_run=False)) == (2, 0, 0)
    stored = {
        (s.candidate_id, s.component.code): (s.value, s.grade)
        for s in db.session.scalars(select(ComponentScore))
    }
    assert stored == {
        (first.id, "chinese"): (Decimal("98.5"), None),
        (first.id, "skill"): (Decimal(200), None),
        (first.id, "cert"): (Decimal(40), "B"),
        (second.id, "skill"): (Decimal(150), None),
    }
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "score.import")).all()
    assert {e.object_id: e.after for e in events}[first.id] == {
        "chinese": "98.5",
        "skill": "200",
        "cert": "B",
    }
    assert all(e.reason == "import s.csv" for e in events)


def test_scores_reimport_updates_only_changed_and_records_before(db):
    exam = create_board_exam()
    first, second = create_candidate(exam), create_candidate(exam)
    header = ["candidate_no", "chinese", "skill"]
    data = csv_bytes(
        [header, [first.candidate_no, "90", "200"], [second.candidate_no, "80", "100"]]
    )
    import_file(exam, "scores", data, "a.csv", None, dry_run=False)
    data = csv_bytes(
        [header, [first.candidate_no, "91", "200"], [second.candidate_no, "80", "100"]]
    )
    assert _counts(import_file(exam, "scores", data, "b.csv", None, dry_run=False)) == (0, 1, 1)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.reason == "import b.csv",
                                                        AuditEvent.action == "score.import"))  # fmt: skip
    assert (event.object_id, event.before, event.after) == (
        first.id,
        {"chinese": "90"},
        {"chinese": "91"},
    )


def test_scores_file_without_a_component_column_leaves_it_alone(db):
    exam = create_board_exam()
    candidate = create_candidate(exam)
    import_file(exam, "scores", csv_bytes([["candidate_no", "skill"], [candidate.candidate_no, "100"]]),
                "a.csv", None, dry_run=False)  # fmt: skip
    data = csv_bytes([["candidate_no", "chinese"], [candidate.candidate_no, "70"]])
    assert _counts(import_file(exam, "scores", data, "b.csv", None, dry_run=False)) == (0, 1, 0)
    assert _count(db, ComponentScore) == 2


def test_credits_import_and_update(db):
    exam = create_board_exam()
    candidate = create_candidate(exam)
    data = csv_bytes(
        [
            ["考生号", "科目", "分值", "原因"],
            [candidate.candidate_no, "技能测试", "220", "国赛一等奖"],
        ]
    )
    assert _counts(import_file(exam, "credits", data, "k.csv", None, dry_run=False)) == (1, 0, 0)
    data = csv_bytes(
        [["考生号", "科目", "分值", "原因"], [candidate.candidate_no, "skill", "210", "国赛二等奖"]]
    )
    assert _counts(import_file(exam, "credits", data, "k.csv", None, dry_run=False)) == (0, 1, 0)
    credit = db.session.scalar(select(CreditedScore))
    assert (credit.value, credit.reason) == (Decimal(210), "国赛二等奖")


def _with_plans(db):
    exam = create_board_exam()
    import_file(exam, "plans", plans_file(), "p.csv", None, dry_run=False)
    candidate = create_candidate(exam, national_id=valid_national_id())
    return exam, candidate


PREF_HEADER = ["candidate_no", "batch", "round", "choice", "institution_code", "program_code",
               "group", "majors", "adjust"]  # fmt: skip


def test_preferences_import_flat_and_grouped_then_replace(db):
    exam, candidate = _with_plans(db)
    no = candidate.candidate_no
    data = csv_bytes([PREF_HEADER,
                      [no, "BK", "1", "1", "10101", "P1", "", "", ""],
                      [no, "ZK", "1", "1", "10102", "", "G1", "M2;M1", "是"]])  # fmt: skip
    assert _counts(import_file(exam, "preferences", data, "v.csv", None, dry_run=False)) == (
        2,
        0,
        0,
    )
    assert _counts(import_file(exam, "preferences", data, "v.csv", None, dry_run=False)) == (
        0,
        0,
        2,
    )
    grouped = db.session.scalar(
        select(PreferenceList).where(PreferenceList.batch_id == exam.batches[1].id)
    )
    item = grouped.items[0]
    assert (item.group_code, item.adjust, len(item.majors)) == ("G1", True, 2)
    data = csv_bytes([PREF_HEADER, [no, "BK", "1", "2", "10101", "P1", "", "", ""]])
    assert _counts(import_file(exam, "preferences", data, "v2.csv", None, dry_run=False)) == (
        0,
        1,
        0,
    )
    latest = db.session.scalars(
        select(PreferenceList).where(PreferenceList.batch_id == exam.batches[0].id)
        .order_by(PreferenceList.version.desc())
    ).first()  # fmt: skip
    assert latest.version == 2 and [i.position for i in latest.items] == [2]


def test_header_only_preferences_is_nothing_to_do(db):
    exam = create_board_exam()
    result = import_file(
        exam, "preferences", csv_bytes([PREF_HEADER]), "v.csv", None, dry_run=False
    )
    assert _counts(result) == (0, 0, 0)

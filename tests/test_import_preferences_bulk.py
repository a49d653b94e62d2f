"""A large preferences import takes the bulk path (ids reserved, then COPY on PostgreSQL) and
stores every list, item, major and audit event exactly; a re-import replaces lists by version."""

from datetime import date

from sqlalchemy import func, select

from admissions import idcard
from admissions.models import (
    AuditEvent,
    Candidate,
    PlanLine,
    PreferenceItem,
    PreferenceList,
    PreferenceMajor,
)
from admissions.services.imports.bulk import COPY_THRESHOLD
from admissions.services.imports.pipeline import import_file
from tests.board_factories import create_board_exam, csv_bytes, plans_file

COUNT = COPY_THRESHOLD + 50
HEADER = ["candidate_no", "batch", "round", "choice", "institution_code", "program_code",
          "group", "majors", "adjust"]  # fmt: skip


def _exam_with_candidates(db):
    exam = create_board_exam()
    assert import_file(exam, "plans", plans_file(), "p.csv", None, dry_run=False).ok
    people = [
        [f"26{n:08d}", idcard.make("370102", date(2000 + n // 1000, 1, 1 + n % 28), n % 1000),
         f"考生{n}", "IT"]
        for n in range(COUNT)
    ]  # fmt: skip
    data = csv_bytes([["candidate_no", "national_id", "name", "category"], *people])
    assert import_file(exam, "candidates", data, "c.csv", None, dry_run=False).ok
    return exam, [row[0] for row in people]


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_bulk_flat_and_grouped_lists_with_majors_and_audit(db):
    exam, numbers = _exam_with_candidates(db)
    rows = []
    for n, no in enumerate(numbers):
        rows.append([no, "BK", "1", "1", "10101", "P1", "", "", ""])
        majors = "M2;M1" if n % 2 else "M1"
        rows.append([no, "ZK", "1", "1", "10102", "", "G1", majors, "是" if n % 3 else "否"])
    result = import_file(exam, "preferences", csv_bytes([HEADER, *rows]), "v.csv", None,
                         dry_run=False)  # fmt: skip
    assert result.ok and (result.inserted, result.updated) == (2 * COUNT, 0), result.errors[:3]
    assert _count(db, PreferenceList) == 2 * COUNT and _count(db, PreferenceItem) == 2 * COUNT
    assert _count(db, PreferenceMajor) == COUNT + COUNT // 2
    last = numbers[-1]  # n = COUNT - 1
    mine = db.session.scalar(
        select(PreferenceList)
        .join(Candidate, Candidate.id == PreferenceList.candidate_id)
        .where(PreferenceList.batch_id == exam.batches[1].id, Candidate.candidate_no == last)
    )
    item = mine.items[0]
    n = COUNT - 1
    assert (item.group_code, item.adjust) == ("G1", bool(n % 3))
    expected = ["M2", "M1"] if n % 2 else ["M1"]
    codes = dict(db.session.execute(select(PlanLine.id, PlanLine.program_code)).all())
    assert [codes[m.plan_line_id] for m in item.majors] == expected
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "preferences.import")
    ).all()
    assert len(events) == 2 * COUNT
    by_list = {e.object_id: e for e in events}
    assert by_list[mine.id].after == {"batch_id": exam.batches[1].id, "round": 1, "choices": 1}
    assert by_list[mine.id].object_type == "preference_list"


def test_bulk_reimport_writes_new_versions_only_for_changed_lists(db):
    exam, numbers = _exam_with_candidates(db)
    first = [[no, "BK", "1", "1", "10101", "P1", "", "", ""] for no in numbers]
    import_file(exam, "preferences", csv_bytes([HEADER, *first]), "a.csv", None, dry_run=False)
    second = [[no, "BK", "1", "2" if n < 10 else "1", "10101", "P1", "", "", ""]
              for n, no in enumerate(numbers)]  # fmt: skip
    result = import_file(exam, "preferences", csv_bytes([HEADER, *second]), "b.csv", None,
                         dry_run=False)  # fmt: skip
    assert (result.inserted, result.updated, result.unchanged) == (0, 10, COUNT - 10)
    versions = db.session.execute(
        select(PreferenceList.version, func.count()).group_by(PreferenceList.version)
    ).all()
    assert dict(versions) == {1: COUNT, 2: 10}

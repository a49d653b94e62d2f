"""The scores import gives the same answers on both paths (set-based SQL on PostgreSQL, rows on
SQLite): every unknown candidate listed by line, only changed scores written, audit before/after."""

from decimal import Decimal

from sqlalchemy import func, select

from admissions.models import AuditEvent, ComponentScore
from admissions.services.imports.pipeline import import_file
from tests.board_factories import create_board_exam, csv_bytes
from tests.factories import create_candidate

HEADER = ["candidate_no", "chinese", "skill", "cert"]


def _stored(db) -> dict[tuple[int, str], tuple[Decimal | None, str | None]]:
    return {
        (s.candidate_id, s.component.code): (s.value, s.grade)
        for s in db.session.scalars(select(ComponentScore))
    }


def test_every_unknown_candidate_is_listed_by_line_with_cell_errors_and_nothing_written(db):
    exam = create_board_exam()
    known = create_candidate(exam)
    data = csv_bytes([HEADER, ["2699999991", "90", "100", "A"], [known.candidate_no, "90", "100", "A"],
                      ["2699999993", "90", "231", "A"], ["2699999994", "", "", ""]])  # fmt: skip
    result = import_file(exam, "scores", data, "s.csv", None, dry_run=False)
    assert [str(e) for e in result.errors] == [
        "s.csv:2: candidate_no: 考生号 2699999991 不存在",
        "s.csv:4: skill: 「231」超过满分 230",
        "s.csv:5: candidate_no: 考生号 2699999994 不存在",
    ]
    assert not result.written
    assert db.session.scalar(select(func.count()).select_from(ComponentScore)) == 0


def test_unknown_candidate_in_chinese_headed_file_names_the_column_as_written(db):
    exam = create_board_exam()
    data = csv_bytes([["考生号", "语文"], ["2699999991", "90"]])
    result = import_file(exam, "scores", data, "s.csv", None, dry_run=False)
    assert [str(e) for e in result.errors] == ["s.csv:2: 考生号: 考生号 2699999991 不存在"]


def test_reimport_writes_only_differences_and_audits_them_in_column_order(db):
    exam = create_board_exam()
    a, b, c = create_candidate(exam), create_candidate(exam), create_candidate(exam)
    first = csv_bytes([HEADER, [a.candidate_no, "100", "0", "B"], [b.candidate_no, "80.5", "", "C"],
                       [c.candidate_no, "", "", ""]])  # fmt: skip
    assert import_file(exam, "scores", first, "a.csv", None, dry_run=False).ok
    again = csv_bytes([HEADER, [a.candidate_no, "100.0", "0", "B"], [b.candidate_no, "", "7", "A"],
                       [c.candidate_no, "60", "", ""]])  # fmt: skip
    preview = import_file(exam, "scores", again, "b.csv", None, dry_run=True)
    assert (preview.inserted, preview.updated, preview.unchanged) == (1, 1, 1)
    result = import_file(exam, "scores", again, "b.csv", None, dry_run=False)
    assert (result.inserted, result.updated, result.unchanged) == (1, 1, 1) and result.written
    assert _stored(db) == {
        (a.id, "chinese"): (Decimal(100), None),
        (a.id, "skill"): (Decimal(0), None),
        (a.id, "cert"): (Decimal(40), "B"),
        (b.id, "chinese"): (None, None),
        (b.id, "skill"): (Decimal(7), None),
        (b.id, "cert"): (Decimal(45), "A"),
        (c.id, "chinese"): (Decimal(60), None),
    }
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.reason == "import b.csv", AuditEvent.action == "score.import")
        .order_by(AuditEvent.id)
    ).all()
    assert [(e.object_id, e.before, e.after) for e in events] == [
        (b.id, {"chinese": "80.5", "skill": None, "cert": "C"},
         {"chinese": None, "skill": "7", "cert": "A"}),
        (c.id, {"chinese": None}, {"chinese": "60"}),
    ]  # fmt: skip
    assert [list(e.after) for e in events][0] == ["chinese", "skill", "cert"]
    assert all((e.action, e.object_type, e.exam_id) == ("score.import", "candidate", exam.id)
               for e in events)  # fmt: skip


def test_a_file_of_numbers_only_checks_candidates_and_changes_nothing(db):
    exam = create_board_exam()
    known = create_candidate(exam)
    data = csv_bytes([["candidate_no"], [known.candidate_no], ["2699999992"]])
    result = import_file(exam, "scores", data, "s.csv", None, dry_run=False)
    assert [str(e) for e in result.errors] == ["s.csv:3: candidate_no: 考生号 2699999992 不存在"]
    ok = import_file(exam, "scores", csv_bytes([["candidate_no"], [known.candidate_no]]), "t.csv",
                     None, dry_run=False)  # fmt: skip
    assert (ok.inserted, ok.updated, ok.unchanged) == (0, 0, 1)

"""Large imports take the bulk path (COPY on PostgreSQL) and still write exact values and audit."""

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from admissions import idcard
from admissions.models import AuditEvent, ComponentScore
from admissions.services.imports.bulk import COPY_THRESHOLD
from admissions.services.imports.pipeline import import_file
from tests.board_factories import create_board_exam, csv_bytes

COUNT = COPY_THRESHOLD + 200


def test_bulk_candidates_and_scores(db):
    exam = create_board_exam()
    # the ID sequence has 1000 values: vary the birth year too, so every ID is unique
    people = [
        [f"26{n:08d}", idcard.make("370102", date(2000 + n // 1000, 1, 1 + n % 28), n % 1000),
         f"考生{n}", "IT"]
        for n in range(COUNT)
    ]  # fmt: skip
    data = csv_bytes([["candidate_no", "national_id", "name", "category"], *people])
    result = import_file(exam, "candidates", data, "c.csv", None, dry_run=False)
    assert result.ok and result.inserted == COUNT, result.errors[:3]
    scores = [[row[0], f"{n % 120}.5", str(n % 230), "ABC"[n % 3]] for n, row in enumerate(people)]
    data = csv_bytes([["candidate_no", "chinese", "skill", "cert"], *scores])
    result = import_file(exam, "scores", data, "s.csv", None, dry_run=False)
    assert (result.inserted, result.updated, result.unchanged) == (COUNT, 0, 0)
    total = db.session.scalar(select(func.sum(ComponentScore.value)))
    expected = sum(Decimal(f"{n % 120}.5") + n % 230 + (45, 40, 35)[n % 3] for n in range(COUNT))
    assert total == expected
    events = db.session.scalar(select(func.count()).where(AuditEvent.action == "score.import"))
    assert events == COUNT
    sample = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "score.import").limit(1)
    )
    assert sample.after["cert"] in {"A", "B", "C"} and sample.before == {
        "chinese": None,
        "skill": None,
        "cert": None,
    }


def test_bulk_reimport_updates_every_score(db):
    exam = create_board_exam()
    people = [
        [f"26{n:08d}", idcard.make("370102", date(2000 + n // 1000, 1, 1 + n % 28), n % 1000),
         f"考生{n}", "IT"]
        for n in range(COUNT)
    ]  # fmt: skip
    data = csv_bytes([["candidate_no", "national_id", "name", "category"], *people])
    assert import_file(exam, "candidates", data, "c.csv", None, dry_run=False).ok
    header = ["candidate_no", "skill", "cert"]
    first = csv_bytes([header, *([row[0], "100", "A"] for row in people)])
    assert import_file(exam, "scores", first, "a.csv", None, dry_run=False).inserted == COUNT
    second = csv_bytes([header, *([row[0], f"{n % 200}.5", "C"] for n, row in enumerate(people))])
    result = import_file(exam, "scores", second, "b.csv", None, dry_run=False)
    assert (result.inserted, result.updated, result.unchanged) == (0, COUNT, 0)
    db.session.expire_all()
    total = db.session.scalar(select(func.sum(ComponentScore.value)))
    assert total == sum(Decimal(f"{n % 200}.5") + 35 for n in range(COUNT))
    grades = set(db.session.scalars(select(ComponentScore.grade).distinct()))
    assert grades == {None, "C"}


def test_bulk_candidates_keep_every_column_of_the_file(db):
    from admissions.models import Candidate
    from admissions.models.candidate import CANDIDATE_TYPES

    exam = create_board_exam()
    header = ["candidate_no", "national_id", "name", "category", "type", "school", "bonus",
              "bonus_reason", "work_employer", "work_years"]  # fmt: skip
    rows = []
    for n in range(COUNT):
        kind = CANDIDATE_TYPES[n % 3]
        working = kind == CANDIDATE_TYPES[2]
        rows.append([
            f"26{n:08d}", idcard.make("370102", date(2000 + n // 1000, 1, 1 + n % 28), n % 1000),
            f"考生{n}", "IT", kind, f"第{n % 7}中学", str(n % 5) if n % 4 else "",
            "烈士子女" if n % 4 else "", f"单位{n}" if working else "",
            str(1 + n % 9) if working else "",
        ])  # fmt: skip
    result = import_file(exam, "candidates", csv_bytes([header, *rows]), "c.csv", None,
                         dry_run=False)  # fmt: skip
    assert result.ok and result.inserted == COUNT, result.errors[:3]
    stored = {c.candidate_no: c for c in db.session.scalars(select(Candidate))}
    for n, row in enumerate(rows):
        c = stored[row[0]]
        assert (c.national_id, c.name, c.category_code, c.candidate_type, c.school) == (
            row[1], row[2], "IT", row[4], row[5])  # fmt: skip
        assert c.bonus == Decimal(row[6] or 0) and c.bonus_reason == row[7]
        assert c.work_employer == row[8]
        assert c.work_years == (int(row[9]) if row[9] else None)
        assert c.gender == ("M" if n % 1000 % 2 else "F")
        assert c.birth_date == date(2000 + n // 1000, 1, 1 + n % 28)


def test_large_reads_keep_a_percent_sign_of_the_query(db):
    from sqlalchemy import literal, literal_column

    from admissions.services.imports.bulk import plain_rows

    query = select(literal_column("7 % 4"), literal("50%"), literal("a%%b"))
    assert [tuple(row) for row in plain_rows(query)] == [(3, "50%", "a%%b")]

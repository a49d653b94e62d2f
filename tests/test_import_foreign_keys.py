"""Large writes on PostgreSQL check foreign keys once: the keys are dropped before the write and
added back after it with the same names and definitions; a dangling reference still fails the
whole write; small writes keep the per-row checks."""

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import IntegrityError

from admissions.services.imports import bulk
from admissions.services.imports.bulk import foreign_keys_checked_once
from admissions.services.imports.pipeline import import_file
from tests.board_factories import create_board_exam, csv_bytes
from tests.factories import create_candidate

KEYS = (
    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
    "WHERE conrelid = CAST(:table AS regclass) AND contype = 'f' ORDER BY conname"
)


@pytest.fixture
def keys_once(app):
    """The deployment chose to check keys once for large imports (off by default)."""
    app.config["IMPORT_KEYS_CHECKED_ONCE"] = True
    yield
    app.config["IMPORT_KEYS_CHECKED_ONCE"] = False


def _postgresql(db) -> None:
    if db.session.connection().dialect.name != "postgresql":
        pytest.skip("foreign keys are checked once only on PostgreSQL")


def _keys(db, table: str) -> list[tuple[str, str]]:
    return [tuple(row) for row in db.session.execute(text(KEYS), {"table": table})]


def _scores_import(db, monkeypatch, threshold: int) -> tuple[object, list[str]]:
    monkeypatch.setattr(bulk, "CHECK_ONCE_THRESHOLD", threshold)
    exam = create_board_exam()
    candidate = create_candidate(exam)
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", seen)
    try:
        data = csv_bytes([["candidate_no", "chinese"], [candidate.candidate_no, "90"]])
        result = import_file(exam, "scores", data, "s.csv", None, dry_run=False)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return result, statements


def test_by_default_even_a_large_write_keeps_the_per_row_checks(db, monkeypatch):
    _postgresql(db)
    result, statements = _scores_import(db, monkeypatch, threshold=1)
    assert result.ok and result.inserted == 1
    assert not [s for s in statements if "CONSTRAINT" in s]  # no table of others is locked


def test_a_large_write_drops_and_adds_back_the_same_keys(db, monkeypatch, keys_once):
    _postgresql(db)
    before = _keys(db, "component_score")
    result, statements = _scores_import(db, monkeypatch, threshold=1)
    assert result.ok and result.inserted == 1
    dropped = [s for s in statements if "DROP CONSTRAINT" in s and "component_score" in s]
    assert len(dropped) == len(before) == 2
    assert _keys(db, "component_score") == before


def test_a_small_write_keeps_the_per_row_checks(db, monkeypatch, keys_once):
    _postgresql(db)
    result, statements = _scores_import(db, monkeypatch, threshold=2)
    assert result.ok and result.inserted == 1
    assert not [s for s in statements if "CONSTRAINT" in s]


def test_a_dangling_reference_fails_when_the_keys_are_added_back(db, keys_once):
    _postgresql(db)
    exam = create_board_exam()
    candidate = create_candidate(exam)
    insert = text(
        "INSERT INTO component_score (candidate_id, component_id, value, source) "
        "VALUES (:candidate, :component, 1, 'import')"
    )
    values = {"candidate": candidate.id + 100_000, "component": exam.components[0].id}
    with (
        pytest.raises(IntegrityError, match="fk_component_score_candidate_id_candidate"),
        foreign_keys_checked_once(["component_score"], bulk.CHECK_ONCE_THRESHOLD),
    ):
        db.session.execute(insert, values)  # accepted: no per-row check now
    db.session.rollback()
    assert len(_keys(db, "component_score")) == 2

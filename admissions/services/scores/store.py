"""Replace an exam's ScoreResult rows in bulk: COPY on PostgreSQL, executemany elsewhere."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, insert, select

from admissions.extensions import db
from admissions.models import Candidate, Exam, ScoreResult
from admissions.services.imports.bulk import foreign_keys_checked_once

COLUMNS = (
    "candidate_id", "rules_version_id", "raw_total", "bonus", "total", "qualified", "reasons",
    "rank", "computed_at",
)  # fmt: skip


def replace_results(exam: Exam, rows: list[dict[str, Any]]) -> None:
    """Delete the exam's previous results and insert ``rows``, in the session's transaction."""
    ids = select(Candidate.id).where(Candidate.exam_id == exam.id).scalar_subquery()
    db.session.execute(delete(ScoreResult).where(ScoreResult.candidate_id.in_(ids)))
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        with foreign_keys_checked_once(["score_result"], len(rows)):
            _copy(connection, rows)
    else:
        for start in range(0, len(rows), 20000):
            db.session.execute(insert(ScoreResult), rows[start : start + 20000])
    db.session.flush()


def _copy(connection: Any, rows: list[dict[str, Any]]) -> None:
    """COPY FROM STDIN through the session's own psycopg connection (same transaction)."""
    driver = connection.connection.driver_connection
    sql = f"COPY score_result ({', '.join(COLUMNS)}) FROM STDIN"
    with driver.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(
                (row["candidate_id"], row["rules_version_id"], row["raw_total"], row["bonus"],
                 row["total"], row["qualified"], _json(row["reasons"]),
                 row["rank"], row["computed_at"])
            )  # fmt: skip


def _json(reasons: list[Any]) -> str:
    """JSON text of the reasons; most candidates have none."""
    return json.dumps(reasons, ensure_ascii=False) if reasons else "[]"

"""Scores import on PostgreSQL, set-based: COPY the file into temporary tables, check and upsert in SQL.

Same results as the row-by-row path of ``imports_scores`` (which SQLite keeps): unknown candidate
numbers are listed with their line; a score is written only where it differs from the stored one;
each candidate whose scores change gets one ``score.import`` audit event with the scores before and
after, in file order. The file's cells were already checked by the reader (format, range, grades).
Measured by benchmarks/bench_season.py (100,000 rows).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from admissions.extensions import db
from admissions.models import Component, utcnow
from admissions.services.audit import event_row
from admissions.services.imports.bulk import foreign_keys_checked_once
from admissions.services.imports.context import (
    PREVIEW_ROWS,
    ChangeList,
    ImportContext,
    RowChange,
    Staged,
    nothing,
)

_TABLES = """
DROP TABLE IF EXISTS score_rows, score_cells, score_diff;
CREATE TEMPORARY TABLE score_rows (line integer PRIMARY KEY, candidate_no text) ON COMMIT DROP;
CREATE TEMPORARY TABLE score_cells (
    line integer, ord integer, component_id integer, value numeric, grade text, shown text
) ON COMMIT DROP;
"""

# One row per stored score that the file changes: the new value and the old one (if any).
_DIFF = """
CREATE TEMPORARY TABLE score_diff ON COMMIT DROP AS
SELECT c.id AS candidate_id, s.line, s.ord, s.component_id, k.code, s.value, s.grade, s.shown,
       o.id AS old_id,
       CASE WHEN o.grade IS NOT NULL THEN o.grade ELSE trim_scale(o.value)::text END AS old_shown,
       EXISTS (SELECT 1 FROM component_score x WHERE x.candidate_id = c.id) AS scored
FROM score_cells s
JOIN score_rows r ON r.line = s.line
JOIN candidate c ON c.exam_id = :exam_id AND c.candidate_no = r.candidate_no
JOIN component k ON k.id = s.component_id
LEFT JOIN component_score o ON o.candidate_id = c.id AND o.component_id = s.component_id
WHERE NOT (o.id IS NULL AND s.value IS NULL)
  AND (o.id IS NULL OR o.value IS DISTINCT FROM s.value OR o.grade IS DISTINCT FROM s.grade)
"""

_UNKNOWN = """
SELECT r.line, r.candidate_no FROM score_rows r
LEFT JOIN candidate c ON c.exam_id = :exam_id AND c.candidate_no = r.candidate_no
WHERE c.id IS NULL ORDER BY r.line
"""

# candidates new and changed; cells to insert and to update (one pass over the differences)
_COUNTS = """
SELECT count(*) FILTER (WHERE NOT scored), count(*) FILTER (WHERE scored),
       coalesce(sum(new_cells), 0), coalesce(sum(old_cells), 0)
FROM (SELECT candidate_id, bool_or(scored) AS scored,
             count(*) FILTER (WHERE old_id IS NULL) AS new_cells, count(old_id) AS old_cells
      FROM score_diff GROUP BY candidate_id) AS d
"""

# The cells of the first changed rows, for the preview (before → after per component).
_PREVIEW = """
SELECT d.line, r.candidate_no, d.scored, d.code, d.old_shown, d.shown
FROM score_diff d JOIN score_rows r ON r.line = d.line
WHERE d.line IN (SELECT DISTINCT line FROM score_diff ORDER BY line LIMIT :limit)
ORDER BY d.line, d.ord
"""

_INSERT = """
INSERT INTO component_score (candidate_id, component_id, value, grade, source)
SELECT candidate_id, component_id, value, grade, 'import' FROM score_diff
WHERE old_id IS NULL ORDER BY line, ord
"""

_UPDATE = """
UPDATE component_score AS t SET value = d.value, grade = d.grade, source = 'import'
FROM score_diff AS d WHERE d.old_id = t.id
"""

_AUDIT = """
INSERT INTO audit_event (at, actor_id, action, object_type, object_id, exam_id, before, after,
                         reason, ip)
SELECT :at, :actor_id, :action, :object_type, candidate_id, :exam_id,
       json_object_agg(code, old_shown), json_object_agg(code, shown), :reason, :ip
FROM (SELECT * FROM score_diff ORDER BY candidate_id, ord) AS d
GROUP BY candidate_id ORDER BY min(line)
"""
# The cells reach each candidate's aggregates in component order from the sorted subquery (the
# grouping keeps that order, its key leading the sort): half the time of an ORDER BY in each of
# the two aggregates, which sorts once per candidate.


def stage(context: ImportContext, components: list[Component]) -> Staged:
    """Copy the rows into temporary tables; list unknown candidates; stage the upsert and audit."""
    connection = db.session.connection()
    # sorts of 500,000 cells in memory, not in files (this transaction only)
    connection.exec_driver_sql("SET LOCAL work_mem = '64MB'")
    for statement in _TABLES.split(";"):
        if statement.strip():
            connection.exec_driver_sql(statement)
    _copy_rows(context, components)
    exam_id = context.exam.id
    for line, number in db.session.execute(text(_UNKNOWN), {"exam_id": exam_id}):
        context.error(line, "candidate_no", f"考生号 {number} 不存在")
    if context.errors or not components:
        return Staged((0, 0, len(context.rows)), nothing)
    db.session.execute(text(_DIFF), {"exam_id": exam_id})
    inserted, updated, new_cells, old_cells = db.session.execute(text(_COUNTS)).one()
    counts = (inserted, updated, len(context.rows) - inserted - updated)
    names = {c.code: c.name for c in components}

    def apply() -> None:
        # each statement reads all the differences: skipped when it has nothing to write
        if new_cells:
            with foreign_keys_checked_once(["component_score"], new_cells):
                db.session.execute(text(_INSERT))
        if old_cells:
            db.session.execute(text(_UPDATE))
        event = event_row(
            context.actor, "score.import", "candidate", None,
            reason=f"import {context.filename}", exam_id=exam_id, at=utcnow(),
        )  # fmt: skip
        db.session.execute(text(_AUDIT), event)

    return Staged(counts, apply, _preview(names))


def _preview(names: dict[str, str]) -> list[RowChange]:
    """The first changed rows as the row-by-row path lists them."""
    changes = ChangeList()
    rows = db.session.execute(text(_PREVIEW), {"limit": PREVIEW_ROWS}).all()
    for index, (line, number, scored, _code, _old, _new) in enumerate(rows):
        if index and rows[index - 1][0] == line:
            continue
        cells = [(names[c], old, new) for ln, _n, _s, c, old, new in rows if ln == line]
        changes.add(line, f"考生号 {number}", not scored, cells)
    return changes.rows


def _copy_rows(context: ImportContext, components: list[Component]) -> None:
    """COPY (line, candidate_no) and one (line, component, value, grade, shown) per cell."""
    plain = [
        (k, c.code, c.id, {g: str(v) for g, v in c.grades.items()} if c.grades else None)
        for k, c in enumerate(components)
    ]
    rows, cells = [], []
    for line, row in context.numbered():
        rows.append(f"{line}\t{_escape(str(row['candidate_no']))}\n")
        for k, code, component_id, grades in plain:
            shown = row[code]
            if shown is None:
                cells.append(f"{line}\t{k}\t{component_id}\t\\N\t\\N\t\\N\n")
            elif grades:
                letter = _escape(shown)
                cells.append(f"{line}\t{k}\t{component_id}\t{grades[shown]}\t{letter}\t{letter}\n")
            else:  # the reader's canonical number text ("85.5"): a valid numeric literal
                cells.append(f"{line}\t{k}\t{component_id}\t{shown}\t\\N\t{shown}\n")
    _copy("score_rows (line, candidate_no)", rows)
    _copy("score_cells (line, ord, component_id, value, grade, shown)", cells)


def _copy(target: str, lines: list[str]) -> None:
    raw: Any = db.session.connection().connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f"COPY {target} FROM STDIN") as copy:
        for start in range(0, len(lines), 50_000):
            copy.write("".join(lines[start : start + 50_000]))


def _escape(value: str) -> str:
    """A value in COPY's text format."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return value

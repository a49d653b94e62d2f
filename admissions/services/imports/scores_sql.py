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

_DROP = "DROP TABLE IF EXISTS score_rows, score_grades, score_diff"
# one row per line of the file: the candidate number and one text column per component (c0...)
_ROWS = "CREATE TEMPORARY TABLE score_rows (line integer PRIMARY KEY, candidate_no text{cells}) "
_ROWS_END = "ON COMMIT DROP"
_GRADES = (
    "CREATE TEMPORARY TABLE score_grades (component_id integer, grade text, points numeric, "
    "PRIMARY KEY (component_id, grade)) ON COMMIT DROP"
)

# One row per stored score that the file changes: the new value and the old one (if any). The
# cells come out of each line's columns (one VALUES row per component: {cells}).
_DIFF = """
CREATE TEMPORARY TABLE score_diff ON COMMIT DROP AS
SELECT c.id AS candidate_id, r.line, s.ord, s.component_id, k.code, s.value, s.grade, s.shown,
       o.id AS old_id,
       CASE WHEN o.grade IS NOT NULL THEN o.grade ELSE trim_scale(o.value)::text END AS old_shown,
       EXISTS (SELECT 1 FROM component_score x WHERE x.candidate_id = c.id) AS scored
FROM score_rows r
JOIN candidate c ON c.exam_id = :exam_id AND c.candidate_no = r.candidate_no
CROSS JOIN LATERAL (VALUES {cells}) AS s (ord, component_id, value, grade, shown)
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
    connection.exec_driver_sql(_DROP)
    cells = "".join(f", c{k} text" for k in range(len(components)))
    connection.exec_driver_sql(_ROWS.format(cells=cells) + _ROWS_END)
    _copy_rows(context, components)
    exam_id = context.exam.id
    for line, number in db.session.execute(text(_UNKNOWN), {"exam_id": exam_id}):
        context.error(line, "candidate_no", f"考生号 {number} 不存在")
    if context.errors or not components:
        return Staged((0, 0, len(context.rows)), nothing)
    db.session.execute(text(_DIFF.format(cells=_cells(components))), {"exam_id": exam_id})
    inserted, updated, new_cells, old_cells = db.session.execute(text(_COUNTS)).one()
    new_cells, old_cells = int(new_cells), int(old_cells)  # sums come back as numeric
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


def _cells(components: list[Component]) -> str:
    """The VALUES rows (ord, component id, value, grade, shown) of a line's columns c0, c1...:
    a number's text is the reader's canonical literal; a grade letter's points are looked up."""
    rows = []
    for k, component in enumerate(components):
        cell, component_id = f"r.c{k}", int(component.id)
        if component.grades:
            points = (
                f"(SELECT g.points FROM score_grades g "
                f"WHERE g.component_id = {component_id} AND g.grade = {cell})"
            )
            rows.append(f"({k}, {component_id}, {points}, {cell}, {cell})")
        else:
            rows.append(f"({k}, {component_id}, {cell}::numeric, NULL::text, {cell})")
    return ", ".join(rows)


def _copy_rows(context: ImportContext, components: list[Component]) -> None:
    """COPY one row per line: (line, candidate_no, one cell per component); and the grade
    tables' points."""
    columns = [(c.code, bool(c.grades)) for c in components]
    lines = []
    for line, row in context.numbered():
        cells = [_escape(str(row["candidate_no"]))]
        for code, graded in columns:
            shown = row[code]
            if shown is None:
                cells.append("\\N")
            elif graded:
                cells.append(_escape(shown))
            else:  # the reader's canonical number text ("85.5"): a valid numeric literal
                cells.append(shown)
        lines.append(f"{line}\t" + "\t".join(cells) + "\n")
    listed = ", ".join(f"c{k}" for k in range(len(components)))
    _copy(f"score_rows (line, candidate_no{', ' if listed else ''}{listed})", lines)
    grades = [
        f"{int(c.id)}\t{_escape(letter)}\t{points}\n"
        for c in components
        if c.grades
        for letter, points in c.grades.items()
    ]
    if grades:
        db.session.connection().exec_driver_sql(_GRADES)
        _copy("score_grades (component_id, grade, points)", grades)


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

"""Bulk writes for imports: COPY on PostgreSQL, executemany elsewhere (one transaction either way);
and large reads as plain tuples (``plain_rows``) or as SQL for a COPY out (``literal_sql``).

COPY streams rows through the session's own connection, so it joins the import's transaction and
rolls back with it. Measured by benchmarks/bench_imports.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from operator import itemgetter
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import JSON, Boolean, Select, Table, insert, update

from admissions.extensions import db
from admissions.models.base import ExactDecimal, UTCDateTime

COPY_THRESHOLD = 1000  # below this, executemany is as fast and simpler
CHECK_ONCE_THRESHOLD = 20_000  # from this many rows, foreign keys are checked once (see below)


def literal_sql(query: Select[Any]) -> str:
    """The query as PostgreSQL text with its values written in (``literal_binds``), for the
    driver's own cursor or a COPY out. Its values must be ids and constants, never text from a
    user. The compiler doubles every % for the driver's placeholders; without parameters the
    driver sends the text as it is, so they are made single again."""
    dialect = db.session.connection().dialect
    sql = str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    return sql.replace("%%", "%")


def plain_rows(query: Select[Any]) -> Sequence[Any]:
    """The query's rows as tuples (10⁵–10⁶ rows: no ORM loading), after the session's pending
    changes are flushed; values as for ``literal_sql``. On PostgreSQL they come from the
    driver's own cursor, in the session's transaction: SQLAlchemy's result rows cost as much
    again as the query itself at 650,000 preference items (1.7–1.95 s against 0.8 s on the
    bench machine, benchmarks/bench_season.py)."""
    db.session.flush()
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        return connection.execute(query).all()
    with connection.connection.driver_connection.cursor(binary=True) as cursor:
        return cursor.execute(literal_sql(query)).fetchall()


def insert_rows(table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert plain dict rows into `table`; COPY on PostgreSQL for large batches."""
    if not rows:
        return
    connection = db.session.connection()
    if connection.dialect.name == "postgresql" and len(rows) >= COPY_THRESHOLD:
        _copy(connection, table, rows)
    else:
        db.session.execute(insert(table), list(rows))


def insert_tuples(table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert rows given as tuples of `columns`' values: ``insert_rows`` without building a dict
    per row (for the largest writes: hundreds of thousands of rows)."""
    if not rows:
        return
    connection = db.session.connection()
    if connection.dialect.name == "postgresql" and len(rows) >= COPY_THRESHOLD:
        _copy_tuples(connection, table, list(columns), rows)
    else:
        db.session.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])


def insert_rows_returning_ids(table: Table, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert rows and return their new ids, in order.

    On PostgreSQL, large batches take their ids from the table's sequence first and are then
    COPYed with them; elsewhere one INSERT ... RETURNING per batch, in parameter order.
    """
    if not rows:
        return []
    connection = db.session.connection()
    if connection.dialect.name != "postgresql" or len(rows) < COPY_THRESHOLD:
        statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(db.session.scalars(statement, list(rows)))
    # the sequence is looked up once (not once per id) and the ids come back as one array, in
    # the order they were drawn: 0.1 s for 100,000 ids, against 0.85 s for a row per id
    sequence = connection.exec_driver_sql(
        "SELECT pg_get_serial_sequence(%(table)s, 'id')", {"table": table.name}
    ).scalar_one()
    raw = connection.connection.driver_connection
    with raw.cursor(binary=True) as cursor:
        cursor.execute(
            "SELECT array_agg(nextval(%(sequence)s::regclass)) FROM generate_series(1, %(n)s)",
            {"sequence": sequence, "n": len(rows)},
        )
        ids = [int(i) for i in cursor.fetchone()[0]]
    _copy(connection, table, [{"id": i, **row} for i, row in zip(ids, rows, strict=True)])
    return ids


def update_rows(model: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Update rows by primary key (each dict has "id" and the same other keys).

    On PostgreSQL, large batches are copied into a temporary table and applied with one
    UPDATE ... FROM; elsewhere (and for small batches) an executemany by primary key.
    """
    if not rows:
        return
    connection = db.session.connection()
    if connection.dialect.name != "postgresql" or len(rows) < COPY_THRESHOLD:
        db.session.execute(update(model), list(rows))
        return
    table: Table = model.__table__
    columns = [name for name in rows[0] if name != "id"]
    staging = f"staging_{table.name}"
    listed = ", ".join(f'"{name}"' for name in ["id", *columns])
    connection.exec_driver_sql(
        f'CREATE TEMPORARY TABLE "{staging}" AS SELECT {listed} FROM "{table.name}" WITH NO DATA'
    )
    _copy(connection, table, rows, into=staging)
    assignments = ", ".join(f'"{name}" = s."{name}"' for name in columns)
    connection.exec_driver_sql(
        f'UPDATE "{table.name}" AS t SET {assignments} FROM "{staging}" AS s WHERE t.id = s.id'
    )
    connection.exec_driver_sql(f'DROP TABLE "{staging}"')


@contextmanager
def foreign_keys_checked_once(tables: Sequence[str], rows: int) -> Iterator[None]:
    """Around a large write on PostgreSQL: the tables' foreign keys are checked once, not per row.

    A foreign key costs one lookup and row lock per written row (a second or more per 100,000
    rows on this kind of machine). For ``rows`` ≥ ``CHECK_ONCE_THRESHOLD`` the tables' foreign keys
    are dropped before the write and added back, with the same names and definitions, after it:
    adding one checks the whole table in one join, and a missing referenced row fails the import
    (the same transaction, so nothing is written). The tables stay locked until the commit, as
    for any schema change; other sessions' writes to them wait those seconds. Smaller writes and
    other databases keep the per-row checks. Off unless ``IMPORT_KEYS_CHECKED_ONCE`` is set: while
    the keys are away, the tables they point to (candidate, batch…) are locked too, so every page
    that reads them waits for the import — a choice for imports run outside busy hours.
    """
    connection = db.session.connection()
    wanted = has_app_context() and current_app.config.get("IMPORT_KEYS_CHECKED_ONCE", False)
    if not wanted or connection.dialect.name != "postgresql" or rows < CHECK_ONCE_THRESHOLD:
        yield
        return
    keys: list[tuple[str, str, str]] = []
    for table in tables:
        found = connection.exec_driver_sql(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %(table)s::regclass AND contype = 'f' ORDER BY conname",
            {"table": table},
        )
        keys += [(table, name, definition) for name, definition in found]
    for table, name, _definition in keys:
        connection.exec_driver_sql(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    yield
    for table in tables:
        added = [f'ADD CONSTRAINT "{n}" {d}' for t, n, d in keys if t == table]
        if added:
            connection.exec_driver_sql(f'ALTER TABLE "{table}" ' + ", ".join(added))


def _copy(
    connection: Any, table: Table, rows: Sequence[dict[str, Any]], into: str | None = None
) -> None:
    columns = list(rows[0])
    values = itemgetter(*columns) if len(columns) > 1 else (lambda row: (row[columns[0]],))
    _copy_tuples(connection, table, columns, map(values, rows), into)


def _copy_tuples(
    connection: Any,
    table: Table,
    columns: list[str],
    rows: Iterable[Sequence[Any]],
    into: str | None = None,
) -> None:
    types = [table.c[name].type for name in columns]
    # psycopg writes Decimal, aware datetimes and booleans itself: skip those per-value processors
    processors = [
        None
        if isinstance(t, ExactDecimal | UTCDateTime | Boolean)
        else t.bind_processor(connection.dialect)
        for t in types
    ]
    # only the columns that need it are converted (a processor, or JSON written as text)
    converted = [
        (k, p)
        for k, (p, t) in enumerate(zip(processors, types, strict=True))
        if p is not None or isinstance(t, JSON)
    ]
    names = ", ".join(f'"{name}"' for name in columns)
    raw = connection.connection.driver_connection
    statement = f'COPY "{into or table.name}" ({names}) FROM STDIN'
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        if not converted:  # the common case: no value needs converting
            for row in rows:
                copy.write_row(row)
            return
        for row in rows:
            cells = list(row)
            for k, processor in converted:
                cells[k] = _cell(cells[k], processor)
            copy.write_row(cells)


def _cell(value: Any, processor: Any) -> Any:
    if value is None:
        return None
    if processor is not None:
        value = processor(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value

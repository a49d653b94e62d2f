"""Large reads of a round's inputs as plain tuples (10⁵–10⁶ rows: no ORM loading).

On PostgreSQL the rows come from the driver's own cursor, in the session's transaction:
SQLAlchemy's result rows cost as much again as the query itself at 650,000 preference items
(1.7–1.9 s against 0.8 s on the bench machine, benchmarks/bench_season.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select

from admissions.extensions import db


def plain_rows(query: Select[Any]) -> Sequence[Any]:
    """The query's rows as tuples, after the session's pending changes are flushed. Its values
    must be ids and constants: on PostgreSQL they are written into the SQL (``literal_binds``),
    never text from a user."""
    db.session.flush()
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        return connection.execute(query).all()
    sql = query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
    with connection.connection.driver_connection.cursor(binary=True) as cursor:
        # the compiled text doubles every % (a modulo, a % in a constant); with parameters,
        # even none, psycopg reads %% back as %
        return cursor.execute(str(sql), ()).fetchall()

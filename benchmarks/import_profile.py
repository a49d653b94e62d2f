"""Where an import's time goes, for ``bench_imports.py --profile``: each stage's seconds in
reading its files and in each SQL statement, timed by wrapping psycopg's cursor and connection
methods and the import's file reader in the bench's own process."""

from __future__ import annotations

import time
from typing import Any

READING = "(reading the files)"  # the label of the reader's time among the statements'


class StatementClock:
    """Where an import's time goes, per stage: seconds in reading its files and in each SQL
    statement (psycopg's cursor methods and the reader, wrapped in this process only)."""

    def __init__(self) -> None:
        self.stage: str | None = None  # what is being timed now (None: nothing)
        self.spent: dict[str, dict[str, list[float]]] = {}  # stage → label → [count, seconds]

    def add(self, label: Any, seconds: float) -> None:
        """Count SECONDS for the statement that LABEL() names, if a stage is being timed."""
        if self.stage is not None:
            cell = self.spent.setdefault(self.stage, {}).setdefault(label(), [0, 0.0])
            cell[0] += 1
            cell[1] += seconds

    def install(self) -> None:
        """Wrap psycopg's execute, executemany, copy, commit and rollback, and the import's file
        reader."""
        from contextlib import contextmanager

        import psycopg

        from admissions.services.imports import pipeline

        clock = self

        def label(cursor: Any, query: Any) -> Any:
            def named() -> str:
                if isinstance(query, bytes | bytearray):
                    text = bytes(query).decode("utf-8", "replace")
                else:
                    text = query if isinstance(query, str) else query.as_string(cursor)
                return " ".join(text.split())[:72]

            return named

        def timed(method: Any) -> Any:
            def run(cursor: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
                start = time.perf_counter()
                try:
                    return method(cursor, query, *args, **kwargs)
                finally:
                    seconds = time.perf_counter() - start
                    clock.add(label(cursor, query), seconds)

            return run

        copy = psycopg.Cursor.copy

        @contextmanager
        def timed_copy(cursor: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                with copy(cursor, query, *args, **kwargs) as stream:
                    yield stream
            finally:
                seconds = time.perf_counter() - start
                clock.add(label(cursor, query), seconds)

        psycopg.Cursor.execute = timed(psycopg.Cursor.execute)  # type: ignore[method-assign]
        psycopg.Cursor.executemany = timed(psycopg.Cursor.executemany)  # type: ignore[method-assign]
        psycopg.Cursor.copy = timed_copy  # type: ignore[method-assign]

        def timed_end(method: Any, name: str) -> Any:
            def run(connection: Any) -> None:
                start = time.perf_counter()
                try:
                    method(connection)
                finally:
                    seconds = time.perf_counter() - start
                    clock.add(lambda: name, seconds)

            return run

        psycopg.Connection.commit = timed_end(psycopg.Connection.commit, "COMMIT")  # type: ignore[method-assign]
        psycopg.Connection.rollback = timed_end(psycopg.Connection.rollback, "ROLLBACK")  # type: ignore[method-assign]
        read = pipeline.read_table

        def timed_read(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return read(*args, **kwargs)
            finally:
                seconds = time.perf_counter() - start
                clock.add(lambda: READING, seconds)

        pipeline.read_table = timed_read

    def report(self, times: dict[str, tuple[float, float, float]]) -> dict[str, Any]:
        """Print each stage's split (its largest statements first); the same as a dict."""
        out: dict[str, Any] = {}
        print("where the time goes (one run; a COPY includes building its rows in Python):")
        for stage, spent in self.spent.items():
            total = times[stage][0]
            reading = spent.get(READING, [0, 0.0])[1]
            statements = sorted(((s, int(n), q) for q, (n, s) in spent.items() if q != READING),
                                reverse=True)  # fmt: skip
            sql = sum(s for s, _n, _q in statements)
            rest = total - reading - sql
            calls = sum(n for _s, n, _q in statements)
            print(f"  {stage}: {total:.2f} s = reading the files {reading:.2f} s + SQL "
                  f"{sql:.2f} s ({calls} calls, {len(statements)} distinct) + the rest "
                  f"{rest:.2f} s")  # fmt: skip
            for seconds, n, query in statements[:8]:
                print(f"    {seconds:7.3f} s  ×{n:<3} {query}")
            out[stage] = {"total_s": total, "reading_s": reading, "sql_s": sql, "rest_s": rest,
                          "statements": [{"query": q, "count": n, "seconds": s}
                                         for s, n, q in statements]}  # fmt: skip
        return out

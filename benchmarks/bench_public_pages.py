"""Throughput of the public pages under gunicorn, on loopback: the plan catalogue and the
published cutoffs, as a ratio of /healthz in the same run (the goal is ≥ 0.5).

Seeds the same exam as ``bench_student_pages`` (BENCH_DATABASE_URL, default database
``bench_students``, rebuilt each run) plus one published round with a cutoff for every plan line,
starts gunicorn (2 sync workers) and drives it with concurrent anonymous clients:

- the trivial page  GET /healthz,
- the catalogue     GET /exams/BENCH/plans?batch=BK&page=2 (50 lines of a page),
- the cutoffs       GET /exams/BENCH/cutoffs (every line of the published round).

    python benchmarks/bench_public_pages.py            # 20,000 candidates, 10 s per page
    python benchmarks/bench_public_pages.py --quick    # 2,000 candidates, 3 s per page
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_student_pages import (  # noqa: E402
    DEFAULT_URL,
    drive,
    free_port,
    prepare_database,
    report,
    seed,
    start_gunicorn,
)


def publish_a_round(url: str) -> int:
    """A published run of BK round 1 with a cutoff for every plan line; returns the lines."""
    from decimal import Decimal

    from sqlalchemy import insert, select

    from admissions import create_app
    from admissions.extensions import db
    from admissions.models import AllocationRun, Batch, Cutoff, PlanLine, RunStatus

    app = create_app({"SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://"),
                      "SECRET_KEY": "bench-secret"})  # fmt: skip
    with app.app_context():
        batch = db.session.scalar(select(Batch))
        run = AllocationRun(exam_id=batch.exam_id, batch_id=batch.id, round_number=1,
                            status=RunStatus.PUBLISHED)  # fmt: skip
        db.session.add(run)
        db.session.flush()
        lines = db.session.scalars(select(PlanLine.id)).all()
        db.session.execute(insert(Cutoff), [
            {"run_id": run.id, "plan_line_id": line, "seats": 20, "dispatched": 20,
             "min_total": Decimal(500 - i % 100), "min_rank": 100 + i}
            for i, line in enumerate(lines)
        ])  # fmt: skip
        db.session.commit()
        db.engine.dispose()
    return len(lines)


class Visitor:
    """An anonymous visitor (its own connection pool)."""

    def __init__(self, base: str) -> None:
        self.base, self.session = base, requests.Session()

    def trivial(self) -> int:
        return self.session.get(f"{self.base}/healthz").status_code

    def catalogue(self) -> int:
        return self.session.get(f"{self.base}/exams/BENCH/plans?batch=BK&page=2").status_code

    def cutoffs(self) -> int:
        return self.session.get(f"{self.base}/exams/BENCH/cutoffs").status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a few seconds")
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    candidates, seconds = (2_000, 3.0) if args.quick else (20_000, 10.0)
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    prepare_database(url)
    seed(url, candidates, 1)
    lines = publish_a_round(url)
    port = free_port()
    server = start_gunicorn(url, port)
    try:
        visitors = [Visitor(f"http://127.0.0.1:{port}") for _ in range(args.clients)]
        figures = {name: drive(visitors, name, seconds)  # type: ignore[arg-type]
                   for name in ("trivial", "catalogue", "cutoffs")}  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"gunicorn 2 workers, {args.clients} concurrent clients, {seconds:.0f} s per page, "
          f"{lines} plan lines with published cutoffs")  # fmt: skip
    report(figures, "public_pages")


if __name__ == "__main__":
    main()

"""Allocation run from the database: build inputs, allocate, verify, save (demo data, SQLite).

Run: python benchmarks/bench_rounds.py [--quick] [--candidates N] [--runs N]
Loads the demo exam into a temporary SQLite file, then times `allocate SD2026CK BK` as a dry run
(median of --runs) and one saved run; prints the phases and the peak memory of this process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "bench-secret-key")


def main() -> None:
    """Parse the flags, build the database, time the runs, print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="2,000 candidates, 2 runs")
    parser.add_argument("--candidates", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    n, runs = (2_000, 2) if args.quick else (args.candidates, args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        figures = measure(f"sqlite:///{tmp}/bench.sqlite3", n, runs)
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for key, value in figures.items():
        print(f"{key:>22}: {value:.3f}" if isinstance(value, float) else f"{key:>22}: {value}")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "bench_rounds.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")


def measure(uri: str, n: int, runs: int) -> dict[str, float | int]:
    """Load the demo exam with ``n`` candidates; time dry runs and one saved run of BK round 1."""
    from flask_migrate import upgrade

    from admissions import create_app
    from admissions.extensions import db
    from admissions.models import Exam
    from admissions.services.demo import load_demo
    from admissions.services.rounds.run import find_batch, run_allocation
    from admissions.services.rounds.windows import close_now, get_round

    app = create_app({"SQLALCHEMY_DATABASE_URI": uri})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        demo = load_demo(
            (ROOT / "presets" / "shandong.toml").read_text(encoding="utf-8"), candidates=n
        )
        db.session.commit()
        # this year's exam (the demo also holds last year's, already run and published)
        exam = db.session.query(Exam).filter_by(code=demo.exam_code).one()
        batch = find_batch(exam, "BK")
        walls, phases = [], []
        for _ in range(runs):
            t0 = time.perf_counter()
            outcome = run_allocation(exam, batch, 1, dry_run=True)
            walls.append(time.perf_counter() - t0)
            phases.append(outcome.timings)
        # the demo leaves round 1's preference window open: closed first, as the board does
        close_now(exam, get_round(exam, "BK", 1))
        db.session.commit()
        t0 = time.perf_counter()
        saved = run_allocation(exam, batch, 1)
        db.session.commit()
        save_wall = time.perf_counter() - t0
    return {
        "candidates": n, "dispatched": saved.counts["dispatched"],
        "with_preferences": saved.counts["with_preferences"], "lines": saved.counts["lines"],
        "dry_run_median_s": statistics.median(walls),
        "build_median_s": statistics.median(p["build"] for p in phases),
        "allocate_median_s": statistics.median(p["allocate"] for p in phases),
        "verify_median_s": statistics.median(p["verify"] for p in phases),
        "saved_run_s": save_wall, "save_phase_s": saved.timings.get("save", 0.0),
    }  # fmt: skip


if __name__ == "__main__":
    main()

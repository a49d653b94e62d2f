"""Board pages on PostgreSQL at 100,000 candidates: the control-line counts and the import
preview of row changes.

Loads the Shandong preset into an empty schema, imports 100,000 candidates and their scores,
computes them, then times (median over the runs): the control-line table of a batch (counts and
suggestions from ``score_result``, one grouped query), a proposed dual line (culture and
vocational minimums, evaluated by the bulk engine; then again as the page does, from its cache
of the engine's arrays), and the dry runs (previews with the changed
rows) of a candidates file and a scores file in which every row changed.

    python benchmarks/bench_board_lines.py [--quick] [--database-url URL]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_imports import _ensure_database, _reset, make_files  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_board_lines"


def _prepare(count: int):
    from admissions.extensions import db
    from admissions.services.exam.rules import create_exam_from_rules
    from admissions.services.imports.pipeline import import_file
    from admissions.services.scores.compute import compute_scores

    _reset()
    exam = create_exam_from_rules((ROOT / "presets" / "shandong.toml").read_text(encoding="utf-8"))
    # the import bench's files (the season bench's candidates and scores, and the same scores
    # each changed by half a point)
    files = make_files(count)
    people, scores, changed = (files[name][0] for name in ("candidates", "scores", "changed"))
    for kind, data in (("candidates", people), ("scores", scores)):
        assert import_file(exam, kind, data, f"{kind}.csv", None, dry_run=False).ok
    compute_scores(exam)
    db.session.commit()
    renamed = people.decode("utf-8").replace(",考生", ",学生").encode("utf-8")
    return exam, renamed, changed


def _timed(work) -> tuple[float, object]:
    start = time.perf_counter()
    out = work()
    return time.perf_counter() - start, out


def one_run(exam, renamed: bytes, changed: bytes, count: int) -> dict[str, float]:
    from admissions.extensions import db
    from admissions.services.imports.pipeline import import_file
    from admissions.services.rounds.control_lines import LineCounter, batch_lines

    batch = exam.batches[0]
    category = exam.categories[0].code
    times: dict[str, float] = {}
    times["control lines table"], rows = _timed(lambda: batch_lines(exam, batch, Decimal("1.2")))
    assert len(rows) == len(exam.categories)
    dual = ["culture >= 150", "vocational >= 200"]
    times["dual line (engine)"], first = _timed(
        lambda: LineCounter(exam, batch, True).cleared(category, dual)
    )
    times["dual line (page, cached)"], again = _timed(
        lambda: LineCounter(exam, batch, True, cached=True).cleared(category, dual)
    )
    assert first == again
    for label, kind, data in (("candidates preview", "candidates", renamed),
                              ("scores preview", "scores", changed)):  # fmt: skip
        times[label], result = _timed(
            lambda k=kind, d=data: import_file(exam, k, d, f"{k}.csv", None, dry_run=True)
        )
        db.session.rollback()
        assert result.ok and result.updated == count and len(result.changes) == 50, label
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 candidates, one run")
    parser.add_argument("--runs", type=int, help="runs (default 3, quick 1)")
    parser.add_argument("--database-url", default=DEFAULT_URL)
    args = parser.parse_args()
    count = 10_000 if args.quick else 100_000
    runs = args.runs or (1 if args.quick else 3)
    _ensure_database(args.database_url)

    from admissions import create_app
    from admissions.config import database_url

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url(args.database_url)})
    with app.app_context():
        exam, renamed, changed = _prepare(count)
        results = [one_run(exam, renamed, changed, count) for _ in range(runs)]
    print(f"board pages on PostgreSQL, {count:,} candidates, median of {runs} run(s)")
    figures = {}
    for stage in results[0]:
        figures[stage] = statistics.median(r[stage] for r in results)
        print(f"  {stage:<24} {figures[stage]:8.2f} s")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak RSS {peak_mb:,.0f} MB")
    target = ROOT / "benchmarks" / "results" / "bench_board_lines.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"count": count, "runs": runs, "seconds": figures,
                                  "peak_mb": peak_mb}, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()

"""A whole season on PostgreSQL at 100,000 candidates, stage by stage.

Generates docs/formats.md CSV files (the Shandong preset's rules; plans with enough seats in BK; scores
from a common ability plus noise; 3-10 flat preferences per candidate in BK round 1, nearer lines
more likely), then, on an empty schema built by the migrations in its own database, times each
stage through the services the CLI uses, each with its commit:

    import plans · import candidates · import scores · scores compute · scores publish ·
    import preferences · allocate BK round 1 (saved) · export admissions (CSV)

Prints the median wall time of each stage over the runs and the process's peak RSS. Skips with a
message (exit 0) when PostgreSQL cannot be reached.

    python benchmarks/bench_season.py                        # 100,000 candidates, 3 runs
    BENCH_SEASON_CANDIDATES=20000 BENCH_SEASON_RUNS=1 python benchmarks/bench_season.py
    python benchmarks/bench_season.py --quick                # 10,000 candidates, 1 run
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "bench-secret-key")
# Large imports check foreign keys once (the deployment option for imports outside busy hours);
# IMPORT_KEYS_CHECKED_ONCE=0 measures the default, per-row checks.
os.environ.setdefault("IMPORT_KEYS_CHECKED_ONCE", "1")

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_season"
PRESET = ROOT / "presets" / "shandong.toml"
COMPONENTS = {"chinese": 120, "math": 120, "english": 80, "knowledge": 200, "skill": 230}
LINES_PER_CATEGORY = 60  # BK plan lines per category (15 categories → 900 lines)
SEAT_SHARE = 0.45  # BK seats as a share of the category's candidates
PER_FILE = 25_000  # about this many candidates' preference lists per file (~5 MB)


def _csv(rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def make_files(count: int, categories: list[str], seed: int = 2026) -> dict[str, bytes]:
    """plans, candidates, scores and preferences (BK round 1) as CSV bytes."""
    from admissions import idcard

    rng = np.random.default_rng(seed)
    category = rng.choice(np.asarray(categories, dtype=object), size=count)
    ability = rng.standard_normal(count)
    marks = {
        code: np.clip(
            np.rint(top * (0.62 + 0.15 * (0.8 * ability + 0.6 * rng.standard_normal(count)))),
            0,
            top,
        ).astype(int)
        for code, top in COMPONENTS.items()
    }
    numbers = [f"26{n:010d}" for n in range(count)]
    people = [["candidate_no", "national_id", "name", "category"]]
    for n, number in enumerate(numbers):
        born = date(2006 + n % 3, 1 + n // 1000 % 12, 1 + n // 12_000 % 28)
        people.append([number, idcard.make("370102", born, n % 1000), f"考生{n}", category[n]])
    scores = [["candidate_no", *COMPONENTS]]
    scores += [[numbers[n], *(int(marks[c][n]) for c in COMPONENTS)] for n in range(count)]
    plans, lines = _plans(rng, category, categories)
    return {
        "plans": _csv(plans),
        "candidates": _csv(people),
        "scores": _csv(scores),
        **_split("preferences", _preferences(rng, numbers, category, ability, lines)),
    }


def _split(kind: str, rows: list[list[Any]]) -> dict[str, bytes]:
    """Files of at most PER_FILE candidates each: one file of 100,000 lists passes the 20 MB cap."""
    header, body = rows[0], rows[1:]
    files: dict[str, bytes] = {}
    start = 0
    while start < len(body):
        end = min(start + PER_FILE * 7, len(body))
        while end < len(body) and body[end][0] == body[end - 1][0]:
            end += 1  # a candidate's list stays in one file
        files[f"{kind}-{len(files) + 1}"] = _csv([header, *body[start:end]])
        start = end
    return files


def _plans(
    rng: np.random.Generator, category: np.ndarray, categories: list[str]
) -> tuple[list[list[Any]], dict[str, list[tuple[str, str]]]]:
    """BK plan lines: institution × program per category, seats proportional to demand."""
    header = ["batch", "institution_code", "institution_name", "program_code", "program_name",
              "category", "seats"]  # fmt: skip
    rows: list[list[Any]] = [header]
    lines: dict[str, list[tuple[str, str]]] = {}
    for k, code in enumerate(categories):
        demand = int(np.count_nonzero(category == code))
        weights = rng.dirichlet(np.ones(LINES_PER_CATEGORY) * 3)
        seats = np.maximum(1, np.rint(weights * demand * SEAT_SHARE)).astype(int)
        mine = []
        for j in range(LINES_PER_CATEGORY):
            institution = f"{10000 + (k * LINES_PER_CATEGORY + j) // 3:05d}"
            program = f"{code}{j:03d}"
            rows.append(["BK", institution, f"院校{institution}", program, f"专业{program}",
                         code, int(seats[j])])  # fmt: skip
            mine.append((institution, program))
        lines[code] = mine
    return rows, lines


def _preferences(
    rng: np.random.Generator,
    numbers: list[str],
    category: np.ndarray,
    ability: np.ndarray,
    lines: dict[str, list[tuple[str, str]]],
) -> list[list[Any]]:
    """3-10 lines each, ordered most to least wanted: a line's rank ~ how it suits the ability."""
    header = ["candidate_no", "batch", "round", "choice", "institution_code", "program_code"]
    rows: list[list[Any]] = [header]
    sizes = rng.integers(3, 11, size=len(numbers))
    for n, number in enumerate(numbers):
        mine = lines[category[n]]
        target = (1 - _cdf(ability[n])) * len(mine)  # strong candidates aim at the first lines
        spread = np.abs(np.arange(len(mine)) - target) + rng.exponential(6, len(mine))
        picked = np.argsort(spread)[: sizes[n]]
        for choice, j in enumerate(sorted(picked), start=1):
            rows.append([number, "BK", 1, choice, *mine[j]])
    return rows


def _cdf(z: float) -> float:
    from math import erf, sqrt

    return 0.5 * (1 + erf(z / sqrt(2)))


def _reset() -> None:
    from flask_migrate import upgrade
    from sqlalchemy import text

    from admissions.extensions import db

    db.session.remove()
    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade(directory=str(ROOT / "migrations"))


def _importer(kind: str, data: bytes, expected: int) -> Callable[[Any], str]:
    def stage(exam: Any) -> str:
        from admissions.services.imports.pipeline import import_file

        result = import_file(exam, kind, data, f"{kind}.csv", None, dry_run=False)
        assert result.ok and result.inserted == expected, (kind, result.errors[:3])
        return f"{result.inserted:,} new"

    return stage


def _preferences_importer(files: dict[str, bytes]) -> Callable[[Any], str]:
    parts = [data for name, data in files.items() if name.startswith("preferences-")]

    def stage(exam: Any) -> str:
        from admissions.services.imports.pipeline import import_file

        lists = 0
        for n, data in enumerate(parts, start=1):
            result = import_file(exam, "preferences", data, f"prefs-{n}.csv", None, dry_run=False)
            assert result.ok, result.errors[:3]
            lists += result.inserted
        return f"{lists:,} lists from {len(parts)} files"

    return stage


def _compute(exam: Any) -> str:
    from admissions.services.scores.compute import compute_scores

    return f"{compute_scores(exam).candidates:,} computed"


def _publish(exam: Any) -> str:
    from admissions.services.scores.publish import publish_scores

    return f"{publish_scores(exam):,} published"


def _allocate(exam: Any) -> str:
    from admissions.services.rounds.run import find_batch, run_allocation

    outcome = run_allocation(exam, find_batch(exam, "BK"), 1)
    assert outcome.saved and not outcome.violations, outcome.violations[:3]
    phases = " ".join(f"{k} {v:.2f}" for k, v in outcome.timings.items())
    return f"{outcome.counts['dispatched']:,} dispatched ({phases})"


def _export(exam: Any) -> str:
    from admissions.services.exports import admissions as ex

    rows = ex.admission_rows(exam)
    data = ex.export_bytes("admissions", rows, "csv", "en", exam.name)
    return f"{len(rows):,} rows, {len(data) / 2**20:.1f} MB"


def one_run(files: dict[str, bytes], counts: dict[str, int]) -> list[tuple[str, float, str]]:
    """Every stage once on an empty schema: (stage, seconds, what it did)."""
    from admissions.extensions import db
    from admissions.services.exam.rules import create_exam_from_rules

    _reset()
    exam = create_exam_from_rules(PRESET.read_text(encoding="utf-8"))
    db.session.commit()
    stages: list[tuple[str, Callable[[Any], str]]] = [
        ("import plans", _importer("plans", files["plans"], counts["plans"])),
        ("import candidates", _importer("candidates", files["candidates"], counts["candidates"])),
        ("import scores", _importer("scores", files["scores"], counts["candidates"])),
        ("scores compute", _compute),
        ("scores publish", _publish),
        ("import preferences", _preferences_importer(files)),
        ("allocate BK round 1", _allocate),
        ("export admissions csv", _export),
    ]
    out = []
    for label, stage in stages:
        start = time.perf_counter()
        note = stage(exam)
        db.session.commit()
        out.append((label, time.perf_counter() - start, note))
        print(f"    {label:<24} {out[-1][1]:7.2f} s  {note}", flush=True)
    return out


def main() -> None:
    """Parse the flags, generate the files, time the runs, print and save the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 candidates, one run")
    parser.add_argument("--candidates", type=int, default=_env("BENCH_SEASON_CANDIDATES", 100_000))
    parser.add_argument("--runs", type=int, default=_env("BENCH_SEASON_RUNS", 3))
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    count, runs = (10_000, 1) if args.quick else (args.candidates, args.runs)
    load_before = os.getloadavg()
    created, problem = _ensure_database(args.database_url)
    if problem:
        print(f"bench_season skipped: {problem}")
        return

    from admissions import create_app
    from admissions.config import database_url

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url(args.database_url)})
    categories = _categories()
    t0 = time.perf_counter()
    files = make_files(count, categories)
    counts = {
        "candidates": count,
        "plans": files["plans"].count(b"\n") - 1,
    }
    prefs = sum(v.count(b"\n") - 1 for k, v in files.items() if k.startswith("preferences-"))
    print(f"season on PostgreSQL: {count:,} candidates, {counts['plans']:,} BK lines, "
          f"{prefs:,} preference rows; files made in {time.perf_counter() - t0:.1f} s")  # fmt: skip
    with app.app_context():
        results = []
        for n in range(runs):
            print(f"  run {n + 1}/{runs}", flush=True)
            results.append(one_run(files, counts))
        from admissions.extensions import db

        db.session.remove()
        db.engine.dispose()
    if created:
        _drop_database(args.database_url)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = _report(results, runs, peak_mb)
    target = ROOT / "benchmarks" / "results" / "bench_season.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    record = {"candidates": count, "runs": runs, "median_s": figures, "peak_rss_mb": peak_mb,
              "load_before": list(load_before)}  # fmt: skip
    target.write_text(json.dumps(record, indent=2), encoding="utf-8")


def _report(results: list[list[tuple[str, float, str]]], runs: int, peak_mb: float) -> dict:
    print(f"  median of {runs} run(s):")
    figures = {}
    for i, (label, _seconds, note) in enumerate(results[0]):
        figures[label] = statistics.median(r[i][1] for r in results)
        print(f"  {label:<24} {figures[label]:8.2f} s   {note}")
    print(f"  {'total':<24} {sum(figures.values()):8.2f} s")
    print(f"  peak RSS {peak_mb:,.0f} MB")
    return figures


def _env(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def _categories() -> list[str]:
    import tomllib

    return list(tomllib.loads(PRESET.read_text(encoding="utf-8"))["categories"])


def _ensure_database(url: str) -> tuple[bool, str]:
    """(created, problem): create the bench's database if missing; say why PostgreSQL is unusable.

    The bench drops the schema of the database it uses, so it refuses the shared ones.
    """
    import psycopg

    base, name = url.rsplit("/", 1)
    if name in {"test", "postgres", "template0", "template1"}:
        return False, f"refusing to use the database {name!r}: give the bench its own"
    try:
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if exists.fetchone():
                return False, ""
            conn.execute(f'CREATE DATABASE "{name}"')
            return True, ""
    except psycopg.OperationalError as exc:
        return False, "PostgreSQL not reachable: " + str(exc).strip().splitlines()[0]


def _drop_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()

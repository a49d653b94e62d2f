"""Throughput of the public pages under gunicorn, on loopback: the plan catalogue and the
published cutoffs, as a ratio of /healthz in the same run (the goal is ≥ 0.5).

Seeds the same exam as ``bench_student_pages`` (BENCH_DATABASE_URL, default database
``bench_public``, rebuilt each run) plus one published round with a cutoff for every plan line,
starts gunicorn (2 sync workers) and drives it with concurrent anonymous visitors that accept gzip
like every browser:

- the trivial page  GET /healthz,
- the catalogue     GET /exams/BENCH/plans?batch=BK&page=2 (50 lines of a page),
- the cutoffs       GET /exams/BENCH/cutoffs (every line of the published round).

The load comes from wrk (Debian package ``wrk``) when installed, else from Python clients (which
share the 2 cores with the server, so their figures are a floor). The pages take turns for several
rounds; each figure is the median round, each ratio the median of the rounds' ratios (the machine
is shared: a burst of other work hits one round, not one page).

    python benchmarks/bench_public_pages.py            # 20,000 candidates, 5 rounds of 5 s a page
    python benchmarks/bench_public_pages.py --quick    # 2,000 candidates, 3 rounds of 2 s a page
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
GOAL = 0.5  # each page's throughput as a ratio of /healthz's
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_public"
PAGES = {
    "trivial": "/healthz",
    "catalogue": "/exams/BENCH/plans?batch=BK&page=2",
    "cutoffs": "/exams/BENCH/cutoffs",
}
BROWSER_ENCODINGS = "gzip, deflate, br"
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_student_pages import (  # noqa: E402
    drive,
    free_port,
    prepare_database,
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
    """An anonymous visitor (its own connection pool), for the fallback without wrk."""

    def __init__(self, base: str, encoding: str) -> None:
        self.base, self.session = base, requests.Session()
        self.session.headers["Accept-Encoding"] = encoding

    def trivial(self) -> int:
        return self.session.get(self.base + PAGES["trivial"]).status_code

    def catalogue(self) -> int:
        return self.session.get(self.base + PAGES["catalogue"]).status_code

    def cutoffs(self) -> int:
        return self.session.get(self.base + PAGES["cutoffs"]).status_code


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * UNITS[unit]


def wrk(url: str, clients: int, seconds: float, encoding: str) -> dict[str, float]:
    """One wrk run: requests/s, median and p99 latency, requests, errors (non-2xx, sockets)."""
    out = subprocess.run(
        ["wrk", f"-t{min(2, clients)}", f"-c{clients}", f"-d{seconds:g}s", "--latency",
         "-H", f"Accept-Encoding: {encoding}", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    found = re.search(r"(\d+) requests in", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read \d+, write \d+, timeout (\d+)", out)
    return {
        "requests": int(found.group(1)) if found else 0,
        "errors": (int(errors.group(1)) if errors else 0)
        + (int(sockets.group(1)) + int(sockets.group(2)) if sockets else 0),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50_ms": _ms(re.search(r"\s50%\s+(\S+)", out).group(1)),  # type: ignore[union-attr]
        "p99_ms": _ms(re.search(r"\s99%\s+(\S+)", out).group(1)),  # type: ignore[union-attr]
    }


def measure(
    base: str, clients: int, rounds: int, seconds: float, encoding: str, use_wrk: bool
) -> dict[str, dict]:
    """The pages take turns for ``rounds`` rounds; per page the median round and its ratio."""
    visitors = [] if use_wrk else [Visitor(base, encoding) for _ in range(clients)]
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in PAGES}
    for _ in range(rounds):
        for name, path in PAGES.items():
            if use_wrk:
                runs[name].append(wrk(base + path, clients, seconds, encoding))
            else:
                runs[name].append(drive(visitors, name, seconds))  # type: ignore[arg-type]
    figures = {}
    for name, found in runs.items():
        ratios = [f["rps"] / t["rps"] for f, t in zip(found, runs["trivial"], strict=True)]
        middle = sorted(found, key=lambda f: f["rps"])[len(found) // 2]
        figures[name] = {**middle, "ratio": statistics.median(ratios),
                         "rounds_rps": [round(f["rps"], 1) for f in found]}  # fmt: skip
    print(f"load generator: {'wrk' if use_wrk else 'Python clients'}")
    return figures


def page_sizes(base: str, encoding: str) -> str:
    sizes = []
    for name, path in PAGES.items():
        plain = requests.get(base + path, headers={"Accept-Encoding": "identity"}).content
        sent = requests.get(base + path, headers={"Accept-Encoding": encoding}, stream=True)
        packed = sent.raw.read()  # the bytes as sent (gzip when kept and accepted)
        sizes.append(f"{name} {len(plain):,} B ({len(packed):,} B as sent)")
    return ", ".join(sizes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a few seconds")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--encoding", default=BROWSER_ENCODINGS,
                        help=f"the visitors' Accept-Encoding (default {BROWSER_ENCODINGS!r})")  # fmt: skip
    parser.add_argument("--python-clients", action="store_true",
                        help="drive with Python clients even when wrk is installed")  # fmt: skip
    args = parser.parse_args()
    load_before = os.getloadavg()
    candidates, rounds, seconds = (2_000, 3, 2.0) if args.quick else (20_000, 5, 5.0)
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    prepare_database(url)
    seed(url, candidates, 1)
    lines = publish_a_round(url)
    port = free_port()
    server = start_gunicorn(url, port)
    base = f"http://127.0.0.1:{port}"
    try:
        sizes = page_sizes(base, args.encoding)
        use_wrk = not args.python_clients and shutil.which("wrk") is not None
        figures = measure(base, args.clients, rounds, seconds, args.encoding, use_wrk)
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"gunicorn 2 workers, {args.clients} concurrent clients, {rounds} rounds of "
          f"{seconds:g} s a page, {lines} plan lines with published cutoffs")  # fmt: skip
    print(f"pages: {sizes}")
    options = (
        ("--quick " if args.quick else "")
        + ("--python-clients " if args.python_clients else "")
        + (f"--encoding '{args.encoding}'" if args.encoding != BROWSER_ENCODINGS else "")
    )
    save(figures, load_before, options)


def save(figures: dict[str, dict], load_before: tuple[float, ...], options: str) -> None:
    """Print each page's figures (median round, median ratio) and the load average before and
    after; write results/public_pages.json with the two ratios as figures with their goal."""
    for page, f in figures.items():
        print(f"{page:9} {f['rps']:8.1f} req/s  p50 {f['p50_ms']:7.1f} ms  p99 {f['p99_ms']:7.1f} ms"
              f"  ratio {f['ratio']:5.2f}  ({f['requests']} requests, {f['errors']} errors; "
              f"rounds {f['rounds_rps']} req/s)")  # fmt: skip
    load_after = os.getloadavg()
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    command = f"python benchmarks/bench_public_pages.py {options}".strip()
    goals = [{"name": f"public {page} throughput / healthz", "value": round(f["ratio"], 2),
              "unit": "", "goal": f"≥ {GOAL}", "met": f["ratio"] >= GOAL, "command": command}
             for page, f in figures.items() if page != "trivial"]  # fmt: skip
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    doc = {"pages": figures, "load_before": load_before, "load_after": load_after, "figures": goals}
    (out / "public_pages.json").write_text(json.dumps(doc, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()

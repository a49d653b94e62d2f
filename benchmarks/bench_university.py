"""University downloads end to end: database query + file, for one institution's admission list
(20,000 dispatches) in CSV, XLSX and PDF, and the bulk PDF of 5,000 admission letters.

The database (SQLite file, schema from the migrations) is seeded once by the parent; every case
runs in its own subprocess, so its peak RSS (ru_maxrss) is its own.

    python benchmarks/bench_university.py            # 20,000 rows, 5,000 letters
    python benchmarks/bench_university.py --quick    # 2,000 rows, 200 letters
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "bench-secret")

FULL = {"list": 20_000, "letters": 5_000}
QUICK = {"list": 2_000, "letters": 200}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚"


def make_app(database: str):
    from admissions import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "TESTING": True})


def seed(database: str, sizes: dict[str, int]) -> None:
    """One exam, one institution with 50 programs, one live run with `list` dispatches."""
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from admissions import idcard
    from admissions.extensions import db
    from admissions.models import (
        AllocationRun,
        Batch,
        BatchShape,
        Candidate,
        Category,
        Dispatch,
        Exam,
        Institution,
        PlanLine,
        Round,
        RoundStatus,
        RunStatus,
    )  # fmt: skip
    from admissions.services.provinces import get_or_create_province

    app = make_app(database)
    rand = random.Random(7)
    with app.app_context():
        upgrade()
        province = get_or_create_province("370000")
        exam = Exam(
            code="BENCH2026", name="山东省2026年春季高考", province_id=province.id, year=2026
        )
        db.session.add(exam)
        db.session.flush()
        batch = Batch(exam_id=exam.id, code="BK", name="本科批", sequence=1, shape=BatchShape.FLAT,
                      max_choices=96, scheme_code="standard")  # fmt: skip
        db.session.add_all([batch, Category(exam_id=exam.id, code="IT", name="信息技术类")])
        institution = Institution(code="10422", name="山东职业技术大学", city="济南")
        db.session.add(institution)
        db.session.flush()
        db.session.add(Round(batch_id=batch.id, number=1, status=RoundStatus.ALLOCATED))
        lines = [PlanLine(exam_id=exam.id, batch_id=batch.id, institution_id=institution.id,
                          program_code=f"{i:03d}", program_name=f"软件技术{i}方向", category_code="IT",
                          seats=sizes["list"] // 50 + 1) for i in range(50)]  # fmt: skip
        run = AllocationRun(
            exam_id=exam.id, batch_id=batch.id, round_number=1, status=RunStatus.SUCCEEDED
        )
        db.session.add_all([*lines, run])
        db.session.flush()
        n = sizes["list"]
        db.session.execute(insert(Candidate), [
            {"exam_id": exam.id, "candidate_no": f"26370{i:09d}",
             "national_id": idcard.make(f"3701{i % 90 + 10:02d}", date(2007, 1 + i % 12, 1 + i % 28), i % 1000),
             "name": rand.choice(SURNAMES) + "".join(rand.choices(GIVEN, k=2)), "gender": "M",
             "birth_date": date(2007, 1 + i % 12, 1 + i % 28), "category_code": "IT"}
            for i in range(n)
        ])  # fmt: skip
        statuses = ["admitted"] * sizes["letters"] + ["rejected"] * (n // 10)
        statuses += ["dispatched"] * (n - len(statuses))
        db.session.execute(insert(Dispatch), [
            {"run_id": run.id, "candidate_id": i + 1, "plan_line_id": lines[i % 50].id,
             "institution_id": institution.id, "choice": 1 + i % 6, "rank": i + 1,
             "total": Decimal(700) - Decimal(i) / 40, "status": statuses[i],
             "reason": "体检不符合要求" if statuses[i] == "rejected" else ""}
            for i in range(n)
        ])  # fmt: skip
        db.session.commit()


def operation(name: str):
    """The callable a case times (inside an app and request context)."""
    from admissions.extensions import db
    from admissions.models import AllocationRun
    from admissions.services.exports import records as exports
    from admissions.services.universities.letters import run_letters_pdf

    if name == "letters":
        run = db.session.get(AllocationRun, 1)
        return lambda: run_letters_pdf(run, 1, base_url="https://zk.example.cn/")[0]
    columns = exports.choose_columns(None)
    filters = exports.ExportFilter(institution_id=1)
    return lambda: exports.render(list(exports.admission_records(filters, False)), columns, name)


def run_child(database: str, name: str, runs: int) -> None:
    """Run one case in this process and print its figures as JSON."""
    app = make_app(database)
    with app.test_request_context("/"):
        timed = operation(name)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        times, size = [], 0
        for _ in range(runs):
            start = time.perf_counter()
            size = len(timed())
            times.append(time.perf_counter() - start)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"case": name, "runs": runs, "median_s": statistics.median(times),
                      "min_s": min(times), "peak_rss_mb": peak / 1024,
                      "start_rss_mb": before / 1024, "bytes": size}))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--case")
    parser.add_argument("--database")
    args = parser.parse_args()
    if args.case:
        run_child(args.database, args.case, args.runs)
        return
    sizes = QUICK if args.quick else FULL
    with tempfile.TemporaryDirectory() as folder:
        database = str(Path(folder) / "bench.sqlite3")
        seed(database, sizes)
        print(
            f"{sizes['list']:,} dispatches, {sizes['letters']:,} admitted; median of {args.runs} runs"
        )
        print(
            f"{'case':<10}{'median s':>10}{'min s':>9}{'peak MB':>9}{'start MB':>10}{'bytes':>14}"
        )
        results = []
        for name in ("csv", "xlsx", "pdf", "letters"):
            command = [sys.executable, __file__, "--case", name, "--runs", str(args.runs),
                       "--database", database]  # fmt: skip
            out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            figures = json.loads(out.strip().splitlines()[-1])
            results.append(figures | {"sizes": sizes})
            print(f"{name:<10}{figures['median_s']:>10.3f}{figures['min_s']:>9.3f}"
                  f"{figures['peak_rss_mb']:>9.0f}{figures['start_rss_mb']:>10.0f}{figures['bytes']:>14,}")  # fmt: skip
    target = ROOT / "benchmarks" / "results" / "bench_university.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

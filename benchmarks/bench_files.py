"""Speed and memory of the file readers and writers.

Each case runs in its own subprocess so its peak memory (ru_maxrss) is its own. Figures: median
wall time over the runs (and the median CPU time of the process, steadier when the machine is
busy), the process's peak RSS, and the peak RSS before the timed work (the input
data alone), so the difference is what the operation itself costs.

    python benchmarks/bench_files.py            # 20,000-row exports, 5,000 letters, 100,000-row reads
    python benchmarks/bench_files.py --quick    # small sizes, a few seconds
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from admissions.files.columns import ComponentInfo, export_columns  # noqa: E402
from admissions.files.letters import LetterData, letters_pdf  # noqa: E402
from admissions.files.readers import read_table  # noqa: E402
from admissions.files.verification import verification_code  # noqa: E402
from admissions.files.writers import to_csv, to_pdf_table, to_xlsx  # noqa: E402

FULL = {"list": 20_000, "letters": 5_000, "read": 100_000}
QUICK = {"list": 2_000, "letters": 200, "read": 10_000}
COMPONENTS = [
    ComponentInfo("chinese", "语文", Decimal(120)),
    ComponentInfo("math", "数学", Decimal(120)),
    ComponentInfo("english", "英语", Decimal(80)),
    ComponentInfo("knowledge", "专业知识", Decimal(200)),
    ComponentInfo("skill", "技能测试", Decimal(230)),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗欧阳"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英"


def _name(rand: random.Random) -> str:
    return rand.choice(SURNAMES) + "".join(rand.choices(GIVEN, k=rand.choice((1, 2))))


def admissions_rows(count: int) -> list[dict[str, object]]:
    """A plausible admission list: one row per dispatched candidate."""
    rand = random.Random(7)
    rows = []
    for i in range(count):
        rows.append(
            {
                "exam": "SD2026CK",
                "batch": "BK",
                "round": 1,
                "category": "IT",
                "candidate_no": f"2637{i:010}",
                "name": _name(rand),
                "national_id": f"370102********{i % 1000:03}X",
                "institution_code": f"{10400 + i % 80}",
                "institution_name": f"山东第{i % 80 + 1}职业技术学院",
                "program_code": f"0809{i % 40:02}",
                "program_name": rand.choice(
                    ("计算机应用技术", "软件技术", "大数据技术", "电子商务")
                ),
                "total": Decimal(720_00 - i) / 100,
                "rank": i + 1,
                "choice": rand.randint(1, 96),
                "status": "admitted",
                "reason": "",
            }
        )
    return rows


def letters(count: int) -> list[LetterData]:
    """Admission letters with real verification codes."""
    rand = random.Random(3)
    return [
        LetterData(
            exam_name="山东省2026年春季高考",
            candidate_name=_name(rand),
            candidate_no=f"2637{i:010}",
            national_id=f"37010220080101{i % 1000:03}X",
            institution_name=f"山东第{i % 80 + 1}职业技术学院",
            program_name="计算机应用技术",
            batch_name="本科批",
            verification_code=verification_code(
                "bench", "SD2026CK", f"2637{i:010}", "BK/10401/080901"
            ),
            issue_date=dt.date(2026, 7, 20),
            verify_base_url="https://zk.example.cn",
        )
        for i in range(count)
    ]


def score_table(count: int) -> list[list[object]]:
    """A scores file as a grid: header by Chinese names, then one row per candidate."""
    rand = random.Random(5)
    grid: list[list[object]] = [["考生号", *(c.name for c in COMPONENTS)]]
    for i in range(count):
        grid.append([f"2637{i:010}", *(rand.randint(0, int(c.max) * 2) / 2 for c in COMPONENTS)])
    return grid


def scores_csv(count: int) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(score_table(count))
    return buffer.getvalue().encode("utf-8-sig")


def scores_xlsx(count: int) -> bytes:
    import xlsxwriter

    with tempfile.NamedTemporaryFile(suffix=".xlsx") as file:
        with xlsxwriter.Workbook(file.name, {"constant_memory": True}) as book:
            sheet = book.add_worksheet()
            text = book.add_format({"num_format": "@"})
            for line, row in enumerate(score_table(count)):
                sheet.write_string(line, 0, str(row[0]), text)
                sheet.write_row(line, 1, row[1:])
        return Path(file.name).read_bytes()


def _read(data: bytes, name: str) -> int:
    result = read_table(data, name, "scores", components=COMPONENTS)
    if not result.ok:
        raise SystemExit(f"benchmark input refused: {result.errors[:3]}")
    return len(result.rows)


def cases(
    sizes: dict[str, int],
) -> dict[str, tuple[Callable[[], object], Callable[[object], object]]]:
    """name → (setup, operation on the setup's value)."""
    columns = export_columns("admissions")
    n, k, r = sizes["list"], sizes["letters"], sizes["read"]
    return {
        f"export_csv_{n}": (lambda: admissions_rows(n), lambda rows: to_csv(rows, columns)),
        f"export_xlsx_{n}": (
            lambda: admissions_rows(n),
            lambda rows: to_xlsx(rows, columns, "录取名单"),
        ),
        f"export_pdf_{n}": (
            lambda: admissions_rows(n),
            lambda rows: to_pdf_table("录取名单", rows, columns),
        ),
        f"letters_pdf_{k}": (lambda: letters(k), lambda items: letters_pdf(items)),
        f"read_csv_{r}": (lambda: scores_csv(r), lambda data: _read(data, "scores.csv")),
        f"read_xlsx_{r}": (lambda: scores_xlsx(r), lambda data: _read(data, "scores.xlsx")),
    }


def run_child(name: str, quick: bool, runs: int) -> None:
    """Run one case in this process and print its figures as JSON."""
    setup, operation = cases(QUICK if quick else FULL)[name]
    value = setup()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times, cpu, size = [], [], 0
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        output = operation(value)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        size = len(output) if isinstance(output, bytes) else int(output)  # type: ignore[call-overload]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    figures = {
        "case": name,
        "runs": runs,
        "median_s": statistics.median(times),
        "min_s": min(times),
        "median_cpu_s": statistics.median(cpu),  # this process only: steadier on a busy machine
    }
    figures |= {"peak_rss_mb": peak / 1024, "input_rss_mb": before / 1024, "output": size}
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--case", help="run only this case (in this process)")
    parser.add_argument("--only", help="comma-separated cases to run (default: all)")
    args = parser.parse_args()
    if args.case:
        run_child(args.case, args.quick, args.runs)
        return
    results = []
    print(
        f"{'case':<22}{'median s':>10}{'min s':>9}{'cpu s':>8}{'peak MB':>9}{'input MB':>10}"
        f"{'output':>12}{'load':>7}"
    )
    print("(output: bytes written, or rows read)")
    for name in cases(QUICK if args.quick else FULL):
        if args.only and name not in args.only.split(","):
            continue
        command = [sys.executable, __file__, "--case", name, "--runs", str(args.runs)]
        command += ["--quick"] if args.quick else []
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        figures = json.loads(out.strip().splitlines()[-1])
        figures["load"] = os.getloadavg()
        results.append(figures)
        print(
            f"{name:<22}{figures['median_s']:>10.3f}{figures['min_s']:>9.3f}"
            f"{figures['median_cpu_s']:>8.3f}{figures['peak_rss_mb']:>9.0f}"
            f"{figures['input_rss_mb']:>10.0f}{figures['output']:>12,}{figures['load'][0]:>7.1f}"
        )
    target = ROOT / "benchmarks" / "results" / "bench_files.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

"""Start-up time: `flask --app wsgi --help` against `python -c "import flask"`, interleaved runs
in one session (medians, and their ratio), plus the heavy libraries --help loads.

Run: python benchmarks/bench_startup.py [--runs N]     (default 7 runs each; about a minute)
Writes benchmarks/results/startup.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
HEAVY = ("pandas", "numpy", "reportlab", "openpyxl", "xlsxwriter", "python_calamine", "numba")
HELP = [sys.executable, "-m", "flask", "--app", "wsgi", "--help"]
FLASK = [sys.executable, "-c", "import flask"]
LOADED = (
    "import json, sys, runpy\nsys.argv = ['flask', '--app', 'wsgi', '--help']\n"
    "try:\n    runpy.run_module('flask', run_name='__main__')\nexcept SystemExit:\n    pass\n"
    f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]), file=sys.stderr)\n"
)


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    env = {**os.environ, "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-secret-key")}
    timed(HELP, env)  # warm the file cache and bytecode
    help_s, flask_s = [], []
    load = os.getloadavg()
    for _ in range(args.runs):
        help_s.append(timed(HELP, env))
        flask_s.append(timed(FLASK, env))
    done = subprocess.run([sys.executable, "-c", LOADED], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True)  # fmt: skip
    heavy = json.loads(done.stderr.strip().splitlines()[-1])
    ratio = statistics.median(help_s) / statistics.median(flask_s)
    doc = {
        "command": "python benchmarks/bench_startup.py", "runs": args.runs,
        "help_s": statistics.median(help_s), "import_flask_s": statistics.median(flask_s),
        "ratio": ratio, "heavy_loaded_by_help": heavy, "load_before": load,
        "load_after": os.getloadavg(),
        "figures": [
            {"name": "`flask --app wsgi --help` / `python -c \"import flask\"`", "value": ratio,
             "unit": "x", "goal": "<= 3x", "met": ratio <= 3,
             "command": "python benchmarks/bench_startup.py"},
            {"name": "heavy libraries loaded by --help", "value": len(heavy), "unit": "",
             "goal": "none (" + ", ".join(heavy) + ")" if heavy else "none", "met": not heavy,
             "command": "python benchmarks/bench_startup.py"},
        ],
    }  # fmt: skip
    print(f"--help {doc['help_s']:.3f} s, import flask {doc['import_flask_s']:.3f} s, "
          f"ratio {ratio:.1f}x, heavy loaded: {heavy or 'none'}, load {load[0]:.2f}")  # fmt: skip
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "startup.json").write_text(json.dumps(doc, indent=2))


if __name__ == "__main__":
    main()

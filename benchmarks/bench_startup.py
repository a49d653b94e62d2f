"""Start-up time: `flask --app wsgi --help` against `python -c "import flask"`, interleaved runs
in one session (medians, and their ratio), plus the heavy libraries --help loads. Also a worker's
boot: `flask --app wsgi jobs worker --burst` on a Redis address that refuses the connection, so
it builds the app, registers the job functions and the RQ worker, and stops at its first Redis
call (its time is the boot, before any job; exit status 1 is expected). And, for scale, the
floor: `import` of flask and the extensions the app is built on. Wall and CPU (user + system)
times: on a shared machine the CPU time is the steadier of the two.

The project's bytecode is compiled first (``python -m compileall``, as the deployment steps do:
a release folder the service cannot write gets no bytecode otherwise), so the runs measure what
a production host starts with, whether or not this environment writes bytecode itself.

Run: python benchmarks/bench_startup.py [--runs N]     (default 7 runs each; a minute or two)
Writes benchmarks/results/startup.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
HEAVY = (
    "pandas", "numpy", "reportlab", "openpyxl", "xlsxwriter", "python_calamine", "numba", "zxingcpp",
)  # fmt: skip
HELP = [sys.executable, "-m", "flask", "--app", "wsgi", "--help"]
WORKER = [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker", "--burst"]
NO_REDIS = "redis://127.0.0.1:1/0"  # refused at once: the worker stops after its boot
FLASK = [sys.executable, "-c", "import flask"]
# the floor under --help: flask with the extensions the app is built on, none of our code
EXTENSIONS = [sys.executable, "-c", "import flask_login, flask_limiter, flask_migrate, "
              "flask_sqlalchemy, flask_wtf"]  # fmt: skip
LOADED = (
    "import json, sys, runpy\nsys.argv = ['flask', '--app', 'wsgi', *{args!r}]\n"
    "try:\n    runpy.run_module('flask', run_name='__main__')\nexcept SystemExit:\n    pass\n"
    f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]), file=sys.stderr)\n"
)


def timed(
    command: list[str], env: dict[str, str], codes: tuple[int, ...] = (0,)
) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of COMMAND."""
    before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in codes:
        raise SystemExit(f"{' '.join(command[1:])} failed ({done.returncode}): {done.stderr}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return elapsed, cpu


def heavy_loaded(args: list[str], env: dict[str, str]) -> list[str]:
    """The heavy libraries loaded by ``flask --app wsgi ARGS``."""
    done = subprocess.run([sys.executable, "-c", LOADED.format(args=args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True)  # fmt: skip
    return list(json.loads(done.stderr.strip().splitlines()[-1]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    env = {**os.environ, "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-secret-key")}
    worker_env = {**env, "REDIS_URL": NO_REDIS}
    runs = {  # name: (command, environment, accepted exit statuses)
        "help": (HELP, env, (0,)), "import_flask": (FLASK, env, (0,)),
        "worker_boot": (WORKER, worker_env, (1,)), "extensions": (EXTENSIONS, env, (0,)),
    }  # fmt: skip
    subprocess.run([sys.executable, "-m", "compileall", "-q", "admissions", "scoring", "wsgi.py"],
                   cwd=ROOT, check=True)  # fmt: skip
    for command, run_env, codes in runs.values():
        timed(command, run_env, codes)  # warm the file cache (and bytecode, where it is written)
    wall: dict[str, list[float]] = {name: [] for name in runs}
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    load = os.getloadavg()
    for _ in range(args.runs):  # interleaved: the load of the moment weighs on each alike
        for name, (command, run_env, codes) in runs.items():
            w, c = timed(command, run_env, codes)
            wall[name].append(w)
            cpu[name].append(c)
    med = {name: statistics.median(v) for name, v in wall.items()}
    med_cpu = {name: statistics.median(v) for name, v in cpu.items()}
    heavy = heavy_loaded(["--help"], env)
    worker_heavy = heavy_loaded(["jobs", "worker", "--burst"], worker_env)
    ratio = med["help"] / med["import_flask"]
    worker_ratio = med["worker_boot"] / med["import_flask"]
    cpu_ratio = {name: v / med_cpu["import_flask"] for name, v in med_cpu.items()}
    doc = {
        "command": "python benchmarks/bench_startup.py", "runs": args.runs,
        "help_s": med["help"], "import_flask_s": med["import_flask"], "ratio": ratio,
        "heavy_loaded_by_help": heavy, "worker_boot_s": med["worker_boot"],
        "worker_ratio": worker_ratio, "heavy_loaded_by_worker_boot": worker_heavy,
        "extensions_s": med["extensions"], "wall_s": wall, "cpu_s": cpu,
        "cpu_median_s": med_cpu, "cpu_ratio": cpu_ratio,
        "load_before": load, "load_after": os.getloadavg(),
        "figures": [
            {"name": "`flask --app wsgi --help` / `python -c \"import flask\"`", "value": ratio,
             "unit": "x", "goal": "<= 3x", "met": ratio <= 3,
             "command": "python benchmarks/bench_startup.py"},
            {"name": "heavy libraries loaded by --help", "value": len(heavy), "unit": "",
             "goal": "none (" + ", ".join(heavy) + ")" if heavy else "none", "met": not heavy,
             "command": "python benchmarks/bench_startup.py"},
            {"name": "worker boot (`flask --app wsgi jobs worker`, up to its first Redis call) "
                     "/ `import flask`", "value": worker_ratio, "unit": "x",
             "goal": "<= 3x (as --help)", "met": worker_ratio <= 3,
             "command": "python benchmarks/bench_startup.py"},
            {"name": "heavy libraries loaded by a worker's boot", "value": len(worker_heavy),
             "unit": "", "met": not worker_heavy,
             "goal": "none (" + ", ".join(worker_heavy) + ")" if worker_heavy else "none",
             "command": "python benchmarks/bench_startup.py"},
        ],
    }  # fmt: skip
    print(f"load {load[0]:.2f} (after {doc['load_after'][0]:.2f}); medians of {args.runs} runs:")
    for name in runs:
        print(f"  {name:13s} wall {med[name]:.3f} s ({med[name] / med['import_flask']:.1f}x), "
              f"CPU {med_cpu[name]:.3f} s ({cpu_ratio[name]:.1f}x)")  # fmt: skip
    print(
        f"heavy loaded by --help: {heavy or 'none'}; by a worker's boot: {worker_heavy or 'none'}"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "startup.json").write_text(json.dumps(doc, indent=2))


if __name__ == "__main__":
    main()

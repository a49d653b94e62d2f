"""`flask --app wsgi --help` (and so every command) and a worker's boot load no heavy library:
the modules that need pandas, numpy, numba, reportlab, openpyxl or zxing are imported by the
functions that use them (or are modules only those functions import), never at start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = {
    "pandas", "numpy", "numba", "reportlab", "openpyxl", "xlsxwriter", "python_calamine",
    "zxingcpp",
}  # fmt: skip
SCRIPT = """
import json, sys
{preload}
from flask.cli import main
sys.argv = ["flask", "--app", "wsgi", *{args!r}]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""
# a worker boots (app, job functions, RQ worker) and stops at its first call to this Redis
NO_REDIS = "redis://127.0.0.1:1/0"


def _loaded(args: list[str], preload: str = "", **env: str) -> tuple[set[str], str]:
    """The modules loaded by ``flask --app wsgi ARGS`` and what it printed."""
    env = {**os.environ, "SECRET_KEY": os.environ.get("SECRET_KEY", "startup-test-secret"), **env}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(preload=preload, args=args)], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return set(json.loads(done.stderr.strip().splitlines()[-1])), done.stdout + done.stderr


def _heavy(modules: set[str]) -> set[str]:
    return {m for m in modules if m.split(".")[0] in HEAVY}


def test_help_loads_no_heavy_library() -> None:
    modules, printed = _loaded(["--help"])
    assert "Usage:" in printed
    assert "admissions.views.board.rounds" in modules  # every blueprint and command was loaded
    assert _heavy(modules) == set()


def test_a_worker_boot_loads_no_heavy_library() -> None:
    modules, printed = _loaded(["jobs", "worker", "--burst"], REDIS_URL=NO_REDIS)
    assert "无法连接 Redis" in printed  # it got as far as the queue
    assert {"rq.worker", "admissions.worker", "admissions.services.jobs.tasks"} <= modules
    assert _heavy(modules) == set()


def test_the_check_sees_a_module_that_imports_pandas_at_start_up() -> None:
    # the engine's input builder imports numpy and pandas at the top: loaded at start-up, it shows
    modules, _ = _loaded(["--help"], preload="import admissions.services.rounds.build")
    assert {"numpy", "pandas"} <= _heavy(modules)

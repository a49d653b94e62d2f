"""The compiled loops where numba has nowhere to keep their machine code (a read-only install run
by an account without a home, and no NUMBA_CACHE_DIR): the engine still allocates, the same as
with a cache, and names the functions compiled without one (what ``doctor`` reports)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
from alloc_helpers import flat_input
from scoring.allocation import allocate
from scoring.verify import verify
from scoring import compiled
inp = flat_input([[9], [7], [7], [5], [3]], [[0, 1], [0], [1, 0], [1], [0, 1]], [1, 2])
result = allocate(inp)
print(json.dumps({"line": result.line.tolist(), "reason": [str(r) for r in result.reason],
                  "violations": [str(v) for v in verify(inp, result)],
                  "uncached": compiled.UNCACHED, "where": compiled.__file__}))
"""


def _run(tmp_path: Path, env: dict[str, str]) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path), str(ROOT / "tests" / "scoring")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith(("postgresql", "postgres://")),
    reason="compiles the kernels twice (about a minute) and touches no database: the SQLite run has it",
)
def test_without_a_place_for_the_cache_the_engine_compiles_in_process(tmp_path: Path) -> None:
    shutil.copytree(
        ROOT / "scoring", tmp_path / "scoring", ignore=shutil.ignore_patterns("__pycache__")
    )
    # Every place numba would write is blocked by a plain file where it needs a folder (the
    # tests may run as root, whom permissions do not stop): next to the source, the user's
    # cache folder and NUMBA_CACHE_DIR.
    for package in ("scoring", "scoring/allocation"):
        (tmp_path / package / "__pycache__").write_text("not a folder")
    (tmp_path / "blocked").write_text("not a folder")
    env = {
        **os.environ, "HOME": str(tmp_path / "blocked"),
        "XDG_CACHE_HOME": str(tmp_path / "blocked" / "cache"),
        "NUMBA_CACHE_DIR": str(tmp_path / "blocked" / "numba"),
    }  # fmt: skip
    blocked = _run(tmp_path, env)
    assert blocked["where"].startswith(str(tmp_path))
    assert "scoring.allocation.kernel._sift_up" in blocked["uncached"]
    assert any(name.startswith("scoring.verify_scan.") for name in blocked["uncached"])

    # The same instance with a cache folder to write to: same allocation, nothing uncached.
    cache = tmp_path / "numba-cache"
    cached = _run(tmp_path, {**env, "NUMBA_CACHE_DIR": str(cache)})
    assert cached["uncached"] == []
    assert any(cache.rglob("*.nbi")), "numba kept no compiled code in NUMBA_CACHE_DIR"
    # Scores 9, 7, 7, 5, 3 (ties by candidate number); lines of 1 and 2 seats.
    assert blocked["line"] == cached["line"] == [0, -1, 1, 1, -1]
    assert blocked["reason"] == cached["reason"]
    assert blocked["violations"] == cached["violations"] == []

"""Composite + qualification + control lines + rank (位次): bulk path on 1,000,000 candidates
(5 components, 30 categories) and the exact per-candidate path on 100,000.

Run: ``python benchmarks/bench_scoring.py [--quick]``.  Prints median wall time over the runs and
peak memory; writes benchmarks/results/scoring.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scoring.bulk import bulk_compute, bulk_lines  # noqa: E402
from scoring.composite import CandidateInput, check_lines, compute_candidate, qualify  # noqa: E402
from scoring.order import order_keys, rank_composites, rank_keys  # noqa: E402
from scoring.rules import load_rules  # noqa: E402
from scoring.rules_model import Rules  # noqa: E402

COMPONENTS = {"chinese": 120, "math": 120, "english": 80, "knowledge": 200, "skill": 230}
CATEGORIES = [f"K{i:02d}" for i in range(30)]


def bench_rules() -> Rules:
    """Shandong's components and scheme with 30 categories and a qualification floor."""
    text = (ROOT / "presets" / "shandong.toml").read_text(encoding="utf-8")
    head, _, rest = text.partition("[categories]")
    _, _, tail = rest.partition("[schemes.standard]")
    cats = "\n".join(f'{c} = "类别{c}"' for c in CATEGORIES)
    text = f"{head}[categories]\n{cats}\n\n[schemes.standard]{tail}"
    text = text.replace(
        "qualify = []", 'qualify = ["skill >= 60", "culture >= 90 or vocational >= 300"]'
    )
    text = text.replace('IT = ["total >= 500"]', 'K03 = ["total >= 500", "vocational >= 250"]')
    return load_rules(text, name="bench")


def make_frame(n: int, seed: int = 7) -> pd.DataFrame:
    """Random half-point scores, 1 % absent per component, a few bonuses."""
    rng = np.random.default_rng(seed)
    data: dict[str, object] = {}
    for code, top in COMPONENTS.items():
        halves = rng.integers(0, 2 * top + 1, size=n) / 2.0
        halves[rng.random(n) < 0.01] = np.nan
        data[code] = halves
    data["bonus"] = np.where(
        rng.random(n) < 0.05, rng.integers(1, 21, size=n).astype(float), np.nan
    )
    data["category"] = np.asarray(CATEGORIES, dtype=object)[rng.integers(0, 30, size=n)]
    return pd.DataFrame(data)


def bulk_work(rules: Rules, frame: pd.DataFrame) -> np.ndarray:
    """The whole bulk pipeline; returns the ranks."""
    result = bulk_compute(rules, "standard", frame.drop(columns=["category"]))
    eligible = result.qualified & bulk_lines(rules, "BK", frame["category"], result)
    keys = order_keys(rules, "standard", result)
    ranks = rank_keys(keys.keys, frame["category"])
    assert eligible.shape == ranks.shape
    return ranks


def exact_inputs(frame: pd.DataFrame) -> list[CandidateInput]:
    """Per-candidate inputs (Decimal scores) built outside the timed region."""
    out = []
    for rec in frame.to_dict("records"):
        scores = {c: (None if pd.isna(rec[c]) else Decimal(str(rec[c]))) for c in COMPONENTS}
        bonus = Decimal(0) if pd.isna(rec["bonus"]) else Decimal(str(rec["bonus"]))
        out.append(CandidateInput(scores, bonus=bonus, category=rec["category"]))
    return out


def exact_work(rules: Rules, inputs: list[CandidateInput]) -> list[int]:
    """The same pipeline one candidate at a time, in exact Decimal arithmetic."""
    comps = [compute_candidate(rules, "standard", c) for c in inputs]
    for cand, comp in zip(inputs, comps, strict=True):
        qualify(rules, comp)
        check_lines(rules, "BK", cand.category, comp)
    return rank_composites(comps, [c.category for c in inputs])


def timed(fn: Callable[[], object], runs: int) -> tuple[float, list[float]]:
    """Median wall time over ``runs``."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def traced_peak(fn: Callable[[], object]) -> float:
    """Peak memory (MiB) allocated during one call (Python + NumPy via tracemalloc)."""
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    """Run both paths and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes (100,000 / 10,000)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    n_bulk, n_exact = (100_000, 10_000) if args.quick else (1_000_000, 100_000)
    rules = bench_rules()
    frame = make_frame(n_bulk)
    bulk_median, bulk_times = timed(lambda: bulk_work(rules, frame), args.runs)
    bulk_peak = traced_peak(lambda: bulk_work(rules, frame))
    small = frame.iloc[:n_exact].reset_index(drop=True)
    inputs = exact_inputs(small)
    assert np.array_equal(bulk_work(rules, small), np.asarray(exact_work(rules, inputs)))
    exact_median, exact_times = timed(lambda: exact_work(rules, inputs), args.runs)
    bulk_small, _ = timed(lambda: bulk_work(rules, small), args.runs)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {
        "bulk_n": n_bulk, "bulk_median_s": round(bulk_median, 3), "bulk_runs_s": [round(t, 3) for t in bulk_times],
        "bulk_traced_peak_mib": round(bulk_peak, 1), "process_max_rss_mib": round(rss, 1),
        "exact_n": n_exact, "exact_median_s": round(exact_median, 3), "exact_runs_s": [round(t, 3) for t in exact_times],
        "bulk_same_n_median_s": round(bulk_small, 3), "speedup_same_n": round(exact_median / bulk_small, 1),
    }  # fmt: skip
    print(
        f"bulk  : {n_bulk:>9,} candidates x 5 components x 30 categories: median {bulk_median:.3f} s over {args.runs} runs {figures['bulk_runs_s']}"
    )
    print(f"        peak traced memory {bulk_peak:.1f} MiB; process max RSS {rss:.1f} MiB")
    print(
        f"exact : {n_exact:>9,} candidates: median {exact_median:.3f} s over {args.runs} runs {figures['exact_runs_s']}"
    )
    print(
        f"bulk on the same {n_exact:,}: median {bulk_small:.3f} s -> speed-up x{figures['speedup_same_n']}"
    )
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "scoring.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()

"""Allocation engine benchmark: a synthetic province, and a side-by-side with `matching`.

Run: python benchmarks/bench_allocation.py [--quick] [--runs N] [--n N] [--skip-matching]
Each case runs in a child process so its peak memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scoring.allocation import (  # noqa: E402
    AllocationInput,
    FlatPreferences,
    GroupedPreferences,
    SchemeOrder,
    allocate,
)
from scoring.verify import verify  # noqa: E402

CATEGORIES, LINES, GROUP_SIZE = 30, 3000, 5
RESULTS = Path(__file__).resolve().parent / "results"


def _lengths(rng: np.random.Generator, n: int, low: int, high: int, mean: float) -> np.ndarray:
    """List lengths in [low, high] with roughly the given mean (binomial)."""
    p = (mean - low) / (high - low)
    return (low + rng.binomial(high - low, p, size=n)).astype(np.int64)


def _choose(
    rng: np.random.Generator, n_items: int, weight: np.ndarray, lengths: np.ndarray
) -> np.ndarray:
    """Per row, ``lengths[i]`` distinct items drawn by popularity (Gumbel top-k), flattened."""
    out = []
    for start in range(0, lengths.shape[0], 50_000):
        k = lengths[start : start + 50_000]
        g = np.log(weight)[None, :] - np.log(-np.log(rng.random((k.shape[0], n_items))))
        order = np.argsort(-g, axis=1)
        out.append(order[np.arange(n_items)[None, :] < k[:, None]])
    return np.concatenate(out).astype(np.int64)


def province(n: int, case: str, seed: int = 7) -> AllocationInput:
    """1 scheme (a), 10 % of lines with their own scheme (b), or grouped (c)."""
    rng = np.random.default_rng(seed)
    category = rng.integers(0, CATEGORIES, n).astype(np.int64)
    order_c = np.argsort(category, kind="stable")
    total = np.clip(rng.normal(50_000, 9_000, n), 0, 75_000).astype(np.int64)
    skill = np.clip(total * 0.3 + rng.normal(0, 3_000, n), 0, 23_000).astype(np.int64)
    culture = total - skill
    schemes = [SchemeOrder(np.stack((total, skill, culture), axis=1))]
    per_cat = LINES // CATEGORIES
    line_category = np.repeat(np.arange(CATEGORIES), per_cat).astype(np.int64)
    line_scheme = np.zeros(LINES, dtype=np.int64)
    if case == "b":
        schemes.append(SchemeOrder(np.stack((skill * 2 + culture, skill), axis=1), ties="share"))
        line_scheme[rng.random(LINES) < 0.10] = 1
    counts = np.bincount(category, minlength=CATEGORIES)
    weight = rng.pareto(1.5, per_cat) + 0.2
    seats = np.zeros(LINES, dtype=np.int64)
    for cat in range(CATEGORIES):
        share = rng.dirichlet(np.ones(per_cat) * 2)
        seats[cat * per_cat : (cat + 1) * per_cat] = np.round(share * counts[cat] * 0.8)
    if case == "c":
        return _grouped(
            rng, n, category, order_c, schemes, line_category, line_scheme, seats, weight
        )
    lengths = _lengths(rng, n, 1, 96, 30)
    lengths = np.minimum(lengths, per_cat)
    local = _choose(rng, per_cat, weight, lengths[order_c])
    ptr_sorted = np.concatenate(([0], np.cumsum(lengths[order_c])))
    lines_sorted = local + np.repeat(category[order_c] * per_cat, lengths[order_c])
    ptr, lines = _unsort(order_c, ptr_sorted, lines_sorted, lengths)
    return AllocationInput(
        category=category, candidate_no=np.arange(26_000_000_000, 26_000_000_000 + n),
        schemes=tuple(schemes), qualified=np.ones((len(schemes), n), bool),
        line_category=line_category, line_scheme=line_scheme, free_seats=seats,
        preferences=FlatPreferences(ptr, lines), ratio=Fraction(1),
    )  # fmt: skip


def _unsort(
    order: np.ndarray, ptr_sorted: np.ndarray, flat: np.ndarray, lengths: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """CSR built in ``order`` of rows, back to row order 0..n-1."""
    inv = np.argsort(order)
    ptr = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    src = np.repeat(ptr_sorted[:-1][inv] - ptr[:-1], lengths) + np.arange(int(ptr[-1]))
    return ptr, flat[src]


def _grouped(rng, n, category, order_c, schemes, line_category, line_scheme, seats, weight):  # type: ignore[no-untyped-def]
    per_group = (LINES // CATEGORIES) // GROUP_SIZE
    line_group = np.arange(LINES, dtype=np.int64) // GROUP_SIZE
    lengths = np.minimum(_lengths(rng, n, 1, 20, 8), per_group)
    gweight = weight.reshape(per_group, GROUP_SIZE).sum(axis=1)
    local = _choose(rng, per_group, gweight, lengths[order_c])
    groups_sorted = local + np.repeat(category[order_c] * per_group, lengths[order_c])
    ptr_sorted = np.concatenate(([0], np.cumsum(lengths[order_c])))
    ptr, groups = _unsort(order_c, ptr_sorted, groups_sorted, lengths)
    m = groups.shape[0]
    k = rng.integers(1, GROUP_SIZE + 1, m)
    offs = np.argsort(rng.random((m, GROUP_SIZE)), axis=1)
    majors = (groups[:, None] * GROUP_SIZE + offs)[np.arange(GROUP_SIZE)[None, :] < k[:, None]]
    major_ptr = np.concatenate(([0], np.cumsum(k))).astype(np.int64)
    prefs = GroupedPreferences(ptr, groups, rng.random(m) < 0.7, major_ptr, majors.astype(np.int64))
    return AllocationInput(
        category=category, candidate_no=np.arange(26_000_000_000, 26_000_000_000 + n),
        schemes=tuple(schemes), qualified=np.ones((len(schemes), n), bool),
        line_category=line_category, line_scheme=line_scheme, free_seats=seats,
        preferences=prefs, ratio=Fraction(1), line_group=line_group,
    )  # fmt: skip


def run_case(case: str, n: int, runs: int) -> dict[str, object]:
    """Time allocate() and verify() on one synthetic province (in this process)."""
    inp = province(n, case)
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = allocate(inp)
        times.append(time.perf_counter() - t0)
    assert result is not None
    alloc_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    violations = verify(inp, result)
    verify_s = time.perf_counter() - t0
    return {
        "case": case, "n": n, "entries": int(inp.preferences.ptr[-1]), "runs": runs,
        "median_s": statistics.median(times), "verify_s": verify_s,
        "violations": len(violations), "placed": int((result.line >= 0).sum()),
        "seats": int(inp.free_seats.sum()),
        "rss_after_input_mb": base_rss, "peak_rss_allocate_mb": alloc_peak,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }  # fmt: skip


def compare_matching(n: int) -> dict[str, object]:
    """Case (b) shape at n candidates (strict order, ratio 1): engine vs matching."""
    from matching.games import HospitalResident

    sys.setrecursionlimit(1_000_000)
    inp = province(n, "b")
    strict = tuple(SchemeOrder(s.keys, ties="candidate_no") for s in inp.schemes)
    inp = AllocationInput(**{**inp.__dict__, "schemes": strict})
    times = []
    for _ in range(5):  # the engine's median of 5 runs; matching runs once (it is slow)
        t0 = time.perf_counter()
        ours = allocate(inp, method="da")
        times.append(time.perf_counter() - t0)
    ours_s = statistics.median(times)
    resident, hospital, caps = _matching_dicts(inp)
    t0 = time.perf_counter()
    game = HospitalResident.create_from_dictionaries(resident, hospital, caps)
    solved = game.solve(optimal="resident")
    theirs_s = time.perf_counter() - t0
    theirs = np.full(n, -1)
    for h, members in solved.items():
        for r in members:
            theirs[int(r.name)] = int(h.name)
    same = bool(np.array_equal(theirs, ours.line))
    return {
        "n": n,
        "engine_s": ours_s,
        "matching_s": theirs_s,
        "ratio": theirs_s / ours_s,
        "identical": same,
    }


def _matching_dicts(inp: AllocationInput):  # type: ignore[no-untyped-def]
    p = inp.preferences
    assert isinstance(p, FlatPreferences)
    # matching cannot hold a zero-capacity hospital; such a line rejects everyone anyway.
    open_line = inp.free_seats > 0
    resident = {
        c: [x for x in p.lines[p.ptr[c] : p.ptr[c + 1]].tolist() if open_line[x]]
        for c in range(inp.n_candidates)
    }
    applicants: dict[int, list[int]] = {line: [] for line in np.flatnonzero(open_line).tolist()}
    for c, lst in resident.items():
        for line in lst:
            applicants[line].append(c)
    hospital = {}
    for line, cands in applicants.items():
        keys = inp.schemes[int(inp.line_scheme[line])].keys
        hospital[line] = sorted(cands, key=lambda c, k=keys: (tuple(-k[c]), inp.candidate_no[c]))
    caps = {line: int(inp.free_seats[line]) for line in applicants}
    return resident, hospital, caps


def _child(args: argparse.Namespace) -> None:
    out = run_case(args.case, args.n, args.runs) if args.case != "m" else compare_matching(args.n)
    print(json.dumps(out))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="100,000 candidates, matching at 2,000")
    ap.add_argument("--n", type=int, default=None)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-matching", action="store_true")
    ap.add_argument("--only-matching", action="store_true")
    ap.add_argument("--case", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.case:
        return _child(args)
    n = args.n or (100_000 if args.quick else 1_000_000)
    rows = []
    for case in () if args.only_matching else ("a", "b", "c"):
        rows.append(_spawn(["--case", case, "--n", str(n), "--runs", str(args.runs)]))
        r = rows[-1]
        print(f"case ({case}) n={r['n']:,} entries={r['entries']:,}: median {r['median_s']:.2f} s "
              f"over {r['runs']} runs, verify {r['verify_s']:.2f} s, violations {r['violations']}, "
              f"placed {r['placed']:,}/{r['seats']:,} seats, peak RSS {r['peak_rss_allocate_mb']:.0f} MB "
              f"after allocate, {r['peak_rss_mb']:.0f} MB after verify "
              f"(input alone {r['rss_after_input_mb']:.0f} MB)", flush=True)  # fmt: skip
    if not args.skip_matching:
        for m in (2_000,) if args.quick else (5_000, 10_000):
            r = _spawn(["--case", "m", "--n", str(m)])
            rows.append(r)
            print(f"vs matching n={m:,} (case b shape, strict): engine {r['engine_s']:.3f} s, "
                  f"matching {r['matching_s']:.1f} s, {r['ratio']:.0f}x, identical={r['identical']}", flush=True)  # fmt: skip
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "allocation.json").write_text(json.dumps(rows, indent=2))


def _spawn(extra: list[str]) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, *extra], check=True, capture_output=True, text=True
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    main()

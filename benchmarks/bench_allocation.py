"""Allocation engine benchmark: the engine, its verifier and a plain-Python heap DA on the same
inputs, side by side in one run (ratios taken in that run), and optionally `matching`.

Run: python benchmarks/bench_allocation.py [--quick] [--scale F] [--runs N] [--heap-runs N]
     [--small-runs N] [--cases a,b,...] [--matching]
Full sizes (the default): the 200-program shapes at 5,000 / 10,000 / 100,000 candidates and the
province cases a, b, c at 10^6 candidates x ~30 choices (a few minutes; the heap DA takes most of
it). --quick runs the province cases at 10^5. Each figure is a median: of 21 runs for the
200-program cases of 5,000 and 10,000 candidates (--small-runs), where one run takes milliseconds
and a median of 3 swung from 8.7x to 16.4x between runs of the same code. Every case runs in
two child processes (engine + verifier, then the heap DA) so peak memory (ru_maxrss) is the
engine's and verifier's own.
Timings are warm, as in a running worker: the compiled kernels (numba, cache=True: compiled once,
then loaded from the on-disk cache by each new process) are loaded by allocating and verifying
three small inputs first; that first-call time (loading or compiling) is reported apart as
compile_and_first_calls_s and is in none of the medians.
Writes benchmarks/results/allocation.json; `python benchmarks/report.py` makes RESULTS.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from alloc_instances import programs, province  # noqa: E402
from heap_da import heap_da  # noqa: E402

from scoring.allocation import AllocationInput, SchemeOrder, allocate  # noqa: E402
from scoring.verify import verify  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
# name: (generator, candidates, weighted-or-case, engine goal in seconds or None)
CASES: dict[str, tuple[str, int, str, float | None]] = {
    "5k-weighted": ("programs", 5_000, "weighted", None),
    "10k-weighted": ("programs", 10_000, "weighted", None),
    "100k-weighted": ("programs", 100_000, "weighted", None),
    "100k-common": ("programs", 100_000, "common", None),
    "a": ("province", 1_000_000, "a", 1.0),
    "b": ("province", 1_000_000, "b", 2.0),
    "c": ("province", 1_000_000, "c", 1.5),
}
COMMAND = "python benchmarks/bench_allocation.py"


def build(name: str, scale: float) -> AllocationInput:
    """The input of one case (province cases scaled by ``scale``)."""
    kind, n, variant, _ = CASES[name]
    if kind == "programs":
        return programs(n, variant == "weighted")
    return province(int(n * scale), variant)


def strict(inp: AllocationInput) -> AllocationInput:
    """The same input with ties broken by candidate number (what the heap DA implements)."""
    schemes = tuple(SchemeOrder(s.keys, s.choice_at, s.choice_sign) for s in inp.schemes)
    return dataclasses.replace(inp, schemes=schemes)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def engine_child(name: str, scale: float, runs: int) -> dict[str, object]:
    """Load the compiled kernels on small inputs, then time allocate() and verify() on the case."""
    t0 = time.perf_counter()
    for small in (province(2_000, "c"), province(2_000, "b"), programs(500, True)):
        assert verify(small, allocate(small)) == []
    first_call = time.perf_counter() - t0
    inp = build(name, scale)
    input_rss = rss_mb()
    times, vtimes, result, violations = [], [], None, []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = allocate(inp)
        times.append(time.perf_counter() - t0)
    assert result is not None
    engine_rss = rss_mb()
    t0 = time.perf_counter()
    assert len(result.digest) == 64  # computed on first read: its own figure
    digest_s = time.perf_counter() - t0
    for _ in range(runs):
        t0 = time.perf_counter()
        violations = verify(inp, result)
        vtimes.append(time.perf_counter() - t0)
    return {
        "n": inp.n_candidates, "entries": int(inp.preferences.ptr[-1]),
        "schemes": len(inp.schemes), "engine_s": statistics.median(times), "engine_runs": times,
        "verify_s": statistics.median(vtimes), "violations": len(violations),
        "placed": int((result.line >= 0).sum()), "seats": int(inp.free_seats.sum()),
        "compile_and_first_calls_s": first_call, "digest_s": digest_s, "rss_input_mb": input_rss,
        "rss_engine_mb": engine_rss, "rss_peak_mb": rss_mb(),
    }  # fmt: skip


def heap_child(name: str, scale: float, runs: int) -> dict[str, object]:
    """Time the plain-Python heap DA and check it agrees with the engine (strict ties).

    The engine is also timed here on the same strict input, right after each heap DA run, so
    that both see the same machine load: ``ratio_paired`` (the engine warm, as above)."""
    inp = strict(build(name, scale))
    small = programs(500, True)
    allocate(small)
    times, etimes, held = [], [], []
    ours = None
    for _ in range(runs):
        t0 = time.perf_counter()
        held = heap_da(inp)
        times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        ours = allocate(inp)
        etimes.append(time.perf_counter() - t0)
    assert ours is not None
    mine = ours.group if inp.grouped else ours.line
    return {"heap_s": statistics.median(times), "heap_runs": times,
            "engine_paired_s": statistics.median(etimes),
            "ratio_paired": statistics.median(times) / statistics.median(etimes),
            "identical": bool(np.array_equal(np.asarray(held), mine))}  # fmt: skip


def matching_child(n: int) -> dict[str, object]:
    """Case (b) shape at n candidates (strict order, ratio 1): engine vs `matching`."""
    from matching.games import HospitalResident

    sys.setrecursionlimit(1_000_000)
    inp = strict(province(n, "b"))
    allocate(inp)
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        ours = allocate(inp, method="da")
        times.append(time.perf_counter() - t0)
    p = inp.preferences
    open_line = inp.free_seats > 0  # matching cannot hold a zero-capacity hospital
    resident = {c: [x for x in p.lines[p.ptr[c] : p.ptr[c + 1]].tolist() if open_line[x]]
                for c in range(n)}  # fmt: skip
    applicants: dict[int, list[int]] = {x: [] for x in np.flatnonzero(open_line).tolist()}
    for c, lst in resident.items():
        for x in lst:
            applicants[x].append(c)
    hospital = {}
    for x, cands in applicants.items():
        k = inp.schemes[int(inp.line_scheme[x])].keys
        hospital[x] = sorted(cands, key=lambda c, k=k: (tuple(-k[c]), inp.candidate_no[c]))
    caps = {x: int(inp.free_seats[x]) for x in applicants}
    t0 = time.perf_counter()
    solved = HospitalResident.create_from_dictionaries(resident, hospital, caps).solve(
        optimal="resident"
    )
    theirs_s = time.perf_counter() - t0
    theirs = np.full(n, -1)
    for h, members in solved.items():
        for r in members:
            theirs[int(r.name)] = int(h.name)
    engine_s = statistics.median(times)
    return {"n": n, "engine_s": engine_s, "matching_s": theirs_s,
            "ratio": theirs_s / engine_s, "identical": bool(np.array_equal(theirs, ours.line))}  # fmt: skip


def spawn(*extra: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, *extra], check=True, capture_output=True, text=True
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def figures_of(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """The figures beside their goals, for RESULTS.md."""
    out: list[dict[str, object]] = []

    load = 0.0

    def add(name: str, value: float, unit: str, goal: str, met: bool) -> None:
        out.append({"name": name, "value": value, "unit": unit, "goal": goal, "met": met,
                    "command": COMMAND, "load": load})  # fmt: skip

    for r in rows:
        if "case" not in r:
            continue
        load = float(r["load"][0])  # type: ignore[index]
        label = f"allocation {r['case']} (n={r['n']:,}, {r['entries']:,} entries)"
        ratio = float(r["heap_s"]) / float(r["engine_s"])  # type: ignore[arg-type]
        add(f"{label}: heap DA / engine", ratio, "x", ">= 10x", ratio >= 10)
        if "ratio_paired" in r:
            paired = float(r["ratio_paired"])  # type: ignore[arg-type]
            add(f"{label}: heap DA / engine, timed in turn in one process", paired, "x",
                ">= 10x", paired >= 10)  # fmt: skip
        goal = r.get("goal_s")
        if goal is not None:
            add(f"{label}: engine", r["engine_s"], "s", f"< {goal} s", r["engine_s"] < goal)  # type: ignore[operator]
        add(f"{label}: verifier", r["verify_s"], "s", "<= engine",
            r["verify_s"] <= r["engine_s"])  # type: ignore[operator]  # fmt: skip
        add(f"{label}: peak RSS with verifier", r["rss_peak_mb"], "MB", "< 2048 MB",
            r["rss_peak_mb"] < 2048)  # type: ignore[operator]  # fmt: skip
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="province cases at 10^5 candidates")
    ap.add_argument("--scale", type=float, default=None, help="province size / 10^6")
    ap.add_argument("--runs", type=int, default=5,
                    help="engine runs per case above 10,000 candidates (median)")  # fmt: skip
    ap.add_argument("--heap-runs", type=int, default=3,
                    help="heap DA runs above 10,000 and below 10^6 candidates (median)")  # fmt: skip
    ap.add_argument("--small-runs", type=int, default=21,
                    help="engine and heap DA runs of the cases of at most 10,000 candidates")  # fmt: skip
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--matching", action="store_true", help="also `matching` at 5,000 / 10,000")
    ap.add_argument("--out", default="allocation", help="results/<OUT>.json (a partial run)")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    scale = args.scale or (0.1 if args.quick else 1.0)
    if args.child:
        kind, name, runs = args.child
        if kind == "matching":
            print(json.dumps(matching_child(int(name))))
        else:
            child = engine_child if kind == "engine" else heap_child
            print(json.dumps(child(name, scale, int(runs))))
        return
    rows: list[dict[str, object]] = []
    load_before = os.getloadavg()
    for name in args.cases.split(","):
        extra = ["--scale", str(scale), "--child"]
        row: dict[str, object] = {"case": name, "goal_s": CASES[name][3] if scale == 1 else None}
        # a run of a few milliseconds is easily disturbed: the small cases take more runs
        small = CASES[name][1] <= 10_000
        runs, heap_runs = (args.small_runs,) * 2 if small else (args.runs, args.heap_runs)
        row.update(spawn(*extra, "engine", name, str(runs)))
        big = int(row["n"]) >= 1_000_000  # type: ignore[call-overload]
        row.update(spawn(*extra, "heap", name, str(1 if big else heap_runs)))
        row["ratio"] = float(row["heap_s"]) / float(row["engine_s"])  # type: ignore[arg-type]
        row["load"] = os.getloadavg()
        rows.append(row)
        print(f"{name:>14} n={row['n']:>9,} entries={row['entries']:>11,}: engine "
              f"{row['engine_s']:.3f} s, verify {row['verify_s']:.3f} s, heap DA "
              f"{row['heap_s']:.2f} s ({row['ratio']:.1f}x; in turn {row['ratio_paired']:.1f}x), "
              f"identical={row['identical']}, digest "
              f"{row['digest_s']:.2f} s, "
              f"violations {row['violations']}, peak RSS {row['rss_peak_mb']:.0f} MB, "
              f"first calls {row['compile_and_first_calls_s']:.1f} s, load "
              f"{row['load'][0]:.2f}", flush=True)  # type: ignore[index]  # fmt: skip
    if args.matching:
        for m in (5_000, 10_000):
            r = spawn("--child", "matching", str(m), "1")
            rows.append(r)
            print(f"vs matching n={m:,}: engine {r['engine_s']:.3f} s, matching "
                  f"{r['matching_s']:.1f} s, {r['ratio']:.0f}x, identical={r['identical']}")  # fmt: skip
    RESULTS.mkdir(exist_ok=True)
    doc = {"command": COMMAND + " " + " ".join(sys.argv[1:]), "load_before": load_before,
           "load_after": os.getloadavg(), "rows": rows, "figures": figures_of(rows)}  # fmt: skip
    (RESULTS / f"{args.out}.json").write_text(json.dumps(doc, indent=2))


if __name__ == "__main__":
    main()

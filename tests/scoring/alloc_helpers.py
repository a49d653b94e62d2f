"""Builders and a slow reference allocator for the allocation-engine tests."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from fractions import Fraction

import numpy as np
from hypothesis import strategies as st

from scoring.allocation import (
    AllocationInput,
    FlatPreferences,
    GroupedPreferences,
    SchemeOrder,
)


def csr(lists: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    """(ptr, flat) of a list of lists."""
    ptr = np.concatenate(([0], np.cumsum([len(x) for x in lists]))).astype(np.int64)
    flat = np.array([v for x in lists for v in x], dtype=np.int64)
    return ptr, flat


def flat_input(
    keys: Sequence[Sequence[int]] | list[np.ndarray],
    prefs: Sequence[Sequence[int]],
    seats: Sequence[int],
    *,
    ties: str = "candidate_no",
    schemes: tuple[SchemeOrder, ...] | None = None,
    line_scheme: Sequence[int] | None = None,
    category: Sequence[int] | None = None,
    line_category: Sequence[int] | None = None,
    qualified: np.ndarray | None = None,
    failures: Sequence[tuple[int, int]] = (),
    ratio: Fraction = Fraction(1),
    candidate_no: Sequence[int] | None = None,
    excluded: Sequence[bool] | None = None,
) -> AllocationInput:
    """A flat batch from plain lists (one scheme built from ``keys`` unless ``schemes``)."""
    n, n_lines = len(prefs), len(seats)
    if schemes is None:
        schemes = (SchemeOrder(np.array(keys, dtype=np.int64).reshape(n, -1), ties=ties),)  # type: ignore[arg-type]
    ptr, lines = csr(prefs)
    codes = sorted({c * n_lines + line for c, line in failures})
    return AllocationInput(
        category=np.array(category if category is not None else [0] * n, dtype=np.int64),
        candidate_no=np.array(candidate_no if candidate_no is not None else range(1, n + 1)),
        schemes=schemes,
        qualified=qualified if qualified is not None else np.ones((len(schemes), n), bool),
        line_category=np.array(
            line_category if line_category is not None else [0] * n_lines, dtype=np.int64
        ),
        line_scheme=np.array(line_scheme if line_scheme is not None else [0] * n_lines, np.int64),
        free_seats=np.array(seats, dtype=np.int64),
        preferences=FlatPreferences(ptr, lines),
        ratio=ratio,
        requirement_failures=np.array(codes, dtype=np.int64),
        excluded=np.array(excluded, dtype=bool) if excluded is not None else None,
    )


def grouped_input(
    keys: Sequence[Sequence[int]],
    prefs: Sequence[Sequence[tuple[int, Sequence[int], bool]]],
    seats: Sequence[int],
    line_group: Sequence[int],
    *,
    ties: str = "candidate_no",
    program_rank: Sequence[int] | None = None,
    failures: Sequence[tuple[int, int]] = (),
    ratio: Fraction = Fraction(1),
    excluded: Sequence[bool] | None = None,
) -> AllocationInput:
    """A grouped batch: each preference is (group, [majors], adjust)."""
    n, n_lines = len(prefs), len(seats)
    ptr, groups = csr([[g for g, _, _ in p] for p in prefs])
    adjust = np.array([a for p in prefs for _, _, a in p], dtype=bool)
    mptr, majors = csr([list(m) for p in prefs for _, m, _ in p])
    codes = sorted({c * n_lines + line for c, line in failures})
    return AllocationInput(
        category=np.zeros(n, dtype=np.int64),
        candidate_no=np.arange(1, n + 1),
        schemes=(SchemeOrder(np.array(keys, dtype=np.int64).reshape(n, -1), ties=ties),),  # type: ignore[arg-type]
        qualified=np.ones((1, n), bool),
        line_category=np.zeros(n_lines, dtype=np.int64),
        line_scheme=np.zeros(n_lines, dtype=np.int64),
        free_seats=np.array(seats, dtype=np.int64),
        preferences=GroupedPreferences(ptr, groups, adjust, mptr, majors),
        ratio=ratio,
        line_group=np.array(line_group, dtype=np.int64),
        program_rank=np.array(program_rank, np.int64) if program_rank is not None else None,
        requirement_failures=np.array(codes, dtype=np.int64),
        excluded=np.array(excluded, dtype=bool) if excluded is not None else None,
    )


def lists_of(inp: AllocationInput) -> list[list[int]]:
    """Each candidate's list of targets (lines or groups)."""
    p = inp.preferences
    flat = p.groups if isinstance(p, GroupedPreferences) else p.lines
    return [flat[p.ptr[i] : p.ptr[i + 1]].tolist() for i in range(inp.n_candidates)]


def _rows(ptr: np.ndarray, perm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(new ptr, old entry ids in new order) of CSR rows taken in the order ``perm``."""
    parts = [np.arange(ptr[i], ptr[i + 1], dtype=np.int64) for i in perm]
    new_ptr = np.concatenate(([0], np.cumsum([len(x) for x in parts]))).astype(np.int64)
    return new_ptr, np.concatenate(parts + [np.zeros(0, np.int64)])


def permute_rows(inp: AllocationInput, perm: np.ndarray) -> AllocationInput:
    """The same batch (flat or grouped) with candidate rows reordered: row i = old row perm[i]."""
    p = inp.preferences
    ptr, taken = _rows(p.ptr, perm)
    prefs: FlatPreferences | GroupedPreferences
    if isinstance(p, GroupedPreferences):
        mptr, mtaken = _rows(p.major_ptr, taken)
        prefs = GroupedPreferences(ptr, p.groups[taken], p.adjust[taken], mptr, p.majors[mtaken])
    else:
        prefs = FlatPreferences(ptr, p.lines[taken])
    inverse = np.argsort(perm)
    fails = inp.requirement_failures
    codes = np.sort(inverse[fails // inp.n_lines] * inp.n_lines + fails % inp.n_lines)
    return dataclasses.replace(
        inp,
        category=inp.category[perm],
        candidate_no=inp.candidate_no[perm],
        schemes=tuple(dataclasses.replace(s, keys=s.keys[perm]) for s in inp.schemes),
        qualified=inp.qualified[:, perm],
        preferences=prefs,
        requirement_failures=codes.astype(np.int64),
        excluded=inp.excluded[perm] if inp.excluded is not None else None,
    )


@st.composite
def flat_instances(draw: st.DrawFn, max_n: int = 25, common: bool = False) -> AllocationInput:
    """Random small flat batches with ties, two schemes, two categories, requirements, ratio."""
    n = draw(st.integers(1, max_n))
    n_cat = draw(st.integers(1, 2))
    n_lines = draw(st.integers(n_cat, 6))
    line_category = [i % n_cat for i in range(n_lines)]
    category = draw(st.lists(st.integers(0, n_cat - 1), min_size=n, max_size=n))
    n_schemes = 1 if common else 2
    schemes = []
    for _ in range(n_schemes):
        width = draw(st.integers(1, 2))
        keys = draw(st.lists(st.integers(0, 4), min_size=n * width, max_size=n * width))
        choice_at = None if common else draw(st.sampled_from([None, 0, width]))
        schemes.append(
            SchemeOrder(
                np.array(keys, dtype=np.int64).reshape(n, width),
                choice_at=choice_at,
                choice_sign=draw(st.sampled_from([-1, 1])),
                ties=draw(st.sampled_from(["share", "candidate_no"])),
            )
        )
    line_scheme = [draw(st.integers(0, n_schemes - 1)) for _ in range(n_lines)]
    prefs = []
    for c in range(n):
        mine = [i for i in range(n_lines) if line_category[i] == category[c]]
        perm = draw(st.permutations(mine))
        prefs.append(perm[: draw(st.integers(0, len(mine)))])
    seats = draw(st.lists(st.integers(0, 4), min_size=n_lines, max_size=n_lines))
    qualified = np.array(
        draw(st.lists(st.booleans(), min_size=n_schemes * n, max_size=n_schemes * n))
    )
    qualified = qualified.reshape(n_schemes, n) | draw(st.booleans())
    failures = draw(
        st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n_lines - 1)), max_size=4)
    )
    ratio = draw(st.sampled_from([Fraction(1), Fraction(105, 100), Fraction(3, 2)]))
    numbers = draw(st.permutations(list(range(100, 100 + n))))
    return flat_input(
        [], prefs, seats, schemes=tuple(schemes), line_scheme=line_scheme, category=category,
        line_category=line_category, qualified=qualified, failures=failures, ratio=ratio,
        candidate_no=numbers,
    )  # fmt: skip


@st.composite
def grouped_instances(draw: st.DrawFn, max_n: int = 20) -> AllocationInput:
    """Random small grouped batches: 1-3 groups of 1-3 lines each."""
    n = draw(st.integers(1, max_n))
    sizes = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    line_group = [g for g, k in enumerate(sizes) for _ in range(k)]
    n_lines = len(line_group)
    seats = draw(st.lists(st.integers(0, 3), min_size=n_lines, max_size=n_lines))
    keys = draw(st.lists(st.integers(0, 5), min_size=n, max_size=n))
    prefs = []
    for _ in range(n):
        order = draw(st.permutations(list(range(len(sizes)))))
        k = draw(st.integers(0, len(sizes)))
        entry = []
        for g in order[:k]:
            members = [i for i in range(n_lines) if line_group[i] == g]
            majors = draw(st.permutations(members))[: draw(st.integers(1, len(members)))]
            entry.append((g, majors, draw(st.booleans())))
        prefs.append(entry)
    failures = draw(
        st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n_lines - 1)), max_size=3)
    )
    return grouped_input(
        [[k] for k in keys], prefs, seats, line_group,
        ties=draw(st.sampled_from(["share", "candidate_no"])), failures=failures,
        ratio=draw(st.sampled_from([Fraction(1), Fraction(3, 2)])),
    )  # fmt: skip


def _order_key(
    inp: AllocationInput, c: int, line: int, pos: int, cno: list[int]
) -> tuple[int, ...]:
    scheme = inp.schemes[int(inp.line_scheme[line])]
    cols = [int(v) for v in scheme.keys[c]]
    if scheme.choice_at is not None:
        cols.insert(scheme.choice_at, scheme.choice_sign * pos)
    if scheme.ties == "candidate_no":
        cols.append(-cno[c])
    return tuple(cols)


def reference_flat(inp: AllocationInput) -> list[int]:
    """Slow textbook DA (one proposal at a time) on a flat batch: line per candidate or -1."""
    n = inp.n_candidates
    ranks = sorted(range(n), key=lambda i: inp.candidate_no[i])
    cno = [0] * n
    for r, i in enumerate(ranks):
        cno[i] = r
    fails = set(inp.requirement_failures.tolist())
    lists: list[list[tuple[int, int]]] = []
    for c, lines in enumerate(lists_of(inp)):
        ok = [
            (line, pos)
            for pos, line in enumerate(lines, 1)
            if inp.qualified[inp.line_scheme[line], c]
            and c * inp.n_lines + line not in fails
            and not (inp.excluded is not None and inp.excluded[c])
        ]
        lists.append(ok)
    cap = [int(s * inp.ratio.numerator // inp.ratio.denominator) for s in inp.free_seats]
    held: dict[int, list[tuple[tuple[int, ...], int]]] = {i: [] for i in range(inp.n_lines)}
    nxt, out, queue = [0] * n, [-1] * n, list(range(n))
    while queue:
        c = queue.pop()
        if nxt[c] >= len(lists[c]):
            continue
        line, pos = lists[c][nxt[c]]
        pool = sorted(held[line] + [(_order_key(inp, c, line, pos, cno), c)], reverse=True)
        k = cap[line]
        share = inp.schemes[int(inp.line_scheme[line])].ties == "share"
        keep = [
            x
            for i, x in enumerate(pool)
            if i < k or (share and k > 0 and len(pool) >= k and x[0] == pool[k - 1][0])
        ]
        held[line] = keep
        kept = {d for _, d in keep}
        for _, d in pool:
            if d in kept:
                out[d] = line
            else:
                out[d] = -1
                nxt[d] += 1
                queue.append(d)
    return out

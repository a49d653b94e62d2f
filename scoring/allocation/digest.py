"""A digest of an allocation input that ignores the row order of candidates."""

from __future__ import annotations

import hashlib

import numpy as np

from .model import AllocationInput, GroupedPreferences, IntArray


def _csr_in_order(ptr: IntArray, order: IntArray) -> tuple[IntArray | None, IntArray]:
    """Entry indices of a CSR list re-ordered by candidate ``order`` (None: unchanged), and the
    new ptr."""
    if order.shape[0] == ptr.shape[0] - 1 and bool(np.all(order[1:] > order[:-1])):
        return None, ptr  # already in order
    lengths = np.diff(ptr)[order]
    new_ptr = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    starts = np.repeat(ptr[:-1][order] - new_ptr[:-1], lengths)
    return np.arange(int(new_ptr[-1]), dtype=np.int64) + starts, new_ptr


def input_digest(inp: AllocationInput, cno_rank: IntArray) -> str:
    """SHA-256 over the input with candidates sorted by candidate number (lines by id)."""
    order = np.argsort(cno_rank, kind="stable")
    h = hashlib.sha256()

    def put(tag: str, arr: np.ndarray) -> None:
        h.update(tag.encode())
        h.update(str(arr.shape).encode())
        if arr.dtype.kind in "iu":
            arr = arr.astype(np.int64, copy=False)
        h.update(np.ascontiguousarray(arr).data.cast("B"))  # the bytes, not a copy

    put("cno", np.sort(inp.candidate_no))
    put("cat", inp.category[order])
    keys = [s.keys for s in inp.schemes]
    small = len(keys) * inp.n_candidates <= 2_000_000  # many small matrices: one gather
    if small and len(keys) > 8 and len({k.shape for k in keys}) == 1:
        keys = list(np.stack(keys).astype(np.int64, copy=False)[:, order])
    else:
        keys = [k[order].astype(np.int64) for k in keys]
    for i, s in enumerate(inp.schemes):
        put(f"s{i}{s.choice_at}{s.choice_sign}{s.ties}", keys[i])
    put("q", inp.qualified[:, order])
    put("lines", np.stack((inp.line_category, inp.line_scheme, inp.free_seats)).astype(np.int64))
    h.update(f"ratio{inp.ratio}".encode())
    if inp.line_group is not None:
        put("lg", inp.line_group)
    if inp.program_rank is not None:
        put("pr", inp.program_rank)
    excluded = inp.excluded if inp.excluded is not None else np.zeros(inp.n_candidates, bool)
    put("x", excluded[order])
    fails = inp.requirement_failures
    pairs = np.sort(
        cno_rank[fails // max(inp.n_lines, 1)] * max(inp.n_lines, 1) + fails % max(inp.n_lines, 1)
    )
    put("req", pairs)
    prefs = inp.preferences
    idx, ptr = _csr_in_order(prefs.ptr, order)
    put("ptr", ptr)
    in_order = idx is None
    if in_order and not isinstance(prefs, GroupedPreferences):
        put("l", prefs.lines)
    elif in_order and isinstance(prefs, GroupedPreferences):
        put("g", prefs.groups)
        put("a", prefs.adjust)
        put("mptr", prefs.major_ptr)
        put("m", prefs.majors)
    elif isinstance(prefs, GroupedPreferences):
        assert idx is not None
        put("g", prefs.groups[idx])
        put("a", prefs.adjust[idx])
        midx, mptr = _csr_in_order(prefs.major_ptr, idx)
        put("mptr", mptr)
        put("m", prefs.majors if midx is None else prefs.majors[midx])
    else:
        assert idx is not None
        put("l", prefs.lines[idx])
    return h.hexdigest()

"""Validate an allocation input and build the eligible entries each candidate proposes with."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .model import (
    AllocationInput,
    AllocationInputError,
    BoolArray,
    FlatPreferences,
    GroupedPreferences,
    IntArray,
)


@dataclass(frozen=True)
class Entries:
    """Every listed entry, flattened, with its target (line or group) and eligibility flags.

    ``qualified`` / ``meets`` are None when every entry is qualified / meets requirements
    (a million candidates x 30 choices: arrays that are not needed are not built).
    """

    ptr: IntArray  # the candidates' CSR offsets
    target: IntArray  # plan line (flat) or group (grouped)
    qualified: BoolArray | None  # qualified under the target's scheme
    meets: BoolArray | None  # meets the line's requirements (always for groups)

    @cached_property
    def cand(self) -> IntArray:
        """Candidate of each entry."""
        return np.repeat(np.arange(self.ptr.shape[0] - 1, dtype=np.int64), np.diff(self.ptr))

    def choice(self, cand: IntArray, entry: IntArray) -> IntArray:
        """1-based position of each entry in its candidate's list as submitted."""
        return entry - self.ptr[cand] + 1


def _fail(message: str) -> AllocationInputError:
    return AllocationInputError(message)


def check_shapes(inp: AllocationInput) -> None:
    """Raise AllocationInputError for inconsistent array shapes and ids."""
    n, n_lines = inp.n_candidates, inp.n_lines
    if inp.candidate_no.shape[0] != n:
        raise _fail("candidate_no length differs from candidates / 考生号数量与考生数不一致")
    if inp.qualified.shape != (len(inp.schemes), n):
        raise _fail("qualified must be (n_schemes, n_candidates) / 资格矩阵形状错误")
    for s in inp.schemes:
        if s.keys.shape[0] != n or s.keys.ndim != 2:
            raise _fail("scheme keys must be (n_candidates, k) / 排序键矩阵形状错误")
        if s.choice_at is not None and not 0 <= s.choice_at <= s.keys.shape[1]:
            raise _fail("choice_at out of range / 志愿序号位置超出范围")
        if s.ties not in ("share", "candidate_no"):
            raise _fail(f"unknown ties policy {s.ties!r} / 未知的同分规则")
    for name in ("line_scheme", "free_seats"):
        if getattr(inp, name).shape[0] != n_lines:
            raise _fail(f"{name} length differs from plan lines / 计划行数量不一致")
    if n_lines and (inp.line_scheme.min() < 0 or inp.line_scheme.max() >= len(inp.schemes)):
        raise _fail("line_scheme refers to an unknown scheme / 计划引用了不存在的计分方案")
    if n_lines and inp.free_seats.min() < 0:
        raise _fail("free seats must be >= 0 / 剩余计划数不能为负")
    if inp.ratio <= 0:
        raise _fail("dispatch ratio must be positive / 投档比例必须为正")
    if inp.excluded is not None and inp.excluded.shape[0] != n:
        raise _fail("excluded length differs from candidates / 排除名单长度不一致")
    prefs = inp.preferences
    grouped_lines = inp.line_group is not None and bool(np.any(inp.line_group >= 0))
    if grouped_lines and not isinstance(prefs, GroupedPreferences):
        raise _fail("lines have groups but preferences are flat / 计划分专业组，志愿却按专业填报")
    if prefs.ptr.shape[0] != n + 1 or prefs.ptr[0] != 0 or np.any(np.diff(prefs.ptr) < 0):
        raise _fail("preference ptr must be n+1 non-decreasing offsets from 0 / 志愿索引错误")


def flat_entries(inp: AllocationInput) -> Entries:
    """Entries of a flat batch: one per listed plan line."""
    prefs = inp.preferences
    if not isinstance(prefs, FlatPreferences):
        raise _fail("flat batch needs flat preferences / 平行志愿批次需要按专业填报的志愿")
    ptr, lines = np.ascontiguousarray(prefs.ptr, dtype=np.int64), prefs.lines
    if lines.shape[0] != ptr[-1]:
        raise _fail("preference lines length differs from ptr / 志愿数量与索引不一致")
    lines = np.ascontiguousarray(lines, dtype=np.int64)
    _check_targets(
        inp.category,
        ptr,
        lines,
        inp.line_category,
        "a preference names an unknown plan line / 志愿中有不存在的计划",
    )
    entries = Entries(ptr, lines, None, None)
    qualified = _qualified(inp, entries, inp.line_scheme)
    meets = None
    if inp.requirement_failures.size:
        from . import kernel

        fails = np.asarray(inp.requirement_failures, dtype=np.int64)
        meets = ~kernel.failing_entries(ptr, lines, fails, inp.n_lines)
    return Entries(ptr, entries.target, qualified, meets)


def _outside(row_category: IntArray, ptr: IntArray, targets: IntArray, t_category: IntArray) -> int:
    """0 if every entry names an existing target of its row's category, 1 for an unknown target,
    2 for a target of another category (one compiled pass)."""
    from . import kernel

    def arr(a: IntArray) -> IntArray:
        return np.ascontiguousarray(a, dtype=np.int64)

    return int(
        kernel.targets_outside(
            arr(ptr), arr(targets), arr(row_category), arr(t_category), t_category.shape[0]
        )
    )


def _check_targets(
    category: IntArray, ptr: IntArray, targets: IntArray, t_category: IntArray, unknown: str
) -> None:
    """Every entry names an existing target of its candidate's category."""
    bad = _outside(category, ptr, targets, t_category)
    if bad == 1:
        raise _fail(unknown)
    if bad == 2:
        raise _fail("a preference names a line of another category / 志愿中有其他专业类别的计划")


def _qualified(inp: AllocationInput, entries: Entries, t_scheme: IntArray) -> BoolArray | None:
    """Qualified under each entry's scheme (None: everyone is qualified everywhere)."""
    if inp.qualified.all():
        return None
    return np.asarray(inp.qualified[t_scheme[entries.target], entries.cand], dtype=bool)


@dataclass(frozen=True)
class Groups:
    """Groups of a grouped batch: category, scheme, capacity base and member lines (CSR)."""

    category: IntArray
    scheme: IntArray
    free_seats: IntArray
    line_ptr: IntArray
    lines: IntArray  # lines of each group, by program rank


def build_groups(inp: AllocationInput) -> Groups:
    """Collect each group's lines; they must share category and scheme."""
    if inp.line_group is None or inp.line_group.shape[0] != inp.n_lines:
        raise _fail("grouped batch needs line_group per line / 专业组批次需要每条计划的专业组")
    if inp.n_lines and inp.line_group.min() < 0:
        raise _fail("every line of a grouped batch needs a group / 每条计划都需要专业组")
    rank = inp.program_rank if inp.program_rank is not None else np.arange(inp.n_lines)
    n_groups = int(inp.line_group.max(initial=-1)) + 1
    order = np.lexsort((np.arange(inp.n_lines), rank, inp.line_group))
    g = inp.line_group[order]
    ptr = np.searchsorted(g, np.arange(n_groups + 1)).astype(np.int64)
    category = np.full(n_groups, -1, dtype=np.int64)
    scheme = np.full(n_groups, -1, dtype=np.int64)
    category[g], scheme[g] = inp.line_category[order], inp.line_scheme[order]
    if np.any(category[g] != inp.line_category[order]) or np.any(
        scheme[g] != inp.line_scheme[order]
    ):
        raise _fail(
            "lines of one group differ in category or scheme / 同一专业组的类别或方案不一致"
        )
    seats = np.bincount(g, weights=inp.free_seats[order], minlength=n_groups).astype(np.int64)
    return Groups(category, scheme, seats, ptr, order.astype(np.int64))


def grouped_entries(inp: AllocationInput, groups: Groups) -> Entries:
    """Entries of a grouped batch: one per listed group; majors must belong to it."""
    prefs = inp.preferences
    assert isinstance(prefs, GroupedPreferences)
    gs, n_groups = prefs.groups, groups.category.shape[0]
    if gs.shape[0] != prefs.ptr[-1] or prefs.adjust.shape[0] != gs.shape[0]:
        raise _fail("group preference arrays differ in length / 专业组志愿数组长度不一致")
    if gs.size and (gs.min() < 0 or gs.max() >= n_groups):
        raise _fail("a preference names an unknown group / 志愿中有不存在的专业组")
    if prefs.major_ptr.shape[0] != gs.shape[0] + 1 or prefs.majors.shape[0] != prefs.major_ptr[-1]:
        raise _fail("major arrays inconsistent / 专业志愿数组不一致")
    assert inp.line_group is not None
    gs = np.ascontiguousarray(gs, dtype=np.int64)
    ptr = np.ascontiguousarray(prefs.ptr, dtype=np.int64)
    _check_targets(
        inp.category,
        ptr,
        gs,
        groups.category,
        "a preference names an unknown group / 志愿中有不存在的专业组",
    )
    bad = _outside(gs, prefs.major_ptr, prefs.majors, inp.line_group)
    if bad == 1:
        raise _fail("a listed major is not a plan line / 所填专业不存在")
    if bad == 2:
        raise _fail("a listed major is not in its group / 所填专业不属于该专业组")
    entries = Entries(ptr, gs, None, None)
    return Entries(ptr, gs, _qualified(inp, entries, groups.scheme), None)

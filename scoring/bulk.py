"""Bulk path: composite, qualification and control lines for a whole exam from columnar data.

Input: a ``pandas.DataFrame`` with one column per component code (numbers, grade letters for
graded components; NaN/None = absent), optional ``credit_<code>`` columns (credited scores) and an
optional ``bonus`` column and an optional ``candidate_type`` column (考生类型, read by the
``type_…`` indicator names; absent = no type, every indicator 0).  Numbers may carry at most ``decimals`` places (default 2).

:func:`bulk_compute` returns a :class:`BulkResult`: exact scaled-integer ``raw_total``/``bonus``/
``total``, the ``qualified`` mask with the index of the first failed condition, the tie-break
columns and the absent count.  Results equal :func:`scoring.composite.compute_candidate` on every
row (property-tested).  :func:`bulk_lines` evaluates a batch's control lines;
:func:`qualify_reasons` and :func:`row_env` give one row's readable reasons and exact values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from scoring.composite import ScoreError, explain_failure
from scoring.expr import holds
from scoring.rules_model import TYPE_NAMES, Component, Rules
from scoring.vector import (
    BoolArray,
    Column,
    IntArray,
    ObjArray,
    combine,
    round_half_up,
    truth,
    value,
)

if TYPE_CHECKING:  # pandas loads when scores are computed, not with the rules
    import pandas as pd  # type: ignore[import-untyped]


@dataclass(frozen=True)
class BulkResult:
    """Exact results of one scheme for n candidates (values are ``ints * 10**-scale``)."""

    scheme: str
    raw_total: Column
    bonus: Column
    total: Column
    qualified: BoolArray
    first_failure: IntArray
    tiebreak: tuple[Column | None, ...]
    absent_count: IntArray
    env: dict[str, Column]

    def __len__(self) -> int:
        return len(self.qualified)

    def totals(self) -> ObjArray:
        """Totals as ``Decimal`` objects (slow for millions; for display and tests)."""
        return self.total.decimals()

    def to_frame(self) -> pd.DataFrame:
        """raw_total, bonus, total (Decimal), qualified, first_failure, absent_count."""
        import pandas as pd

        return pd.DataFrame({
            "raw_total": self.raw_total.decimals(), "bonus": self.bonus.decimals(),
            "total": self.total.decimals(), "qualified": self.qualified,
            "first_failure": self.first_failure, "absent_count": self.absent_count,
        })  # fmt: skip


def _scaled(series: pd.Series, decimals: int, label: str) -> tuple[IntArray, BoolArray]:
    """Exact scaled integers and a presence mask; refuses more decimals than allowed."""
    import pandas as pd

    present = series.notna().to_numpy()
    factor = 10**decimals
    if pd.api.types.is_numeric_dtype(series.dtype):
        x = series.to_numpy(dtype=np.float64, na_value=0.0)
        scaled = x * factor
        ints = np.rint(scaled)
        # a float carrying more places than allowed is refused, never silently rounded
        if np.any(np.abs(ints - scaled) > np.maximum(1e-6, np.abs(scaled) * 1e-12)):
            raise ScoreError(f"{label}: 小数位数超过 {decimals} 位")
        return ints.astype(np.int64), present
    out = np.zeros(len(series), dtype=np.int64)
    for i, v in enumerate(series.to_numpy(dtype=object)):
        if present[i]:
            d = Decimal(str(v)).scaleb(decimals)
            if d != d.to_integral_value():
                raise ScoreError(f"{label}: {v} 小数位数超过 {decimals} 位")
            out[i] = int(d)
    return out, present


def _graded(series: pd.Series, comp: Component, decimals: int) -> tuple[IntArray, BoolArray]:
    present = series.notna().to_numpy()
    letters = series.astype(object).where(series.notna(), "").astype(str).str.strip().str.upper()
    table = {k: int(v.scaleb(decimals)) for k, v in comp.grades}
    bad = present & ~letters.isin(list(table)).to_numpy()
    if bad.any():
        raise ScoreError(f"{comp.name}: 等级 '{series[bad].iloc[0]}' 不存在")
    return letters.map(table).fillna(0).to_numpy(dtype=np.int64), present


def _component(frame: pd.DataFrame, comp: Component, decimals: int) -> tuple[Column, IntArray]:
    """Effective scores (max of sat and credited, absent = 0) and the absent mask as 0/1."""
    n = len(frame)
    cap = int(comp.max.scaleb(decimals))
    if comp.code in frame:
        conv = _graded if comp.graded else None
        sat, present = (conv(frame[comp.code], comp, decimals) if conv
                        else _scaled(frame[comp.code], decimals, comp.name))  # fmt: skip
    else:
        sat, present = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool)
    credit_col = f"credit_{comp.code}"
    if credit_col in frame:
        cred, has = _scaled(frame[credit_col], decimals, comp.name)
        sat, present = (
            np.where(has, np.maximum(np.where(present, sat, cred), cred), sat),
            present | has,
        )
    if np.any(sat[present] < 0) or np.any(sat[present] > cap):
        raise ScoreError(f"{comp.name}: 分数不在 0–{comp.max} 之间")
    return Column(np.where(present, sat, 0), decimals, cap), (~present).astype(np.int64)


def bulk_compute(
    rules: Rules,
    scheme_code: str,
    frame: pd.DataFrame | Mapping[str, Sequence[object] | npt.NDArray[Any]],
    *,
    decimals: int = 2,
) -> BulkResult:
    """Compute, qualify and collect tie-breaks for every row of ``frame`` (a DataFrame or a
    mapping of column name → array) under one scheme."""
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        frame = pd.DataFrame(dict(frame))
    scheme = rules.scheme(scheme_code)
    known = {c.code for c in rules.components}
    allowed = known | {f"credit_{c}" for c in known} | {"bonus", "category", "candidate_no",
                                                       "candidate_type"}  # fmt: skip
    unknown = set(frame.columns) - allowed
    if unknown:
        raise ScoreError(f"未知列：{', '.join(sorted(map(str, unknown)))}")
    n = len(frame)
    env: dict[str, Column] = {}
    absent = np.zeros(n, dtype=np.int64)
    groups = {
        g: Column(np.zeros(n, dtype=np.int64), decimals, 0) for g in ("culture", "vocational")
    }
    for comp in rules.components:
        col, miss = _component(frame, comp, decimals)
        env[comp.code], absent = col, absent + miss
        g = groups[comp.group]
        assert g.ints is not None and col.ints is not None
        groups[comp.group] = Column(g.ints + col.ints, decimals, g.bound + col.bound)
    env.update(groups)
    if any(
        TYPE_NAMES.keys() & e.names for e in (scheme.formula, *scheme.qualify, *scheme.tiebreak)
    ):
        env.update(_type_flags(frame, decimals))  # only when read: no cost for other schemes
    raw = round_half_up(value(scheme.formula.root, env, n), scheme.decimals)
    bonus = _bonus(frame, scheme.bonus_cap, decimals)
    total = value_sum(raw, bonus)
    env.update(raw_total=raw, bonus=bonus, total=total)
    qualified, first = _qualify(scheme.qualify, env, n)
    tiebreak = tuple(
        None if "choice" in e.names else value(e.root, env, n) for e in scheme.tiebreak
    )
    return BulkResult(scheme.code, raw, bonus, total, qualified, first, tiebreak, absent, env)


def _type_flags(frame: pd.DataFrame, decimals: int) -> dict[str, Column]:
    """The candidate-type indicators (1 for the row's own type, else 0) as exact columns."""
    one = 10**decimals
    if "candidate_type" in frame:
        types = frame["candidate_type"].to_numpy(dtype=object)
    else:
        types = np.full(len(frame), "", dtype=object)
    return {
        name: Column((types == label).astype(np.int64) * one, decimals, one)
        for name, label in TYPE_NAMES.items()
    }


def value_sum(a: Column, b: Column) -> Column:
    """Exact sum of two columns."""
    return combine("+", a, b)


def _bonus(frame: pd.DataFrame, cap: Decimal, decimals: int) -> Column:
    n = len(frame)
    exp = cap.as_tuple().exponent
    scale = max(decimals, -int(exp) if isinstance(exp, int) else 0)
    cap_int = int(cap.scaleb(scale))
    if "bonus" not in frame:
        return Column(np.zeros(n, dtype=np.int64), scale, 0)
    ints, present = _scaled(frame["bonus"], decimals, "加分")
    if np.any(ints < 0):
        raise ScoreError("加分不能为负数")
    ints = np.where(present, ints, 0) * np.int64(10 ** (scale - decimals))
    return Column(np.minimum(ints, cap_int), scale, cap_int)


def _qualify(
    conds: tuple[object, ...], env: dict[str, Column], n: int
) -> tuple[BoolArray, IntArray]:
    ok = np.ones(n, dtype=bool)
    first = np.full(n, -1, dtype=np.int64)
    for i, cond in enumerate(conds):
        passed = truth(cond.root, env, n)  # type: ignore[attr-defined]
        first = np.where(ok & ~passed, i, first)
        ok &= passed
    return ok, first


def bulk_lines(
    rules: Rules, batch_code: str, categories: pd.Series, result: BulkResult
) -> BoolArray:
    """True where a candidate clears the batch's control lines for their category."""
    import pandas as pd

    batch = rules.batch(batch_code)
    if result.scheme != batch.scheme:
        raise ValueError(f"batch {batch_code} uses scheme {batch.scheme}, not {result.scheme}")
    codes, uniques = pd.factorize(categories.to_numpy(dtype=object))
    n = len(result)
    out = np.ones(n, dtype=bool)
    by_conds: dict[tuple[object, ...], list[int]] = {}
    for i, cat in enumerate(uniques):
        by_conds.setdefault(batch.lines_for(str(cat)), []).append(i)
    for conds, members in by_conds.items():
        if not conds:
            continue
        passed = np.ones(n, dtype=bool)
        for cond in conds:
            passed &= truth(cond.root, result.env, n)  # type: ignore[attr-defined]
        rows = np.isin(codes, np.asarray(members, dtype=np.int64))
        out[rows] = passed[rows]
    return out


def row_env(result: BulkResult, i: int) -> dict[str, Decimal]:
    """Every expression name's exact value for row ``i`` (as the per-candidate path sees it)."""
    return {name: col.at(i) for name, col in result.env.items()}


def qualify_reasons(rules: Rules, result: BulkResult, i: int) -> tuple[str, ...]:
    """The readable reason of each failed ``qualify`` condition of row ``i`` ("技能操作 290 < 294")."""
    env = row_env(result, i)
    conds = rules.scheme(result.scheme).qualify
    return tuple(explain_failure(rules, c, env) for c in conds if not holds(c.root, env))

"""Order, rank (位次) and the score-rank table (一分一段), as docs/rules-reference.md.

CONTRACT with the allocation engine — :func:`order_keys` returns :class:`OrderKeys`:

* ``keys``: int64 array (n, k); column 0 is ``total``, then each ``tiebreak`` expression of the
  scheme EXCEPT ``choice``, in order.  Compare rows lexicographically, HIGHER IS BETTER.  Each
  column is dense-ranked (0 = lowest) so values are small ints, exactly: equal Decimals give equal
  ints, a larger Decimal a larger int.
* ``choice_at``: the column index at which the allocator inserts the preference-position key when
  the tiebreak chain contains ``choice`` (None otherwise); ``choice_sign`` is -1 for ``-choice``
  (listed earlier wins), +1 for ``choice`` (listed later wins), 0 when absent.
* ``ties``: ``"share"`` or ``"candidate_no"``; the allocator appends the candidate-number key.

Rank: :func:`rank_keys` = 1 + the number of candidates of the same category strictly ahead on
``keys`` (choice and ties excluded); equal rows share a rank.  :func:`rank_composites` is the
exact per-candidate equivalent.  :func:`score_rank_table`: row ``s`` counts s ≤ total < s + 1.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np

from scoring.bulk import BulkResult
from scoring.composite import Composite
from scoring.rules_model import CHOICE, Rules
from scoring.vector import Column, IntArray

if TYPE_CHECKING:  # pandas loads when a rank table is built, not with the rules
    import pandas as pd  # type: ignore[import-untyped]


@dataclass(frozen=True)
class OrderKeys:
    """Dense-ranked order keys of one scheme (see the module docstring for the contract)."""

    keys: IntArray
    choice_at: int | None
    choice_sign: int
    ties: str


def dense_rank(values: Column | Sequence[Decimal]) -> IntArray:
    """Dense ranks (0 = lowest) of exact values: equal values share an int."""
    if isinstance(values, Column):
        data = values.ints if values.ints is not None else values.decimals()
    else:
        data = np.asarray(list(values), dtype=object)
    if len(data) == 0:
        return np.zeros(0, dtype=np.int64)
    if data.dtype == np.int64:
        low, high = int(data.min()), int(data.max())
        if high - low < 4 * len(data) + 1024:  # small range: counting beats sorting
            seen = np.zeros(high - low + 1, dtype=bool)
            offsets = data - low
            seen[offsets] = True
            return (np.cumsum(seen, dtype=np.int64) - 1)[offsets]
    inverse = np.unique(data, return_inverse=True)[1]
    return np.asarray(inverse, dtype=np.int64).reshape(-1)


def _choice(rules: Rules, scheme_code: str) -> tuple[int | None, int]:
    at = 1
    for expr in rules.scheme(scheme_code).tiebreak:
        if CHOICE in expr.names:
            return at, (-1 if expr.source.strip().startswith("-") else 1)
        at += 1
    return None, 0


def order_keys(
    rules: Rules, scheme_code: str, results: BulkResult | Sequence[Composite]
) -> OrderKeys:
    """Order keys of ``results`` (a bulk result or per-candidate composites) under a scheme."""
    scheme = rules.scheme(scheme_code)
    columns: list[IntArray] = []
    if isinstance(results, BulkResult):
        if results.scheme != scheme_code:
            raise ValueError(
                f"results were computed with scheme {results.scheme}, not {scheme_code}"
            )
        columns.append(dense_rank(results.total))
        columns.extend(dense_rank(col) for col in results.tiebreak if col is not None)
    else:
        if any(c.scheme != scheme_code for c in results):
            raise ValueError(f"results were not all computed with scheme {scheme_code}")
        columns.append(dense_rank([c.total for c in results]))
        for j, expr in enumerate(scheme.tiebreak):
            if CHOICE not in expr.names:
                columns.append(dense_rank([c.tiebreak[j] or Decimal(0) for c in results]))
    n = len(results)
    keys = np.stack(columns, axis=1) if n else np.zeros((0, len(columns)), dtype=np.int64)
    at, sign = _choice(rules, scheme_code)
    return OrderKeys(keys.astype(np.int64), at, sign, scheme.ties)


def rank_keys(keys: IntArray, categories: Sequence[str] | np.ndarray | pd.Series) -> IntArray:
    """位次 per category: 1 + the number of the same category strictly ahead on ``keys``."""
    n = keys.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    import pandas as pd

    cat_codes = pd.factorize(np.asarray(categories, dtype=object))[0].astype(np.int64)
    order = _descending_order(keys, cat_codes)
    sk, sc = keys[order], cat_codes[order]
    new_cat = np.r_[True, sc[1:] != sc[:-1]]
    new_key = new_cat | np.r_[True, np.any(sk[1:] != sk[:-1], axis=1)]
    idx = np.arange(n)
    cat_start = np.maximum.accumulate(np.where(new_cat, idx, 0))
    key_start = np.maximum.accumulate(np.where(new_key, idx, 0))
    ranks = np.empty(n, dtype=np.int64)
    ranks[order] = key_start - cat_start + 1
    return ranks


def _descending_order(keys: IntArray, cat_codes: IntArray) -> IntArray:
    """Rows by category, then keys high-to-low; one packed int64 sort when the ranges fit."""
    columns = [cat_codes] + [int(keys[:, j].max()) - keys[:, j] for j in range(keys.shape[1])]
    packed = np.zeros(len(cat_codes), dtype=np.int64)
    room = 1
    for col in columns:
        width = int(col.max()) + 1
        room *= width
        if room >= 2**62:
            return np.lexsort(columns[::-1])
        packed = packed * np.int64(width) + col
    return np.argsort(packed, kind="stable")


def rank_composites(composites: Sequence[Composite], categories: Sequence[str]) -> list[int]:
    """Exact 位次 by sorting Decimal tuples (the per-candidate reference path)."""

    def key(c: Composite) -> tuple[Decimal, ...]:
        return (c.total, *(v for v in c.tiebreak if v is not None))

    ranks = [0] * len(composites)
    by_cat: dict[str, list[int]] = {}
    for i, cat in enumerate(categories):
        by_cat.setdefault(cat, []).append(i)
    for rows in by_cat.values():
        rows.sort(key=lambda i: key(composites[i]), reverse=True)
        for pos, i in enumerate(rows):
            prev = rows[pos - 1] if pos else None
            same = prev is not None and key(composites[prev]) == key(composites[i])
            ranks[i] = ranks[prev] if same and prev is not None else pos + 1
    return ranks


def rank_category(
    rules: Rules, results: BulkResult, categories: Sequence[str] | pd.Series
) -> IntArray:
    """位次 of every candidate under the headline scheme (``results`` must use it)."""
    if results.scheme != rules.ranking_scheme:
        raise ValueError(
            f"rank uses the headline scheme {rules.ranking_scheme}, not {results.scheme}"
        )
    return rank_keys(order_keys(rules, results.scheme, results).keys, categories)


def _floors(totals: Column | Sequence[Decimal]) -> IntArray:
    if isinstance(totals, Column) and totals.ints is not None:
        return np.floor_divide(totals.ints, np.int64(10**totals.scale))
    values = totals.decimals() if isinstance(totals, Column) else totals
    return np.asarray([math.floor(v) for v in values], dtype=np.int64)


def score_rank_table(
    totals: Column | Sequence[Decimal], categories: Sequence[str] | pd.Series
) -> pd.DataFrame:
    """一分一段: per category, every whole score from the top down to the lowest present, with
    the count at that score (s ≤ total < s+1) and the cumulative count at or above it."""
    import pandas as pd

    floors = _floors(totals)
    cats = np.asarray(categories, dtype=object)
    parts = []
    for cat in sorted(pd.unique(cats)):
        f = floors[cats == cat]
        top, low = int(f.max()), int(f.min())
        counts = np.bincount(top - f, minlength=top - low + 1)
        parts.append(pd.DataFrame({
            "category": cat, "score": np.arange(top, low - 1, -1, dtype=np.int64),
            "count": counts.astype(np.int64), "cumulative": np.cumsum(counts).astype(np.int64),
        }))  # fmt: skip
    if not parts:
        return pd.DataFrame({"category": [], "score": [], "count": [], "cumulative": []})
    return pd.concat(parts, ignore_index=True)

"""How the engine's loops are compiled (numba) and where their machine code is kept.

Compiled code is cached on disk so that a process does not compile again what another already
did. numba takes the first folder it can write of: ``NUMBA_CACHE_DIR`` when it is set, next to
the source (``__pycache__``), the user's cache folder. A production install is often read-only to
the service account and that account has no writable home: then, without ``NUMBA_CACHE_DIR``, no
place is left, and numba refuses to build a cached function at all. Here such a function is compiled without a
cache instead (in each process, before its first call), named in ``UNCACHED`` and logged, so the
allocation still runs and ``flask --app wsgi doctor`` can say what to set.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger(__name__)

# Compiled functions that have no place to keep their machine code (module.name).
UNCACHED: list[str] = []


def jit(fn: F) -> F:
    """``fn`` compiled in nopython mode without the GIL, cached on disk where numba can write."""
    try:
        return cast(F, numba.njit(cache=True, nogil=True)(fn))
    except RuntimeError as error:
        if "no locator available" not in str(error):
            raise
    name = f"{fn.__module__}.{fn.__qualname__}"
    if not UNCACHED:
        log.warning(
            "compiled code cannot be cached (%s): set NUMBA_CACHE_DIR to a folder the service "
            "can write; until then each process compiles before its first allocation",
            name,
        )
    UNCACHED.append(name)
    return cast(F, numba.njit(nogil=True)(fn))

"""Messages worded for who reads them: a page never names a command; the command line may.

A service writes one message for everyone and adds ``command_hint("scores compute SD2026CK")``
where a command-line user needs the command: the hint reads ``（命令行：scores compute SD2026CK）``
while a command runs (``admissions.cli`` wraps each command in ``command_line()``) and is empty
everywhere else (pages, the API, and background jobs, whose messages a page shows).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_COMMAND_LINE: ContextVar[bool] = ContextVar("command_line", default=False)


def command_hint(command: str) -> str:
    """``（命令行：COMMAND）`` while a command runs; ``""`` on a page."""
    return f"（命令行：{command}）" if _COMMAND_LINE.get() else ""


@contextmanager
def command_line(on: bool = True) -> Iterator[None]:
    """Word the messages of the block for the command line (``on=False``: for a page, as a
    background job does even when a command-line worker runs it)."""
    token = _COMMAND_LINE.set(on)
    try:
        yield
    finally:
        _COMMAND_LINE.reset(token)

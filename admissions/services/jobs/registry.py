"""The rules every job function follows: registered by kind with ``@task``, it flushes its work
and raises ``JobFailed`` with a message the user can act on; the worker commits the work with
the job's success, or rolls it all back and records the error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from admissions.models import Job

ProgressFn = Callable[[int, int, str], None]
Task = Callable[[Job, ProgressFn], dict[str, Any]]
TASKS: dict[str, Task] = {}


class JobFailed(Exception):
    """An expected failure of a job: the message is shown to the user, `result` kept with it."""

    def __init__(self, message: str, result: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.result = result or {}


def task(kind: str) -> Callable[[Task], Task]:
    """Register the function running jobs of KIND (it flushes; the worker commits)."""

    def register(function: Task) -> Task:
        TASKS[kind] = function
        return function

    return register

"""What a round's pages and commands need before any engine work: the error they show and the
batch of a code. Kept free of numpy and pandas (``build`` and ``run`` load them), so that the
views importing it at start-up load no engine."""

from __future__ import annotations

from admissions.models import Batch, Exam


class RoundError(ValueError):
    """A run or close that cannot proceed; the message is for the user (Chinese)."""


def find_batch(exam: Exam, code: str) -> Batch:
    """The exam's batch with ``code``; RoundError if there is none."""
    for batch in exam.batches:
        if batch.code == code:
            return batch
    known = "、".join(b.code for b in exam.batches) or "无"
    raise RoundError(f"考试 {exam.code} 没有批次 {code}（已有：{known}）")

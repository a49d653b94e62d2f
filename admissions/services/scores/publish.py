"""Publishing computed scores: candidates may then see their scores and ranks. Flushes only."""

from __future__ import annotations

from admissions.models import Account, Exam, ExamStatus
from admissions.services.exam import lifecycle as exam_lifecycle
from admissions.services.exam.rules import current_version
from admissions.services.exam.state import result_count
from admissions.services.scores.compute import ComputeRefused


def publish_scores(exam: Exam, *, actor: Account | None = None) -> int:
    """Publish the scores computed under the current rules; return how many results.

    Refused (``ComputeRefused``) by the lifecycle's guards (``exam_lifecycle``): already
    published, not computed under the current rules, or a double-entry sheet unfinished.
    """
    try:
        exam_lifecycle.transition(exam, ExamStatus.SCORES_PUBLISHED, actor=actor)
    except exam_lifecycle.TransitionRefused as exc:
        raise ComputeRefused(str(exc)) from None
    version = current_version(exam)
    return result_count(exam, version.id) if version is not None else 0

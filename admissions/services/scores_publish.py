"""Publishing computed scores: candidates may then see their scores and ranks. Flushes only."""

from __future__ import annotations

from admissions.models import Account, Exam, ExamStatus
from admissions.models.base import utcnow
from admissions.services import audit
from admissions.services.keying_compare import publication_block
from admissions.services.rules import current_version
from admissions.services.scores_compute import ComputeRefused, result_count, scores_published


def publish_scores(exam: Exam, *, actor: Account | None = None) -> int:
    """Publish the scores computed under the current rules; return how many results.

    Refused (``ComputeRefused``) when already published, not computed under the current rules,
    or while a double-entry sheet of the exam is unfinished.
    """
    if scores_published(exam):
        raise ComputeRefused(f"考试 {exam.code} 的成绩已经发布")
    blocked = publication_block(exam)
    if blocked:
        raise ComputeRefused(blocked)
    version = current_version(exam)
    count = result_count(exam, version.id) if version is not None else 0
    if not count:
        raise ComputeRefused(
            f"考试 {exam.code} 尚未按当前规则计算成绩，请先运行 scores compute {exam.code}"
        )
    before = {"status": exam.status.value}
    exam.scores_published_at = utcnow()
    exam.status = ExamStatus.SCORES_PUBLISHED
    audit.record(
        actor, "scores.publish", exam, before=before,
        after={"status": exam.status.value, "results": count}, exam_id=exam.id,
    )  # fmt: skip
    return count

"""What a change of an exam's status does, in the words of its confirmation page (with counts)."""

from __future__ import annotations

from admissions.models import Exam, ExamStatus
from admissions.services.exam.rules import current_version
from admissions.services.exam.state import result_count

S = ExamStatus


def status_consequences(exam: Exam, target: ExamStatus) -> list[str]:
    """The lines a confirmation page shows for moving ``exam`` to ``target``."""
    if target == S.SCORES_PUBLISHED:
        version = current_version(exam)
        count = result_count(exam, version.id) if version is not None else 0
        return [
            f"{count:,} 名考生将能查看自己的成绩、资格审核结果与位次",
            "发布后成绩不能撤回；如需重新计算，须再次确认并记入操作日志",
        ]
    return {
        S.REGISTRATION_CLOSED: ["考生将不能再报名，也不能再修改报名信息；专业类别锁定"],
        S.REGISTRATION_OPEN: ["考生可以重新报名和修改报名信息（在报名时间内）"],
        S.SCORING: ["开始成绩录入后不能再修改报名时间，也不能重新开放报名"],
        S.PREFERENCES_OPEN: ["考生可以在各轮设置的填报时间内填报和修改志愿"],
        S.PREFERENCES_CLOSED: ["考生将不能再填报或修改志愿"],
        S.ALLOCATION: ["进入投档录取阶段，可按轮次正式投档"],
        S.FINISHED: ["本次招生结束，考试状态不能再改变"],
    }.get(target, [])

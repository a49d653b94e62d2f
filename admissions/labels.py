"""Chinese labels of enumerations and codes, shared by templates, services and exports.

Names come before codes everywhere a person reads them (``named``): 齐鲁工业大学（10001）,
财经商贸类（TRD）. Each status has a Chinese name and a tone for its tag (``status_tag``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from admissions.models import ExamStatus, KeyingStatus, Role

ROLE_NAMES = {
    Role.STUDENT: "考生",
    Role.BOARD: "考试院",
    Role.UNIVERSITY: "高校",
    Role.ADMIN: "管理员",
}

STATUS_NAMES = {
    ExamStatus.REGISTRATION_OPEN: "报名中",
    ExamStatus.REGISTRATION_CLOSED: "报名已截止",
    ExamStatus.SCORING: "成绩录入中",
    ExamStatus.SCORES_PUBLISHED: "成绩已发布",
    ExamStatus.PREFERENCES_OPEN: "志愿填报中",
    ExamStatus.PREFERENCES_CLOSED: "志愿填报已截止",
    ExamStatus.ALLOCATION: "投档录取中",
    ExamStatus.FINISHED: "已结束",
}

KEYING_STATUS_NAMES = {
    KeyingStatus.OPEN: "录入中",
    KeyingStatus.KEYED: "待处理差异",
    KeyingStatus.RESOLVED: "待写入成绩",
    KeyingStatus.APPLIED: "已写入成绩",
    KeyingStatus.CANCELLED: "已作废",
}

#: A dispatch (投档记录) as staff and candidates read it.
DISPATCH_STATUS_NAMES = {"dispatched": "待审核", "admitted": "已录取", "rejected": "已退档"}
#: The same words as export cells (short, as the admission lists have always printed them).
DISPATCH_STATUS_CELLS = {"dispatched": "待审核", "admitted": "录取", "rejected": "退档"}
JOB_STATUS_NAMES = {
    "queued": "排队中",
    "running": "进行中",
    "succeeded": "已完成",
    "failed": "失败",
}
JOB_KIND_NAMES = {
    "import": "导入文件",
    "import_preview": "检查导入文件",
    "round_run": "正式投档",
    "letters": "生成录取通知书",
}
SHAPE_NAMES = {"flat": "平行志愿", "grouped": "院校专业组"}
GROUP_NAMES = {"culture": "文化素质", "vocational": "职业技能"}

# Tones of the status tags: grey (not started, inactive), blue (in progress), yellow (waiting for
# someone), green (done, good), red (failed, refused).
_TONES: dict[str, dict[str, str]] = {
    "exam": {
        ExamStatus.REGISTRATION_OPEN: "blue", ExamStatus.REGISTRATION_CLOSED: "grey",
        ExamStatus.SCORING: "yellow", ExamStatus.SCORES_PUBLISHED: "green",
        ExamStatus.PREFERENCES_OPEN: "blue", ExamStatus.PREFERENCES_CLOSED: "grey",
        ExamStatus.ALLOCATION: "yellow", ExamStatus.FINISHED: "grey",
    },
    "dispatch": {"dispatched": "yellow", "admitted": "green", "rejected": "red"},
    "round": {"未设置": "grey", "未开始": "grey", "填报中": "blue", "已截止": "yellow",
              "已投档": "yellow", "已结束": "green"},
    "job": {"queued": "grey", "running": "blue", "succeeded": "green", "failed": "red"},
    "keying": {
        KeyingStatus.OPEN: "blue", KeyingStatus.KEYED: "yellow", KeyingStatus.RESOLVED: "yellow",
        KeyingStatus.APPLIED: "green", KeyingStatus.CANCELLED: "grey",
    },
    "active": {"True": "green", "False": "grey"},
    "published": {"True": "green", "False": "yellow"},
}  # fmt: skip
_NAMES: dict[str, dict[str, str]] = {
    "exam": {str(k): v for k, v in STATUS_NAMES.items()},
    "dispatch": DISPATCH_STATUS_NAMES,
    "round": {state: state for state in _TONES["round"]},
    "job": JOB_STATUS_NAMES,
    "keying": {str(k): v for k, v in KEYING_STATUS_NAMES.items()},
    "active": {"True": "正常", "False": "已停用"},
    "published": {"True": "已公布", "False": "未公布"},
}


def status_tag(kind: str, value: Any) -> tuple[str, str]:
    """(Chinese name, tone) of a status of ``kind`` (exam, dispatch, round, job, keying, active,
    published); an unknown value is shown as given, in grey, never hidden."""
    key = str(getattr(value, "value", value))
    name = _NAMES.get(kind, {}).get(key, key)
    return name, _TONES.get(kind, {}).get(key, "grey")


def named(name: str | None, code: str | None) -> str:
    """Name first, code in full-width parentheses: ``齐鲁工业大学（10001）``; either alone when
    the other is missing or the same."""
    name, code = (name or "").strip(), (code or "").strip()
    if name and code and name != code:
        return f"{name}（{code}）"
    return name or code


def named_object(thing: Any) -> str:
    """``named`` of anything with ``name`` and ``code`` (exam, institution, batch, category…);
    a plan line reads as its program: ``计算机应用（080201）``."""
    if thing is None:
        return ""
    if hasattr(thing, "program_name"):
        return named(thing.program_name, thing.program_code)
    return named(getattr(thing, "name", ""), getattr(thing, "code", ""))


def code_names(pairs: Iterable[Any]) -> dict[str, str]:
    """``{code: name}`` of objects with ``code`` and ``name`` (an exam's categories, batches)."""
    return {p.code: p.name for p in pairs}


def category_label(exam: Any, code: str | None) -> str:
    """A category of ``exam`` by its code: ``财经商贸类（TRD）`` (the code alone if unknown)."""
    if not code:
        return ""
    names = code_names(getattr(exam, "categories", ()) or ())
    return named(names.get(code), code)


def candidate_category(candidate: Any) -> str:
    """The candidate's own category, as ``category_label`` names it, from the candidate's
    ``category`` row (loaded with the candidate) instead of every category of the exam."""
    code = candidate.category_code
    if not code:
        return ""
    row = candidate.category
    return named(row.name if row is not None else None, code)


def batch_label(exam: Any, code: str | None) -> str:
    """A batch of ``exam`` by its code: ``本科批（BK）``."""
    if not code:
        return ""
    names = code_names(getattr(exam, "batches", ()) or ())
    return named(names.get(code), code)

"""Chinese labels of enumerations, shared by templates."""

from flask import Flask

from admissions.audit_names import action_name
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


def init_labels(app: Flask) -> None:
    """Expose the label tables to every template."""
    app.jinja_env.globals.update(
        role_names=ROLE_NAMES, status_names=STATUS_NAMES, action_name=action_name
    )

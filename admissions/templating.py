"""What every template may use besides the macros: filters (Beijing time, plain numbers, names
before codes, rules in words) and globals (label tables, status tags, the navigation of each role).

The filters are thin: the words come from ``admissions.labels`` and ``scoring.rules_text``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, request, url_for
from flask_login import current_user

from admissions import labels
from admissions.audit_names import action_name, field_name, object_name
from scoring.rules_text import condition_sources_text, labels_from, number_text, source_text

BEIJING = ZoneInfo("Asia/Shanghai")


def beijing(value: datetime | None, seconds: bool = False, suffix: bool = True) -> str:
    """A stored (UTC) time in Beijing time: ``2026-07-01 09:00（北京时间）``; ``—`` when None."""
    if value is None:
        return "—"
    if value.tzinfo is None:  # stored times are UTC; a naive one is read as such
        value = value.replace(tzinfo=UTC)
    text = value.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    return text + "（北京时间）" if suffix else text


def plain_number(value: Any) -> str:
    """Decimals as people write them: 500.0000 → 500, 98.5000 → 98.5; None → ``—``."""
    if value is None or value == "":
        return "—"
    return number_text(value if isinstance(value, Decimal) else Decimal(str(value)))


def rule_labels(exam: Any) -> dict[str, str]:
    """Every name the exam's expressions may use → its Chinese label (components, 总分 …)."""
    return labels_from((c.code, c.name) for c in getattr(exam, "components", ()) or ())


def formula_words(source: str | None, exam: Any) -> str:
    """A stored formula in words: ``语文 + 数学 + 英语``."""
    return source_text(source or "", rule_labels(exam)) if source else ""


def condition_words(source: str | None, exam: Any) -> str:
    """A stored condition in words: ``总分 ≥ 521``."""
    return source_text(source or "", rule_labels(exam), condition=True) if source else ""


def line_words(conditions: Iterable[str] | None, exam: Any) -> str:
    """A control line (every condition must hold): ``总分 ≥ 480，职业技能 ≥ 300``."""
    return condition_sources_text(conditions or (), rule_labels(exam))


@dataclass(frozen=True)
class NavItem:
    """One link of a navigation bar; ``current`` marks the page's own section."""

    label: str
    href: str
    current: bool = False


# (label, endpoint, endpoint prefixes that count as this section) per role.
ROLE_NAVIGATION: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = {
    "student": (
        ("考生首页", "student.home", ("student.home", "student.candidate_detail",
                                     "student.edit_registration", "student.change_password")),
        ("成绩与位次", "student.scores", ("student.scores",)),
        ("志愿填报", "student.preference_rounds", ("student.preference_",)),
        ("录取结果", "student.results", ("student.results",)),
    ),
    "board": (("考试院首页", "board.home", ("board.home",)),),
    "university": (
        ("高校首页", "university.home", ("university.home", "university.review",
                                        "university.dispatch_detail", "university.job_page")),
        ("下载录取名单", "university.exports", ("university.exports",)),
        ("招生计划编制", "university.plan_exams", ("university.plan_",)),
    ),
    "admin": (
        ("管理员首页", "admin.home", ("admin.home",)),
        ("省份", "admin.provinces", ("admin.province",)),
        ("考试", "admin.exams", ("admin.exams", "board.")),
        ("院校", "admin.institutions", ("admin.institution",)),
        ("账号", "admin.accounts", ("admin.account",)),
        ("界面组件", "admin.style", ("admin.style",)),
    ),
    "": (
        ("首页", "public.index", ("public.index",)),
        ("考生报名", "public.register", ("public.register",)),
        ("激活账号", "public.activate", ("public.activate",)),
        ("录取通知书查验", "public.verify_form", ("public.verify",)),
        ("登录", "auth.login", ("auth.login",)),
    ),
}  # fmt: skip

# The sections of one exam on the board's pages.
EXAM_NAVIGATION: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("概览", "board.exam_detail", ("board.exam_detail", "board.import_", "board.candidate_search",
                                  "board.score_", "board.student_password_reset", "board.keying")),
    ("成绩与一分一段", "board.exam_scores", ("board.exam_scores", "board.exam_ranktable")),
    ("招生计划", "board.plans_page", ("board.plan", "board.scale")),
    ("控制线", "board.control_lines", ("board.control_lines",)),
    ("投档与录取", "board.setup_rounds", ("board.setup_round", "board.round_", "board.job_")),
    ("考试设置", "board.setup_exam", ("board.setup_exam", "board.setup_status",
                                     "board.setup_registration", "board.setup_structure",
                                     "board.setup_batch", "board.setup_category",
                                     "board.setup_version", "board.exam_rules", "board.setup_advice")),
    ("操作日志", "board.audit", ("board.audit",)),
)  # fmt: skip

HOME_CRUMBS = {
    "student": ("考生首页", "student.home"),
    "board": ("考试院首页", "board.home"),
    "university": ("高校首页", "university.home"),
    "admin": ("管理员首页", "admin.home"),
}


def _is_current(sections: tuple[str, ...]) -> bool:
    endpoint = request.endpoint or ""
    return any(endpoint.startswith(section) for section in sections)


def site_navigation() -> list[NavItem]:
    """The role's main sections; anonymous visitors get the public ones."""
    role = str(current_user.role) if current_user.is_authenticated else ""
    items = ROLE_NAVIGATION.get(role, ())
    if role == "university" and getattr(current_user, "is_institution_admin", False):
        items = (*items, ("API 令牌", "university.tokens", ("university.tokens",)))
    return [NavItem(label, url_for(endpoint), _is_current(s)) for label, endpoint, s in items]


def exam_navigation(exam: Any) -> list[NavItem]:
    """The sections of one exam (board and admin pages)."""
    return [
        NavItem(label, url_for(endpoint, exam_id=exam.id), _is_current(sections))
        for label, endpoint, sections in EXAM_NAVIGATION
    ]


def home_crumb() -> tuple[str, str]:
    """The first breadcrumb: the home page of the section the page belongs to."""
    label, endpoint = HOME_CRUMBS.get(request.blueprint or "", ("首页", "public.index"))
    return label, url_for(endpoint)


def init_templating(app: Flask) -> None:
    """Register the filters and globals on the app's Jinja environment."""
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters.update(
        beijing=beijing, num=plain_number, named=labels.named_object,
        category=lambda code, exam: labels.category_label(exam, code),
        candidate_category=labels.candidate_category,
        batch_label=lambda code, exam: labels.batch_label(exam, code),
        formula_words=formula_words, condition_words=condition_words, line_words=line_words,
    )  # fmt: skip
    app.jinja_env.globals.update(
        role_names=labels.ROLE_NAMES, status_names=labels.STATUS_NAMES,
        dispatch_names=labels.DISPATCH_STATUS_NAMES, action_name=action_name,
        object_name=object_name, field_name=field_name, status_tag=labels.status_tag,
        named=labels.named, site_navigation=site_navigation, exam_navigation=exam_navigation,
        home_crumb=home_crumb, rule_labels=rule_labels,
    )  # fmt: skip

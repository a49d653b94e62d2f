"""A plan line's 报考要求: conditions separated by ';', each read by the engine's own parser.

A requirement that names something the exam does not have (`height >= 170`) or that the engine
cannot read would only fail at allocation time; the plans import refuses it on its line instead.
"""

from __future__ import annotations

import re

from admissions.models import Exam
from scoring.expr import ExprError, parse_condition
from scoring.rules_model import DERIVED

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_WORDS = {"and", "or", "not", "max", "min"}


def condition_names(exam: Exam) -> set[str]:
    """The names a requirement may use: the exam's component codes and the derived totals."""
    return {c.code for c in exam.components} | set(DERIVED)


def requirement_problems(text: str, exam: Exam) -> list[str]:
    """A Chinese message for each condition of `text` the engine would refuse."""
    names = condition_names(exam)
    problems = []
    for condition in (part.strip() for part in text.split(";")):
        unknown = sorted({n for n in _NAME.findall(condition) if n not in names | _WORDS})
        if unknown:
            listed = "、".join(unknown)
            known = "、".join(sorted(names))
            problems.append(
                f"报考要求「{condition}」中的 {listed} 不是本考试的科目或总分（可用：{known}）"
            )
            continue
        try:
            parse_condition(condition, names)
        except ExprError as error:
            problems.append(
                f"报考要求「{condition}」无法解析（第 {error.column} 个字符附近）；"
                "应写成条件，如 skill >= 138，多个条件用 ; 分隔"
            )
    return problems

"""Audit snapshots name what they record: keys in Chinese, codes after their names."""

from flask import render_template_string

MACRO = '{% from "board/_audit_changes.html" import snapshot %}{{ snapshot(values, {}, codes) }}'


def test_codes_in_a_snapshot_are_shown_after_their_names(app) -> None:
    values = {"batch": "BK", "round": 1, "components": ["skill", "math"], "digest": "8cc6",
              "file": "IT.csv", "reason": None}  # fmt: skip
    codes = {"BK": "本科批", "skill": "技能测试", "math": "数学"}
    with app.test_request_context():
        shown = render_template_string(MACRO, values=values, codes=codes)
    assert shown == (
        "批次：本科批（BK）；轮次：1；科目：技能测试（skill）、数学（math）；"
        "结果摘要：8cc6；文件：IT.csv；原因：—"
    )


def test_without_codes_values_are_shown_as_recorded(app) -> None:
    with app.test_request_context():
        shown = render_template_string(MACRO, values={"batch": "BK"}, codes={})
    assert shown == "批次：BK"

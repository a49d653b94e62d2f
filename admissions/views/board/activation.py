"""Board page: activation codes for an exam's candidates who have no login (imported ones).

Issuing and downloading are one POST: the codes exist in plain text only in the file it sends.
"""

from __future__ import annotations

from io import BytesIO

from flask import render_template, request, send_file
from flask_login import current_user

from admissions.access import get_exam_for_board, roles_required
from admissions.extensions import db
from admissions.files.activation import codes_csv, school_sheets
from admissions.services.students import activation
from admissions.views.board import BOARD, bp

SCOPES = {"all": "全部没有账号的考生", "category": "一个专业类别", "school": "一所学校"}
FORMATS = {"csv": "CSV 文件（全部激活码）", "pdf": "PDF 发放单（每所学校一份）"}


def _page(exam, errors: list[tuple[str, str]], status: int = 200):
    return render_template(
        "board/activation_codes.html", exam=exam, errors=errors, scopes=SCOPES, formats=FORMATS,
        total=len(activation.eligible(exam)), schools=activation.schools(exam),
        form=request.form,
    ), status  # fmt: skip


@bp.get("/exams/<int:exam_id>/activation-codes")
@roles_required(*BOARD)
def activation_codes(exam_id: int):
    """Who has no login yet, and the form to issue codes for all, a category or a school."""
    return _page(get_exam_for_board(exam_id), [])


def _chosen(exam) -> tuple[str | None, str | None, list[tuple[str, str]]]:
    scope = request.form.get("scope", "")
    category = request.form.get("category", "").strip() if scope == "category" else None
    school = request.form.get("school", "").strip() if scope == "school" else None
    errors = []
    if scope not in SCOPES:
        errors.append(("scope", "请选择为哪些考生生成激活码"))
    elif scope == "category" and category not in {c.code for c in exam.categories}:
        errors.append(("category", "请选择专业类别"))
    elif scope == "school" and not school:
        errors.append(("school", "请选择学校"))
    if request.form.get("format") not in FORMATS:
        errors.append(("format", "请选择下载格式"))
    return category, school, errors


@bp.post("/exams/<int:exam_id>/activation-codes")
@roles_required(*BOARD)
def activation_codes_issue(exam_id: int):
    """Issue new codes (earlier unused ones of the same candidates stop working) and send them."""
    exam = get_exam_for_board(exam_id)
    category, school, errors = _chosen(exam)
    if errors:
        return _page(exam, errors, 400)
    issued = activation.issue_codes(
        current_user._get_current_object(), exam, category=category, school=school
    )
    if not issued:
        db.session.rollback()
        return _page(exam, [("scope", "所选范围内没有需要激活码的考生（都已有账号）")], 400)
    db.session.commit()
    rows = [code.row() for code in issued]
    stem = (
        f"激活码-{exam.code}"
        + (f"-{category}" if category else "")
        + (f"-{school}" if school else "")
    )
    if request.form["format"] == "csv":
        data, name, mimetype = codes_csv(rows), f"{stem}.csv", "text/csv; charset=utf-8"
    else:
        data, zipped = school_sheets(exam.name, rows)
        name = f"{stem}.zip" if zipped else f"{stem}.pdf"
        mimetype = "application/zip" if zipped else "application/pdf"
    response = send_file(BytesIO(data), mimetype=mimetype, download_name=name, as_attachment=True)
    response.headers["Cache-Control"] = "no-store"
    return response

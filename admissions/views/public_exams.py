"""Public information of an exam, no login: the plan catalogue, published cutoffs, the 一分一段
table and the rules in words. Fixed addresses (other systems link to them):
``/exams/<CODE>/plans``, ``/cutoffs``, ``/ranktable``, ``/rules``; ``?format=csv`` downloads.

Routes attach to the ``public`` blueprint. A bad query parameter gets 400 with a message.
"""

from __future__ import annotations

from io import BytesIO

from flask import abort, render_template, request, send_file

from admissions.access import public
from admissions.errors import render_error
from admissions.files.columns import ExportColumn
from admissions.files.writers import to_csv
from admissions.models import Exam
from admissions.services.published import catalogue, cutoffs, exams, ranktable
from admissions.templating import condition_words
from admissions.views.public import bp
from admissions.views.shared_pages import shared_page

CSV = "text/csv; charset=utf-8"
RANKTABLE_COLUMNS = (
    ExportColumn("category", "专业类别"), ExportColumn("score", "分数", numeric=True),
    ExportColumn("count", "人数", numeric=True), ExportColumn("cumulative", "累计人数", numeric=True),
)  # fmt: skip


def _exam(code: str) -> Exam:
    return exams.exam_by_code(code) or abort(404)


def _format() -> str:
    wanted = request.args.get("format", "html")
    if wanted not in ("html", "csv"):
        raise catalogue.FilterError("下载格式（format）只能是 html 或 csv")
    return wanted


def _csv(rows, columns, name: str):
    data = to_csv(rows, columns, headers="zh")
    return send_file(BytesIO(data), mimetype=CSV, download_name=name, as_attachment=True)


def _requirement_words(exam: Exam):
    """Requirements in words; each distinct text is put in words once per request."""
    seen: dict[str, str] = {}

    def words(text: str) -> str:
        if text not in seen:
            parts = (condition_words(c.strip(), exam) for c in text.split(";") if c.strip())
            seen[text] = "；".join(parts)
        return seen[text]

    return words


@bp.get("/exams/<code>/plans")
@public
def exam_plans(code: str):
    """The plan catalogue: every line, filtered, paginated, or as CSV."""
    return shared_page(code, lambda: _plans(code))


def _plans(code: str):
    exam = _exam(code)
    try:
        wanted = _format()
        filters = catalogue.parse_filters(exam, request.args)
        words = _requirement_words(exam)
        if wanted == "csv":
            rows = catalogue.catalogue_rows(exam, filters, words)
            return _csv(
                [r.csv_row() for r in rows], catalogue.CSV_COLUMNS, f"招生计划-{exam.code}.csv"
            )
        rows, total, pages = catalogue.catalogue_page(exam, filters, words)
        return render_template(
            "public/exam_plans.html", exam=exam, filters=filters, rows=rows, total=total,
            pages=pages, has_plans=catalogue.has_plans(exam),
            optional=catalogue.available_filters(), ownerships=catalogue.OWNERSHIPS,
            institution_types=catalogue.INSTITUTION_TYPES, rounds=exams.first_rounds(exam),
        )  # fmt: skip
    except catalogue.FilterError as error:
        return render_error(400, str(error))


@bp.get("/exams/<code>/cutoffs")
@public
def exam_cutoffs(code: str):
    """Each published round's 投档线 per line (per group in grouped batches), last year beside."""
    return shared_page(code, lambda: _cutoffs(code))


def _cutoffs(code: str):
    exam = _exam(code)
    try:
        wanted = _format()
        batch, category = cutoffs.parse_filters(exam, request.args)
    except catalogue.FilterError as error:
        return render_error(400, str(error))
    rounds = cutoffs.published_rounds(exam, batch, category)
    if wanted == "csv":
        rows = [row.csv_row(r.batch.name, r.number) for r in rounds for row in r.rows]
        return _csv(rows, cutoffs.CSV_COLUMNS, f"投档线-{exam.code}.csv")
    return render_template(
        "public/exam_cutoffs.html", exam=exam, rounds=rounds, batch=batch, category=category,
        last_year=cutoffs.last_year_name(exam), planned=exams.first_rounds(exam),
    )  # fmt: skip


@bp.get("/exams/<code>/ranktable")
@public
def exam_ranktable(code: str):
    """一分一段 per category once scores are published (table, chart, CSV) and a 位次 lookup."""
    exam = _exam(code)
    visible = ranktable.scores_visible(exam)
    try:
        wanted = _format()
        category, score = ranktable.parse_args(exam, request.args)
    except catalogue.FilterError as error:
        return render_error(400, str(error))
    if not visible:
        if wanted == "csv":
            return render_error(404, "一分一段表尚未公布")
        return render_template("public/exam_ranktable.html", exam=exam, visible=False)
    rows = ranktable.table(exam, category)
    if wanted == "csv":
        return _csv(rows, RANKTABLE_COLUMNS, f"一分一段表-{exam.code}-{category}.csv")
    found = ranktable.lookup(exam, category, score) if score is not None else None
    return render_template(
        "public/exam_ranktable.html", exam=exam, visible=True, category=category, rows=rows,
        chart_rows=[_Row(int(str(r["score"])), int(str(r["count"]))) for r in rows],
        score=score, found=found,
    )  # fmt: skip


class _Row:
    """What the chart macro reads: score and count."""

    def __init__(self, score: int, count: int) -> None:
        self.score, self.count = score, count


@bp.get("/exams/<code>/rules")
@public
def exam_rules(code: str):
    """The exam's rules in plain Chinese."""
    exam = _exam(code)
    return render_template("public/exam_rules.html", exam=exam, words=exams.rules_words(exam))

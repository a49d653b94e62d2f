"""The preference pages of a candidate: the rounds, the editor (without JavaScript), the
confirmation before submitting, the submission history and the printable 志愿确认单.

Routes attach to the ``student`` blueprint; the candidate is always the logged-in student's own.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request
from flask_login import current_user

from admissions.access import roles_required
from admissions.extensions import db
from admissions.files.preference_slip import preference_slip_pdf
from admissions.forms.student import edit_choices, page_order, parse_choices, position_problems
from admissions.services.students import catalog as preferences_catalog
from admissions.services.students import preferences, slip, standing
from admissions.services.students import scores as student_scores
from admissions.services.students.advice import DEFAULT_MARGINS, margins
from admissions.views.student import _me, _pdf, bp

EDIT_BUTTONS = ("add", "remove", "up", "down")


@bp.get("/preferences")
@roles_required("student")
def preference_rounds():
    """The rounds with a preference window, open or not."""
    candidate = _me()
    rounds = preferences.rounds_of(candidate)
    counted = {r.id: preferences.counted_list(candidate, r.batch_id, r.number) for r in rounds}
    return render_template(
        "student/rounds.html", rounds=rounds, window_open=preferences.window_open,
        counted=counted, refused=standing.refusals(candidate, rounds),
        numbers={i: preferences.submission_number(c) for i, c in counted.items() if c},
    )  # fmt: skip


def _round_or_404(candidate, batch_id: int, number: int):
    return preferences.get_round(candidate, batch_id, number) or abort(404)


@bp.route("/preferences/<int:batch_id>/<int:number>", methods=["GET", "POST"])
@roles_required("student")
def preference_editor(batch_id: int, number: int):
    """Build, reorder, save and submit the list; works without JavaScript."""
    candidate = _me()
    round_ = _round_or_404(candidate, batch_id, number)
    return editor_response(candidate, round_)


@bp.get("/preferences/<int:batch_id>/<int:number>/history")
@roles_required("student")
def preference_history(batch_id: int, number: int):
    """Every submitted version of the list, newest first."""
    candidate = _me()
    round_ = _round_or_404(candidate, batch_id, number)
    lists = preferences.submitted_history(candidate, round_)
    return render_template(
        "student/history.html", round=round_, lists=lists, lines=preferences.lines_of(lists),
        numbers={pl.id: preferences.submission_number(pl) for pl in lists},
    )  # fmt: skip


@bp.get("/preferences/<int:batch_id>/<int:number>/slip.pdf")
@roles_required("student")
def preference_slip(batch_id: int, number: int):
    """The 志愿确认单 of the submitted version that counts."""
    candidate = _me()
    round_ = _round_or_404(candidate, batch_id, number)
    counted = preferences.counted_list(candidate, round_.batch_id, round_.number) or abort(404)
    data = slip.slip_data(candidate, counted)
    data = type(data)(**{**data.__dict__, "verify_url": request.host_url + "verify"})
    return _pdf(
        lambda: preference_slip_pdf(data), f"志愿确认单-{candidate.candidate_no}.pdf", "志愿确认单"
    )


def _filters() -> preferences_catalog.LineFilters:
    seats = request.args.get("seats", "").strip()
    return preferences_catalog.LineFilters(
        text=request.args.get("q", "")[:60], city=request.args.get("city", "")[:40],
        min_seats=int(seats) if seats.isdigit() and len(seats) < 6 else None,
    )  # fmt: skip


def _save(candidate, round_, choices, submit: bool, quiet: bool = False):
    """Save the list; returns (saved, HTTP status)."""
    try:
        preferences.save_list(
            current_user._get_current_object(), candidate, round_, choices, submit=submit,
            base_version=request.form.get("version", type=int, default=-1),
        )  # fmt: skip
    except preferences.PreferenceConflict as error:
        db.session.rollback()
        flash(str(error), "error")
        return False, 409
    except preferences.PreferenceError as error:
        db.session.rollback()
        flash(str(error), "error")
        return False, 400
    db.session.commit()
    if quiet:
        return True, 200
    flash(
        "志愿已提交，以最后一次提交的版本为准。可下载志愿确认单留存。"
        if submit
        else "草稿已保存（尚未提交）。",
        "info",
    )
    return True, 200


def _problem_messages(problems, choices, listed, groups) -> dict[int, str]:
    """Row → the message of its position field, naming the line (and the one it repeats)."""

    def name(row: int) -> str:
        choice = choices[row]
        row_line = listed.get(choice.plan_line_id)
        if row_line is not None:
            return f"{row_line.line.institution.name} · {row_line.line.program_name}"
        group = groups.get(choice.group or "")
        return f"{group[0].institution.name} · 专业组 {group[0].group_code}" if group else "该志愿"

    out = {}
    for p in problems:
        text = f"第 {p.row + 1} 行（{name(p.row)}）：{p.message}"
        if p.other is not None:
            text += f"，与第 {p.other + 1} 行（{name(p.other)}）相同；每个序号只能用一次"
        out[p.row] = text
    return out


def editor_response(candidate, round_):
    """GET: the newest version. POST: refuse bad order numbers (naming the line); apply an edit
    button; save a draft; or, for 提交志愿, show the final list to confirm, then submit."""
    grouped = round_.batch.shape == "grouped"
    # A POST brings its own list: the stored one is read only when a page is shown again.
    posted = request.method == "POST"
    latest = None if posted else preferences.latest_list(candidate, round_)
    choices = [] if posted else preferences.choices_of(latest)
    status, typed, problems = 200, None, {}
    if posted:
        wanted = request.form.get("action")
        edit = any(k in request.form for k in EDIT_BUTTONS)
        found = position_problems(request.form)
        if found:
            choices, typed = page_order(request.form)
            latest = preferences.latest_list(candidate, round_)
            context = _editor_context(candidate, round_, choices, latest, grouped)
            problems = _problem_messages(found, choices, context["listed"], context["groups"])
            return render_template(
                "student/editor.html", **context, typed=typed, problems=problems
            ), 400  # fmt: skip
        choices = edit_choices(parse_choices(request.form), request.form, grouped)
        if wanted == "submit" and not edit and request.form.get("confirm") != "yes":
            return _confirmation(candidate, round_, choices, grouped)
        # an edit button keeps the list as a draft, so the page can be left at any moment
        saved, status = _save(candidate, round_, choices, submit=wanted == "submit" and not edit)
        if saved:
            return redirect(request.full_path.rstrip("?"))
        latest = preferences.latest_list(candidate, round_)
    return render_template(
        "student/editor.html", **_editor_context(candidate, round_, choices, latest, grouped),
        typed=typed, problems=problems,
    ), status  # fmt: skip


def _confirmation(candidate, round_, choices, grouped):
    """The final list, to confirm before it is submitted (nothing is saved yet)."""
    try:
        preferences.validate_choices(candidate, round_.batch, choices)
    except preferences.PreferenceError as error:
        flash(str(error), "error")
        latest = preferences.latest_list(candidate, round_)
        context = _editor_context(candidate, round_, choices, latest, grouped)
        return render_template("student/editor.html", **context, typed=None, problems={}), 400
    # kept as a draft first: leaving the confirmation page loses nothing
    saved, status = _save(candidate, round_, choices, submit=False, quiet=True)
    if not saved:
        latest = preferences.latest_list(candidate, round_)
        context = _editor_context(candidate, round_, choices, latest, grouped)
        return render_template("student/editor.html", **context, typed=None, problems={}), status
    latest = preferences.latest_list(candidate, round_)
    fields: dict[str, object] = {"action": "submit", "version": latest.version if latest else 0}
    for i, choice in enumerate(choices):
        fields[f"item-{i}-pos"] = i + 1
        if grouped:
            fields[f"item-{i}-group"] = choice.group or ""
            for j, major in enumerate(choice.majors):
                fields[f"item-{i}-major-{j}"] = major
            if choice.adjust:
                fields[f"item-{i}-adjust"] = "y"
        else:
            fields[f"item-{i}-line"] = choice.plan_line_id or ""
    context = _editor_context(candidate, round_, choices, latest, grouped)
    return render_template("student/confirm_preferences.html", **context, fields=fields)


def _editor_context(candidate, round_, choices, latest, grouped):
    batch = round_.batch
    filters = _filters()
    found, cut = preferences_catalog.search_lines(candidate, batch, filters)
    ids = {c.plan_line_id for c in choices if c.plan_line_id} | {
        m for c in choices for m in c.majors
    }
    listed = preferences_catalog.lines_by_id(candidate, batch, ids)
    visible = student_scores.scores_visible(candidate.exam)
    counted = preferences.counted_list(candidate, batch.id, round_.number)
    return {
        "round": round_, "batch": batch, "grouped": grouped, "choices": choices,
        "latest": latest, "version": latest.version if latest else 0, "counted": counted,
        "submission": preferences.submission_number(counted) if counted else 0,
        "open_now": preferences.window_open(round_), "filters": filters, "cut": cut,
        "found": preferences_catalog.rows_for(candidate, found, visible),
        "listed": {r.line.id: r for r in preferences_catalog.rows_for(candidate, list(listed.values()), visible)},
        "groups": preferences_catalog.group_lines(candidate, batch, {c.group for c in choices if c.group}),
        "margins": margins(candidate.exam), "default_margins": DEFAULT_MARGINS,
    }  # fmt: skip

"""The ``scores`` command group: compute and publish an exam's scores."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from admissions.cli.common import fail

scores_cli = AppGroup("scores", help="成绩计算与发布 (compute and publish scores).")


def exam_or_fail(code: str):  # type: ignore[no-untyped-def]
    from admissions.services.scores.compute import find_exam

    exam = find_exam(code)
    if exam is None:
        fail(f"考试 {code} 不存在")
    return exam


@scores_cli.command("compute")
@click.argument("code")
@click.option("--force", is_flag=True, help="Recompute even after publication (audited).")
def scores_compute(code: str, force: bool) -> None:
    """Composite, qualification and rank (位次) per category for exam CODE."""
    from admissions.extensions import db
    from admissions.services.scores.compute import ComputeRefused, compute_scores

    exam = exam_or_fail(code)
    try:
        summary = compute_scores(exam, force=force)
    except ComputeRefused as exc:
        fail(str(exc))
        return
    db.session.commit()
    click.echo(summary.summary())


@scores_cli.command("publish")
@click.argument("code")
def scores_publish(code: str) -> None:
    """Publish the computed scores of exam CODE to candidates."""
    from admissions.extensions import db
    from admissions.services.scores.compute import ComputeRefused
    from admissions.services.scores.publish import publish_scores

    exam = exam_or_fail(code)
    try:
        count = publish_scores(exam)
    except ComputeRefused as exc:
        fail(str(exc))
        return
    db.session.commit()
    click.echo(f"{exam.code}：已发布 {count} 名考生的成绩与位次")

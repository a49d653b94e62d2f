"""The ``scores`` command group (compute, publish) and ``export ranktable``."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from admissions.cli_exam import fail

scores_cli = AppGroup("scores", help="成绩计算与发布 (compute and publish scores).")
export_cli = AppGroup("export", help="导出文件 (exports).")


def _exam(code: str):  # type: ignore[no-untyped-def]
    from admissions.services.scores_compute import find_exam

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
    from admissions.services.scores_compute import ComputeRefused, compute_scores

    exam = _exam(code)
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
    from admissions.services.scores_compute import ComputeRefused
    from admissions.services.scores_publish import publish_scores

    exam = _exam(code)
    try:
        count = publish_scores(exam)
    except ComputeRefused as exc:
        fail(str(exc))
        return
    db.session.commit()
    click.echo(f"{exam.code}：已发布 {count} 名考生的成绩与位次")


@export_cli.command("ranktable")
@click.argument("code")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "pdf"]), default="csv")
@click.option("--headers", type=click.Choice(["en", "zh"]), default="en")
@click.option("--category", default=None, help="Only this category code.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export_ranktable(code: str, fmt: str, headers: str, category: str | None, output: Path) -> None:
    """The score-rank table (一分一段) of exam CODE, per category."""
    from admissions.services.exports_ranktable import ranktable_bytes
    from admissions.services.scores_compute import ComputeRefused

    exam = _exam(code)
    try:
        data = ranktable_bytes(exam, fmt, headers, category)
        output.write_bytes(data)
    except ComputeRefused as exc:
        fail(str(exc))
        return
    except OSError as exc:
        fail(f"{output}: 无法写入 (cannot write): {exc}")
        return
    click.echo(f"已导出 {exam.code} 的一分一段表到 {output}")

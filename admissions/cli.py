"""Command-line commands, registered on the app (``flask --app wsgi ...``)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from admissions.cli_accounts import account_cli
from admissions.cli_exam import exam_cli
from admissions.cli_jobs import jobs_cli
from admissions.cli_rounds import register as register_rounds
from admissions.cli_scores import export_cli, scores_cli
from admissions.config import REPO_ROOT

demo_cli = AppGroup("demo", help="演示数据 (demo data).")
letters_cli = AppGroup("letters", help="录取通知书 (admission letters).")


@demo_cli.command("load")
@click.option(
    "--rules",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=REPO_ROOT / "presets" / "shandong.toml",
    show_default=True,
    help="Rules file (TOML) of the demo exam.",
)
@click.option("--candidates", type=click.IntRange(1, 200_000), default=5000, show_default=True)
@click.option("--seed", type=int, default=2026, show_default=True)
def demo_load(rules: Path, candidates: int, seed: int) -> None:
    """Create the demo exam, institutions, candidates, scores, preferences and accounts."""
    from admissions.extensions import db
    from admissions.services.demo import load_demo

    result = load_demo(rules.read_text(encoding="utf-8"), candidates=candidates, seed=seed)
    db.session.commit()
    click.echo(result.summary())


IMPORT_KINDS = ("plans", "candidates", "scores", "credits", "preferences", "decisions")


@click.command("import")
@click.argument("kind", type=click.Choice(IMPORT_KINDS))
@click.argument("code")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and preview only; write nothing.")
def import_command(kind: str, code: str, file: Path, dry_run: bool) -> None:
    """Import FILE (CSV or XLSX) as KIND into the exam CODE: all or nothing."""
    from sqlalchemy import select

    from admissions.extensions import db
    from admissions.models import Exam
    from admissions.services.decisions_upload import UploadResult, apply_decisions_file
    from admissions.services.imports import KIND_NAMES, ImportResult, import_file

    exam = db.session.scalar(select(Exam).where(Exam.code == code))
    if exam is None:
        raise click.ClickException(f"考试 {code} 不存在")
    try:
        data = file.read_bytes()
    except OSError as error:
        raise click.ClickException(f"无法读取文件 {file}：{error.strerror}") from None
    if kind in KIND_NAMES:
        result: ImportResult | UploadResult = import_file(
            exam, kind, data, str(file), None, dry_run=dry_run
        )
    else:  # decisions, recorded by the board for every institution
        result = apply_decisions_file(None, None, exam.id, data, str(file), check_deadline=False)
        if dry_run:
            db.session.rollback()
    if not result.ok:
        db.session.rollback()
        for error in result.errors:
            click.echo(str(error), err=True)
        raise SystemExit(1)
    db.session.commit()
    click.echo(result.summary())


@letters_cli.command("backfill-codes")
def letters_backfill_codes() -> None:
    """Store the verification code of admitted dispatches that have none (before migration 0005)."""
    from admissions.extensions import db
    from admissions.services.letter_codes import backfill_codes

    stored = backfill_codes()
    db.session.commit()
    click.echo(f"已为 {stored} 条录取记录保存验证码")


def register_commands(app: Flask) -> None:
    """Attach every command group."""
    app.cli.add_command(account_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(letters_cli)
    app.cli.add_command(exam_cli)
    app.cli.add_command(scores_cli)
    app.cli.add_command(export_cli)
    app.cli.add_command(import_command)
    app.cli.add_command(jobs_cli)
    register_rounds(app)

"""``import KIND CODE FILE``: an exchange file into an exam, all or nothing."""

from __future__ import annotations

from pathlib import Path

import click

IMPORT_KINDS = ("plans", "candidates", "scores", "credits", "preferences", "decisions", "scale")


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
    from admissions.services.imports.pipeline import KIND_NAMES, ImportResult, import_file
    from admissions.services.rounds.decisions_upload import UploadResult, apply_decisions_file

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

"""The ``candidates`` command group: activation codes for candidates without a login."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from admissions.cli.common import fail
from admissions.cli.scores import exam_or_fail

candidates_cli = AppGroup("candidates", help="考生 (candidates): activation codes.")


@candidates_cli.command("activation-codes")
@click.argument("code")
@click.option("--category", default=None, help="Only candidates of this category code.")
@click.option("--school", default=None, help="Only candidates of this school (exact name).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def activation_codes(code: str, category: str | None, school: str | None, output: Path) -> None:
    """New single-use codes for exam CODE's candidates without a login; writes
    candidate_no,name,school,code,expires. Their earlier unused codes stop working."""
    from admissions.extensions import db
    from admissions.files.activation import codes_csv
    from admissions.services.students.activation import ActivationError, issue_codes

    exam = exam_or_fail(code)
    try:
        issued = issue_codes(None, exam, category=category, school=school)
    except ActivationError as error:
        fail(str(error))
        return
    try:
        output.write_bytes(codes_csv([row.row() for row in issued]))
    except OSError as error:
        fail(f"{output}: 无法写入 (cannot write): {error.strerror}")
        return
    db.session.commit()
    click.echo(f"已为 {len(issued)} 名没有账号的考生生成激活码，写入 {output}")

"""The ``letters`` command group: upkeep of admission letters' verification codes."""

from __future__ import annotations

import click
from flask.cli import AppGroup

letters_cli = AppGroup("letters", help="录取通知书 (admission letters).")


@letters_cli.command("backfill-codes")
def letters_backfill_codes() -> None:
    """Store the verification code of admitted dispatches that have none (before migration 0005)."""
    from admissions.extensions import db
    from admissions.services.letter_codes import backfill_codes

    stored = backfill_codes()
    db.session.commit()
    click.echo(f"已为 {stored} 条录取记录保存验证码")

"""What every command shares: the one-line failure, and finding an exam by its code."""

from __future__ import annotations

import click


def fail(message: str) -> None:
    """Roll back, print ``message`` to stderr and exit 1 (never a traceback)."""
    from admissions.extensions import db

    db.session.rollback()
    click.echo(message, err=True)
    raise SystemExit(1)

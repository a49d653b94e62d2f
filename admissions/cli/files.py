"""``flask files purge --older-than 24h``: remove stored files (uploads, job outputs) by age."""

from __future__ import annotations

import re
from datetime import timedelta

import click
from flask.cli import AppGroup

from admissions.cli.common import fail
from admissions.extensions import db
from admissions.services.storage import store

files_cli = AppGroup("files", help="共享存储中的文件（上传待导入的文件、任务生成的文件）。")

_AGE = re.compile(r"\s*(\d+)\s*([smhd])\s*", re.IGNORECASE)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_age(text: str) -> timedelta | None:
    """``90m``, ``24h``, ``7d`` (or seconds ``s``) as a timedelta; None when not of that form."""
    match = _AGE.fullmatch(text)
    if match is None:
        return None
    return timedelta(**{_UNITS[match.group(2).lower()]: int(match.group(1))})


@files_cli.command("purge")
@click.option("--older-than", "older_than", required=True, help="例如 24h、7d、90m")
@click.option("--kind", default=None, help="只删除这一类：import_upload 或 job_output")
def purge_command(older_than: str, kind: str | None) -> None:
    """Remove the stored files older than the given age; prints how many."""
    age = parse_age(older_than)
    if age is None:
        fail(f"--older-than 应为数字加单位 s、m、h 或 d（例如 24h、7d），而不是 {older_than!r}")
        return
    removed = store.purge(age, kind=kind)
    db.session.commit()
    click.echo(f"已删除 {removed} 个早于 {older_than.strip()} 的存储文件。")

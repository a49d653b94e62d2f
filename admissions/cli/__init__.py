"""Command-line commands (``flask --app wsgi ...``), one module per command group."""

from __future__ import annotations

from flask import Flask

from admissions.cli.accounts import account_cli
from admissions.cli.demo import demo_cli
from admissions.cli.exam import exam_cli
from admissions.cli.export import export_cli
from admissions.cli.imports import import_command
from admissions.cli.jobs import jobs_cli
from admissions.cli.letters import letters_cli
from admissions.cli.rounds import allocate_command, round_cli
from admissions.cli.scores import scores_cli


def register_commands(app: Flask) -> None:
    """Attach every command group."""
    for command in (
        account_cli, demo_cli, letters_cli, exam_cli, scores_cli, export_cli, import_command,
        jobs_cli, allocate_command, round_cli,
    ):  # fmt: skip
        app.cli.add_command(command)

"""Command-line commands (``flask --app wsgi ...``), one module per command group."""

from __future__ import annotations

import click
from flask import Flask

from admissions.cli.accounts import account_cli
from admissions.cli.candidates import candidates_cli
from admissions.cli.common import outage_line
from admissions.cli.demo import demo_cli
from admissions.cli.doctor import doctor_command
from admissions.cli.exam import exam_cli
from admissions.cli.export import export_cli
from admissions.cli.files import files_cli
from admissions.cli.imports import import_command
from admissions.cli.jobs import jobs_cli
from admissions.cli.letters import letters_cli
from admissions.cli.rounds import allocate_command, round_cli
from admissions.cli.scores import scores_cli
from admissions.services.wording import command_line


def register_commands(app: Flask) -> None:
    """Attach every command group."""
    for command in (
        account_cli, candidates_cli, demo_cli, letters_cli, exam_cli, scores_cli, export_cli,
        import_command, jobs_cli, allocate_command, round_cli, doctor_command, files_cli,
    ):  # fmt: skip
        worded_for_the_command_line(command)
        app.cli.add_command(command)


def worded_for_the_command_line(command: click.Command) -> None:
    """While ``command`` runs, services word their messages for the command line (they may name
    a command there, never on a page). Wrapped once, however many apps register it."""
    if getattr(command, "_worded", False):
        return
    invoke = command.invoke

    def invoke_worded(ctx: click.Context):  # type: ignore[no-untyped-def]
        with command_line():
            try:
                return invoke(ctx)
            except Exception as error:
                line = outage_line(error)
                if line is None:
                    raise
                click.echo(line, err=True)
                raise SystemExit(2) from None

    command.invoke = invoke_worded  # type: ignore[method-assign]
    command._worded = True  # type: ignore[attr-defined]

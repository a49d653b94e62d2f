"""``flask doctor``: check a deployment and say each problem in words (exit 1 if any)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from admissions.services.deployment import run_checks


@click.command(
    "doctor",
    help="检查部署：数据库、Redis、密钥、Cookie、限流、任务进程、字体、编译缓存、存储空间。",
)
def doctor_command() -> None:
    """Run every check; print one line each; exit 1 when any found a problem."""
    migrate = current_app.extensions["migrate"]
    findings = run_checks(current_app.config, Path(migrate.directory))
    for finding in findings:
        mark = "正常" if finding.ok else "问题"
        click.echo(f"[{mark}] {finding.name}：{finding.detail}")
    problems = sum(1 for finding in findings if not finding.ok)
    if problems:
        click.echo(
            f"发现 {problems} 个问题，请逐条处理后再运行 flask --app wsgi doctor。", err=True
        )
        raise SystemExit(1)
    click.echo("全部检查通过。")

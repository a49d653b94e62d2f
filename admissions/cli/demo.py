"""The ``demo`` command group: load the demo exam with its people, scores and preferences."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from admissions.config import REPO_ROOT

demo_cli = AppGroup("demo", help="演示数据 (demo data).")


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

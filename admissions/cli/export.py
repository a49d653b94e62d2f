"""The ``export`` command group: admissions, cutoffs, the 一分一段 table and the plan as files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
from flask.cli import AppGroup

from admissions.cli.common import fail
from admissions.cli.rounds import exam_by_code
from admissions.cli.scores import exam_or_fail

export_cli = AppGroup("export", help="导出文件 (exports).")


def _export(kind: str) -> Callable[..., None]:
    @click.argument("code")
    @click.option("--batch", default=None, help="批次代码")
    @click.option("--institution", default=None, help="院校代码")
    @click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "pdf"]), default="csv")
    @click.option("--headers", type=click.Choice(["en", "zh"]), default="en")
    @click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
    def command(code: str, batch: str | None, institution: str | None, fmt: str, headers: str,
                output: Path, full_id: bool = False) -> None:  # fmt: skip
        from admissions.services.exports import admissions as ex

        exam = exam_by_code(code)
        if batch and batch not in {b.code for b in exam.batches}:
            raise click.ClickException(f"考试 {code} 没有批次 {batch}")
        if kind == "admissions":
            rows = ex.admission_rows(exam, batch, institution, full_id=full_id)
        else:
            rows = ex.cutoff_rows(exam, batch, institution)
        title = f"{exam.name} {'录取名单' if kind == 'admissions' else '投档线'}"
        try:
            output.write_bytes(ex.export_bytes(kind, rows, fmt, headers, title))
        except OSError as exc:
            raise click.ClickException(f"无法写入 {output}：{exc.strerror}") from None
        click.echo(f"已导出 {len(rows)} 行到 {output}")

    command.__doc__ = f"Export {kind} of an exam (csv, xlsx or pdf)."
    if kind == "admissions":
        command = click.option("--full-id", is_flag=True, help="完整身份证号（默认脱敏）")(command)
    return export_cli.command(kind)(command)


_export("admissions")
_export("cutoffs")


@export_cli.command("ranktable")
@click.argument("code")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "pdf"]), default="csv")
@click.option("--headers", type=click.Choice(["en", "zh"]), default="en")
@click.option("--category", default=None, help="Only this category code.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export_ranktable(code: str, fmt: str, headers: str, category: str | None, output: Path) -> None:
    """The score-rank table (一分一段) of exam CODE, per category."""
    from admissions.services.exports.ranktable import ranktable_bytes
    from admissions.services.scores.compute import ComputeRefused

    exam = exam_or_fail(code)
    try:
        data = ranktable_bytes(exam, fmt, headers, category)
        output.write_bytes(data)
    except ComputeRefused as exc:
        fail(str(exc))
        return
    except OSError as exc:
        fail(f"{output}: 无法写入 (cannot write): {exc}")
        return
    click.echo(f"已导出 {exam.code} 的一分一段表到 {output}")


@export_cli.command("plans")
@click.argument("code")
@click.option("--batch", default=None, help="批次代码")
@click.option("--institution", default=None, help="院校代码")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "pdf"]), default="csv")
@click.option("--headers", type=click.Choice(["en", "zh"]), default="en")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export_plans(
    code: str, batch: str | None, institution: str | None, fmt: str, headers: str, output: Path
) -> None:
    """The published plan of exam CODE (seats after adjustments), in the plans file's columns."""
    from admissions.services.plans.export import plan_bytes, plan_rows

    exam = exam_by_code(code)
    if batch and batch not in {b.code for b in exam.batches}:
        raise click.ClickException(f"考试 {code} 没有批次 {batch}")
    rows = plan_rows(exam, batch, institution)
    try:
        output.write_bytes(plan_bytes(rows, fmt, headers, f"{exam.name} 招生计划"))
    except OSError as exc:
        raise click.ClickException(f"无法写入 {output}：{exc.strerror}") from None
    click.echo(f"已导出 {len(rows)} 行到 {output}")

"""Commands `allocate` and the `round` group (close, publish, window-close)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from flask.cli import AppGroup
from sqlalchemy import select

from admissions.extensions import db
from admissions.models import Exam

round_cli = AppGroup("round", help="轮次 (rounds).")


def exam_by_code(code: str) -> Exam:
    exam = db.session.scalar(select(Exam).where(Exam.code == code))
    if exam is None:
        raise click.ClickException(f"考试 {code} 不存在")
    return exam


def _guarded(action: Callable[[], Any]) -> Any:
    """Run ``action``; user errors become one-line messages and nothing is committed."""
    from admissions.services.rounds.build import RoundError

    try:
        return action()
    except (RoundError, LookupError, ValueError) as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None


@click.command("allocate")
@click.argument("code")
@click.argument("batch")
@click.option("--round", "round_number", type=click.IntRange(1), default=1, show_default=True)
@click.option("--dry-run", is_flag=True, help="模拟投档：显示结果，不保存。")
def allocate_command(code: str, batch: str, round_number: int, dry_run: bool) -> None:
    """Run one round of a batch: dispatch, verify, save; print counts and cutoffs."""
    from admissions.services.rounds.run import find_batch, run_allocation

    exam = exam_by_code(code)
    outcome = _guarded(
        lambda: run_allocation(exam, find_batch(exam, batch), round_number, dry_run=dry_run)
    )
    if outcome.violations:
        db.session.rollback()
        for line in outcome.violations[:50]:
            click.echo(line, err=True)
        raise click.ClickException(
            f"校验失败：{len(outcome.violations)} 处违反投档规则，未保存任何结果"
        )
    db.session.commit()
    _print_outcome(outcome)


def _print_outcome(outcome: Any) -> None:
    c = outcome.counts
    head = "模拟投档（未保存）" if outcome.dry_run else f"已保存投档 run {outcome.run_id}"
    click.echo(f"{head}：批次 {outcome.batch} 第 {outcome.round_number} 轮")
    click.echo(
        f"考生 {c['candidates']}，填报 {c['with_preferences']}，计划 {c['lines']} 条 {c['seats']} 个，"
        f"投档 {c['dispatched']}，退档 {c['rejected']}"
    )
    t = outcome.timings
    click.echo("用时 " + "，".join(f"{k} {v:.3f}s" for k, v in t.items()))
    click.echo("category,institution_code,program_code,seats,dispatched,min_total,min_rank")
    for cut in outcome.cutoffs:
        click.echo(
            f"{cut['category']},{cut['institution_code']},{cut['program_code']},{cut['seats']},"
            f"{cut['dispatched']},{'' if cut['min_total'] is None else cut['min_total']},"
            f"{'' if cut['min_rank'] is None else cut['min_rank']}"
        )


@round_cli.command("close")
@click.argument("code")
@click.argument("batch")
@click.option("--admit-pending", is_flag=True, help="未审核的已投档考生全部录取。")
def round_close_command(code: str, batch: str, admit_pending: bool) -> None:
    """End the open round of a batch: apply decisions (pending ones admitted with the flag)."""
    from admissions.services.rounds.close import close_round
    from admissions.services.rounds.run import find_batch

    exam = exam_by_code(code)
    out = _guarded(lambda: close_round(exam, find_batch(exam, batch), admit_pending=admit_pending))
    db.session.commit()
    click.echo(
        f"批次 {out.batch} 第 {out.round_number} 轮已结束：录取 {out.admitted}"
        f"（其中未审核直接录取 {out.admitted_pending}），退档 {out.rejected}"
    )


@round_cli.command("publish")
@click.argument("code")
@click.argument("batch")
@click.option("--round", "round_number", type=int, required=True, help="轮次")
def round_publish_command(code: str, batch: str, round_number: int) -> None:
    """Publish a saved run's results and cutoffs to candidates (closing a round also does)."""
    from admissions.services.rounds.close import publish_run
    from admissions.services.rounds.run import find_batch

    exam = exam_by_code(code)
    count = _guarded(lambda: publish_run(exam, find_batch(exam, batch), round_number))
    db.session.commit()
    click.echo(f"批次 {batch} 第 {round_number} 轮投档结果已公布（投档 {count} 人）")


@round_cli.command("window-close")
@click.argument("code")
@click.argument("batch")
@click.option("--round", "round_number", type=int, required=True, help="轮次")
def round_window_close_command(code: str, batch: str, round_number: int) -> None:
    """End a round's preference window now, so that the round can be run (audited)."""
    from admissions.services.rounds.windows import close_now, get_round

    exam = exam_by_code(code)
    round_ = get_round(exam, batch, round_number)
    if round_ is None:
        raise click.ClickException(f"考试 {code} 没有批次 {batch} 的第 {round_number} 轮")
    _guarded(lambda: close_now(exam, round_))
    db.session.commit()
    click.echo(f"批次 {batch} 第 {round_number} 轮志愿填报已截止")

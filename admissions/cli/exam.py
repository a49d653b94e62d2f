"""The ``exam`` command group: load a rules file, export the stored rules, change the status."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from admissions.cli.common import fail

exam_cli = AppGroup("exam", help="考试与规则文件 (exams and their rules files).")


@exam_cli.command("load")
@click.argument("rules_file", type=click.Path(dir_okay=False, path_type=Path))
def exam_load(rules_file: Path) -> None:
    """Create the exam from RULES_FILE, or add a new version of its rules."""
    from admissions.extensions import db
    from admissions.services.exam.rules import RulesChangeRefused, RulesError, load_exam_rules

    try:
        text = rules_file.read_text(encoding="utf-8")
    except FileNotFoundError:
        fail(f"{rules_file}：无法读取规则文件，找不到这个文件")
        return
    except UnicodeDecodeError:
        fail(f"{rules_file}：无法读取规则文件，文件须为 UTF-8 编码的文本")
        return
    except OSError as exc:
        fail(f"{rules_file}：无法读取规则文件（{exc.strerror}）")
        return
    try:
        done = load_exam_rules(text, name=rules_file.name)
    except RulesError as exc:
        fail("\n".join(str(issue) for issue in exc.errors))
        return
    except RulesChangeRefused as exc:
        fail(f"{rules_file.name}: {exc}")
        return
    db.session.commit()
    what = "已创建考试" if done.created else "已更新规则" if done.changed else "规则未变化"
    click.echo(f"{what} {done.exam.code}：规则第 {done.version} 版")


@exam_cli.command("export")
@click.argument("code")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def exam_export(code: str, output: Path) -> None:
    """Write the current rules of exam CODE to a TOML file."""
    from admissions.services.exam.rules import export_rules
    from admissions.services.scores.compute import find_exam

    exam = find_exam(code)
    if exam is None:
        fail(f"考试 {code} 不存在")
        return
    try:
        text = export_rules(exam)
        output.write_text(text, encoding="utf-8")
    except LookupError as exc:
        fail(str(exc))
        return
    except OSError as exc:
        fail(f"{output}: 无法写入 (cannot write): {exc}")
        return
    click.echo(f"已导出 {exam.code} 的规则到 {output}")


@exam_cli.command("status")
@click.argument("code")
@click.argument("target", required=False)
def exam_status(code: str, target: str | None) -> None:
    """Show exam CODE's status and the allowed next ones, or move it to TARGET (guarded)."""
    from admissions.extensions import db
    from admissions.models import ExamStatus
    from admissions.services.exam import lifecycle as exam_lifecycle
    from admissions.services.scores.compute import find_exam

    exam = find_exam(code)
    if exam is None:
        fail(f"考试 {code} 不存在")
        return
    if target is None:
        click.echo(
            f"{exam.code}：{exam_lifecycle.STATUS_NAMES[exam.status]}（{exam.status.value}）"
        )
        for step in exam_lifecycle.next_steps(exam):
            click.echo(f"  可执行：{step.target.value}（{step.label}）")
        return
    try:
        wanted = ExamStatus(target)
    except ValueError:
        fail(f"未知状态 {target}；可用：{', '.join(s.value for s in ExamStatus)}")
        return
    try:
        exam_lifecycle.transition(exam, wanted)
    except exam_lifecycle.TransitionRefused as exc:
        fail(f"{exam.code}: {exc}")
        return
    db.session.commit()
    click.echo(f"{exam.code} 状态已改为 {exam_lifecycle.STATUS_NAMES[wanted]}（{wanted.value}）")

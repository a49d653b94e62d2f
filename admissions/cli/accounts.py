"""The ``account`` command group: the first administrator and staff accounts of a deployment."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from admissions.cli.common import fail

account_cli = AppGroup(
    "account", help="账号 (accounts): first administrator, board and university staff."
)


def _password(from_stdin: bool) -> str:
    """The password from one line of stdin, or asked twice at the terminal (not echoed)."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(
        click.prompt(
            "密码 (password)", hide_input=True, confirmation_prompt="再次输入密码 (repeat)"
        )
    )


def _create(username: str, role: str, password: str, **scope: object) -> None:
    from admissions.extensions import db
    from admissions.models import Role
    from admissions.services.admin.accounts import StaffAccount, create_staff_account
    from admissions.services.admin.places import AdminInputError

    try:
        account = create_staff_account(None, StaffAccount(username, Role(role), **scope), password)
    except AdminInputError as error:
        fail(f"{username}: {error}")
        return
    db.session.commit()
    click.echo(f"已创建{_ROLE_NAMES[role]}账号 {account.username}")


_ROLE_NAMES = {"admin": "管理员", "board": "考试院", "university": "高校"}


@account_cli.command("create-admin")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from one line of stdin.")
@click.option("--name", "display_name", default="", help="显示的姓名 (display name).")
def create_admin(username: str, password_stdin: bool, display_name: str) -> None:
    """Create an administrator account USERNAME (the first one of a deployment)."""
    _create(username, "admin", _password(password_stdin), display_name=display_name)


@account_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(["board", "university", "admin"]), required=True)
@click.option("--province", help="Board: GB/T 2260 code of the province (370000, or 37).")
@click.option("--institution", help="University: the 5-digit institution code.")
@click.option("--institution-admin", is_flag=True, help="University: may manage API tokens.")
@click.option("--full-id", is_flag=True, help="May see whole ID numbers in lists.")
@click.option("--name", "display_name", default="", help="显示的姓名 (display name).")
@click.option("--password-stdin", is_flag=True, help="Read the password from one line of stdin.")
@click.option(
    "--temporary", is_flag=True, help="The person must choose their own password at first login."
)
def create(
    username: str, role: str, province: str | None, institution: str | None,
    institution_admin: bool, full_id: bool, display_name: str, password_stdin: bool,
    temporary: bool,
) -> None:  # fmt: skip
    """Create a staff account USERNAME: --role board needs --province, university --institution."""
    scope = {"display_name": display_name, "can_see_full_id": full_id,
             "is_institution_admin": institution_admin,
             "must_change_password": temporary}  # fmt: skip
    if role == "board":
        scope["province_id"] = _province_id(province)
    elif role == "university":
        scope["institution_id"] = _institution_id(institution)
    _create(username, role, _password(password_stdin), **scope)


def _province_id(code: str | None) -> int:
    from admissions.services.admin.places import create_province, province_by_code
    from admissions.services.provinces import PROVINCE_NAMES

    if not code:
        fail("考试院账号必须用 --province 指定省份代码（如 370000 或 37）")
    province = province_by_code(str(code))
    if province is None:
        full = f"{code}0000" if len(str(code)) == 2 else str(code)
        if full not in PROVINCE_NAMES:
            fail(f"未知的省份代码：{code}（应为 GB/T 2260 代码，如 370000 或 37）")
        province = create_province(None, full, PROVINCE_NAMES[full])
    return province.id


def _institution_id(code: str | None) -> int:
    from admissions.services.admin.institutions import CODE_MESSAGE, by_code

    if not code:
        fail("高校账号必须用 --institution 指定院校代码（5 位数字）")
    institution = by_code(str(code))
    if institution is None:
        fail(
            CODE_MESSAGE
            if not str(code).isdigit() or len(str(code)) != 5
            else f"没有院校代码为 {code} 的院校（请先由管理员新增或导入院校）"
        )
    return institution.id

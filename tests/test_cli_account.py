"""`flask account create-admin` and `flask account create`: the first deployment's accounts."""

import pytest
from sqlalchemy import select

from admissions.models import Account, AuditEvent, Province, Role
from admissions.services import accounts
from tests.factories import create_account, create_institution, create_province, login


def _run(app, *args: str, stdin: str | None = None):
    return app.test_cli_runner().invoke(args=["account", *args], input=stdin)


def _account(db, username: str) -> Account | None:
    db.session.expire_all()
    return db.session.scalar(select(Account).where(Account.username == username))


def test_create_admin_from_stdin_then_log_in(app, client, db):
    result = _run(app, "create-admin", "root", "--password-stdin", stdin="first-secret-1\n")
    assert result.exit_code == 0, result.output
    assert "已创建管理员账号 root" in result.output
    account = _account(db, "root")
    assert account.role == Role.ADMIN and account.active
    assert accounts.authenticate("root", "first-secret-1") is not None
    assert login(client, "root", "first-secret-1").headers["Location"] == "/admin/"
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.object_id == account.id))


def test_create_admin_prompts_twice(app, db):
    result = _run(app, "create-admin", "root", stdin="first-secret-1\nfirst-secret-1\n")
    assert result.exit_code == 0, result.output
    assert _account(db, "root") is not None


def test_prompted_passwords_must_match(app, db):
    result = _run(app, "create-admin", "root", stdin="first-secret-1\nother-secret-1\n")
    assert result.exit_code != 0
    assert _account(db, "root") is None


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["create-admin", "root"], "short\n", "密码至少需要8个字符"),
        (["create-admin", "r"], "first-secret-1\n", "用户名为 3 至 60 个字符"),
        (["create-admin", "taken"], "first-secret-1\n", "用户名「taken」已被使用"),
        (["create", "--role", "board", "sdb"], "first-secret-1\n", "必须用 --province 指定省份"),
        (["create", "--role", "board", "--province", "99", "sdb"], "first-secret-1\n", "未知的省份代码：99"),
        (["create", "--role", "university", "u1"], "first-secret-1\n", "必须用 --institution 指定院校代码"),
        (["create", "--role", "university", "--institution", "123", "u1"], "first-secret-1\n", "院校代码应为 5 位数字"),
        (["create", "--role", "university", "--institution", "20002", "u1"], "first-secret-1\n", "没有院校代码为 20002 的院校"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_1(app, db, args, stdin, message):
    create_account("admin", username="taken")
    db.session.commit()
    before = db.session.scalar(select(Account.id).order_by(Account.id.desc()))
    result = _run(app, *args, "--password-stdin", stdin=stdin)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert db.session.scalar(select(Account.id).order_by(Account.id.desc())) == before


def test_create_board_account_by_short_province_code_creates_the_province(app, db):
    result = _run(app, "create", "--role", "board", "--province", "37", "sd-board",
                  "--password-stdin", stdin="board-secret-1\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    account = _account(db, "sd-board")
    assert account.province.code == "370000" and account.province.name == "山东省"
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"province.create", "account.create"} <= actions


def test_create_board_account_for_an_existing_province(app, db):
    province = create_province("320000")
    db.session.commit()
    result = _run(app, "create", "--role", "board", "--province", "320000", "js-board",
                  "--password-stdin", stdin="board-secret-1\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert _account(db, "js-board").province_id == province.id
    assert db.session.scalar(select(Province.id).where(Province.code != "320000")) is None


def test_create_university_account_with_flags(app, db):
    institution = create_institution(code="10001")
    db.session.commit()
    result = _run(app, "create", "--role", "university", "--institution", "10001", "u10001",
                  "--institution-admin", "--full-id", "--name", "王老师",
                  "--password-stdin", stdin="univ-secret-1\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    account = _account(db, "u10001")
    assert account.institution_id == institution.id and account.display_name == "王老师"
    assert account.is_institution_admin and account.can_see_full_id and account.province_id is None

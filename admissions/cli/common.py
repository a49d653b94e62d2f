"""What every command shares: the one-line failure, and the one line when the database or
Redis cannot be reached."""

from __future__ import annotations

import click
from sqlalchemy.exc import DBAPIError, OperationalError


def fail(message: str) -> None:
    """Roll back, print ``message`` to stderr and exit 1 (never a traceback)."""
    from admissions.extensions import db

    db.session.rollback()
    click.echo(message, err=True)
    raise SystemExit(1)


def outage_line(error: BaseException) -> str | None:
    """One line saying which service is unreachable, or None when ERROR is not an outage."""
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    first = (str(getattr(error, "orig", None) or error).strip().splitlines() or [""])[0][:200]
    if isinstance(error, OperationalError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    ):
        return f"错误：无法连接数据库或数据库暂时不可用（{first}），未写入任何数据"
    if isinstance(error, RedisConnectionError | RedisTimeoutError):
        return f"错误：无法连接 Redis（{first}），未写入任何数据"
    return None

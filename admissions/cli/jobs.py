"""``flask jobs worker``: run background jobs queued on Redis (JOBS_BACKEND=rq)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

jobs_cli = AppGroup("jobs", help="后台任务 (background jobs).")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Run the queued jobs, then exit.")
def worker_command(burst: bool) -> None:
    """Run an RQ worker on REDIS_URL's queue JOBS_QUEUE; jobs run in this process."""
    from redis.exceptions import ConnectionError as RedisConnectionError

    from admissions.worker import start_reaper, work_queue

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not burst and app.config.get("JOBS_REAPER", True):
        start_reaper(app)  # jobs whose worker died, or that RQ lost, are failed
    try:
        work_queue(app, burst=burst)
    except RedisConnectionError as error:
        raise click.ClickException(
            f"无法连接 Redis（{app.config['REDIS_URL']}）：{error}"
        ) from None

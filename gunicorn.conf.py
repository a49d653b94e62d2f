"""gunicorn settings read by ``gunicorn wsgi:app`` from this folder.

On a graceful stop (SIGTERM), a worker lets the background jobs it runs in threads (the "thread"
backend) finish within the graceful timeout, and marks failed any it could not wait for, so that
no job is left "running" by a process that is gone. Their work, all or nothing, is rolled back.
"""

graceful_timeout = 30


def worker_exit(server, worker):  # noqa: ANN001, ANN201 (gunicorn's hook signature)
    from admissions.worker import finish_thread_jobs

    app = getattr(worker, "wsgi", None)
    if app is not None and hasattr(app, "app_context"):
        finish_thread_jobs(app, timeout=max(1.0, server.cfg.graceful_timeout - 5))

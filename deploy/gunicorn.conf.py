"""Gunicorn settings of a web host: ``gunicorn -c deploy/gunicorn.conf.py``.

The main values can be changed by environment variables (e.g. in /etc/admissions/admissions.env):
GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_THREADS, GUNICORN_TIMEOUT, GUNICORN_GRACEFUL_TIMEOUT,
GUNICORN_MAX_REQUESTS, GUNICORN_LOGLEVEL.
Long work (large imports, allocation runs, bulk PDFs) runs in ``flask jobs worker``, never in a
request, so a request that takes longer than ``timeout`` is a fault, not a workload.
"""

import multiprocessing
import os
from pathlib import Path


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# The application, from the repository root (this file lives in deploy/).
chdir = str(Path(__file__).resolve().parent.parent)
wsgi_app = "wsgi:app"

# Listen on loopback: nginx on the same host is the only client.
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]

# Workers from cores: 2 × cores + 1 processes (requests wait on PostgreSQL most of the time),
# each with a few threads; capped so that workers × threads stays within the database pool
# budget of deploy/POSTGRES.md.
_cores = multiprocessing.cpu_count()
workers = _int("GUNICORN_WORKERS", min(2 * _cores + 1, 17))
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)

# Timeouts: a worker silent for `timeout` seconds is killed and replaced; nginx's
# proxy_read_timeout (deploy/nginx/admissions.conf) is a little longer, so gunicorn answers first.
timeout = _int("GUNICORN_TIMEOUT", 60)
keepalive = 5

# Graceful stop: on SIGTERM (systemctl stop, a deploy) workers finish the requests in hand for up
# to `graceful_timeout` seconds; systemd's TimeoutStopSec is longer than this.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)

# Recycle workers now and then (jittered, so they do not all restart at once).
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = 500

# The app applies the X-Forwarded-* headers itself (TRUSTED_PROXIES); gunicorn trusts only
# loopback for its own use of them.
forwarded_allow_ips = "127.0.0.1,::1"

# Logs to the journal (systemd) through standard error and standard output.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")

# No control socket (gunicorn 27 would open one under the service user's home): systemctl
# reload/stop send the signals.
control_socket_disable = True

# Refuse absurd request lines and headers early.
limit_request_line = 8190
limit_request_fields = 100

# Python's cycle collector in a worker: once the app is loaded, its ~200,000 objects (modules,
# routes, mappers) are frozen out of the collector's walks (gc.freeze); the young generation is
# collected every 50,000 allocations instead of 700, so a request's objects mostly die before a
# collection and are not promoted. Measured under the page bench (64 users, 4 workers on 2 cores):
# with the defaults, a full collection paused a worker 140 to 480 ms, 12 times in two minutes;
# frozen alone, 5 to 115 ms, 23 times; with these thresholds too, none until the workers stopped.
_GC_THRESHOLDS = (50_000, 20, 100)


def post_worker_init(worker):  # noqa: ANN001, ARG001 (gunicorn's hook signature)
    """Called in each worker once the app is loaded: collect what loading left, freeze the
    rest, then raise the thresholds."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(*_GC_THRESHOLDS)

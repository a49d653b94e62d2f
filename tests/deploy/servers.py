"""Starting the app's own processes for deployment tests: gunicorn with deploy/gunicorn.conf.py,
the job worker, on loopback ports, each stopped by its own process id."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GUNICORN_CONF = REPO / "deploy" / "gunicorn.conf.py"


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def app_environment(database_url: str, instance_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of one host of the app (its own instance folder)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update(
        DATABASE_URL=database_url, ADMISSIONS_INSTANCE_DIR=str(instance_dir),
        SECRET_KEY=os.environ.get("SECRET_KEY", "test-secret-key-not-for-production"),
        SESSION_COOKIE_SECURE="0", PYTHONUNBUFFERED="1",
    )  # fmt: skip
    env.update(extra)
    return env


def start_gunicorn(env: dict[str, str], port: int, cwd: Path, log: Path) -> subprocess.Popen:
    """gunicorn -c deploy/gunicorn.conf.py on 127.0.0.1:PORT; returns once it answers."""
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    env.setdefault("GUNICORN_WORKERS", "1")
    env.setdefault("GUNICORN_THREADS", "2")
    process = spawn([sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF)], env, cwd, log)
    wait_for_http(f"http://127.0.0.1:{port}/login", process, log)
    return process


def spawn(command: list[str], env: dict[str, str], cwd: Path, log: Path) -> subprocess.Popen:
    """Start COMMAND with its output appended to LOG."""
    with log.open("ab") as output:
        return subprocess.Popen(command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT)


def wait_for_http(url: str, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    """Poll URL until it answers; fail with the process's log when it dies or takes too long."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer in {seconds} s:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen, seconds: float = 40) -> int:
    """SIGTERM (a graceful stop), then SIGKILL if it does not end in time; its exit code."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
    return int(process.returncode)

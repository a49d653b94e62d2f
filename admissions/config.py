"""Configuration read from environment variables, with safe defaults for a fresh clone."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# The instance folder (the embedded SQLite default and the development secret): ADMISSIONS_INSTANCE_DIR
# lets two copies of the app on one machine keep their own.
INSTANCE_DIR = Path(os.environ.get("ADMISSIONS_INSTANCE_DIR") or REPO_ROOT / "instance").resolve()
PRODUCTION = "production"


class ConfigurationError(RuntimeError):
    """A setting the deployment must fix before the app can start."""


def database_url(raw: str | None, instance_dir: Path = INSTANCE_DIR) -> str:
    """Return an SQLAlchemy URL; the plain ``postgresql://`` form is mapped to psycopg 3."""
    if not raw:
        instance_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{instance_dir / 'admissions.sqlite3'}"
    for prefix in ("postgresql://", "postgres://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def environment() -> str:
    """ADMISSIONS_ENV: "production" on a real deployment, else "development"."""
    return (os.environ.get("ADMISSIONS_ENV") or "development").strip().lower()


def secret_key(instance_dir: Path = INSTANCE_DIR) -> str:
    """Return SECRET_KEY from the environment, else one generated once and kept in instance/
    (development only: in production every machine must share the one from the environment)."""
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    if environment() == PRODUCTION:
        raise ConfigurationError(
            "ADMISSIONS_ENV=production 时必须设置环境变量 SECRET_KEY（各台服务器相同的随机长字符串，"
            "例如 python -c 'import secrets; print(secrets.token_hex(32))' 生成）。"
        )
    instance_dir.mkdir(parents=True, exist_ok=True)
    path = instance_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip()


def env_flag(name: str, default: bool) -> bool:
    """Read a yes/no environment variable (1/0, true/false, yes/no)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def jobs_backend() -> str:
    """JOBS_BACKEND if set; else "rq" when REDIS_URL is set or in production, else the
    in-process "thread"."""
    configured = os.environ.get("JOBS_BACKEND")
    if configured:
        return configured
    return "rq" if os.environ.get("REDIS_URL") or environment() == PRODUCTION else "thread"


def ratelimit_storage() -> str:
    """RATELIMIT_STORAGE_URI if set; else the Redis of REDIS_URL when set or in production
    (counters shared by every worker and machine); else memory (one process: development)."""
    configured = os.environ.get("RATELIMIT_STORAGE_URI")
    if configured:
        return configured
    if os.environ.get("REDIS_URL") or environment() == PRODUCTION:
        return redis_url()
    return "memory://"


def redis_url() -> str:
    """REDIS_URL; in production it must be set whenever jobs or rate limits default to Redis."""
    configured = os.environ.get("REDIS_URL")
    if configured:
        return configured
    uses_redis = not (os.environ.get("JOBS_BACKEND") and os.environ.get("RATELIMIT_STORAGE_URI"))
    if environment() == PRODUCTION and uses_redis:
        raise ConfigurationError(
            "ADMISSIONS_ENV=production 时后台任务与登录限流默认使用 Redis，必须设置环境变量 "
            "REDIS_URL（例如 redis://10.0.0.5:6379/0），各台服务器指向同一个 Redis。"
        )
    return "redis://127.0.0.1:6379/0"


def env_int(name: str, default: int) -> int:
    """An integer environment variable."""
    value = os.environ.get(name)
    return int(value) if value and value.strip() else default


def engine_options() -> dict[str, object]:
    """Connections checked before use; DB_POOL_SIZE and DB_MAX_OVERFLOW size each process's pool
    (deploy/POSTGRES.md: processes × (pool + overflow) must stay under max_connections)."""
    options: dict[str, object] = {"pool_pre_ping": True}
    for name, key in (("DB_POOL_SIZE", "pool_size"), ("DB_MAX_OVERFLOW", "max_overflow")):
        if os.environ.get(name):
            options[key] = env_int(name, 0)
    return options


def from_environment() -> dict[str, object]:
    """Build the configuration mapping from the process environment."""
    secure_cookies = env_flag("SESSION_COOKIE_SECURE", True)
    return {
        "ADMISSIONS_ENV": environment(),
        "SECRET_KEY": secret_key(),
        # Where SECRET_KEY came from: "environment", or the development "instance file".
        "SECRET_KEY_SOURCE": "environment" if os.environ.get("SECRET_KEY") else "instance file",
        # How many reverse proxies in front set X-Forwarded-For/-Proto/-Host (0: none trusted).
        "TRUSTED_PROXIES": env_int("TRUSTED_PROXIES", 0),
        "SQLALCHEMY_DATABASE_URI": database_url(os.environ.get("DATABASE_URL")),
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(),
        "SESSION_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "RATELIMIT_STORAGE_URI": ratelimit_storage(),
        "RATELIMIT_ENABLED": env_flag("RATELIMIT_ENABLED", True),
        # Failed logins: per (account, address) pair; per account before its backoff; what a
        # pair may still fail during the backoff; per address over all accounts (a school NAT).
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "5 per minute; 30 per hour"),
        "LOGIN_ACCOUNT_LIMIT": os.environ.get("LOGIN_ACCOUNT_LIMIT", "10 per 15 minutes"),
        "LOGIN_BACKOFF_LIMIT": os.environ.get("LOGIN_BACKOFF_LIMIT", "1 per 15 minutes"),
        "LOGIN_ADDRESS_LIMIT": os.environ.get(
            "LOGIN_ADDRESS_LIMIT", "100 per minute; 1000 per hour"
        ),
        # Login sessions: idle minutes and longest hours, staff and students; remembered
        # student sessions (保持登录, 0 days = not offered).
        "SESSION_IDLE_MINUTES_STAFF": env_int("SESSION_IDLE_MINUTES_STAFF", 8 * 60),
        "SESSION_MAX_HOURS_STAFF": env_int("SESSION_MAX_HOURS_STAFF", 12),
        "SESSION_IDLE_MINUTES_STUDENT": env_int("SESSION_IDLE_MINUTES_STUDENT", 120),
        "SESSION_MAX_HOURS_STUDENT": env_int("SESSION_MAX_HOURS_STUDENT", 24),
        "SESSION_REMEMBER_DAYS": env_int("SESSION_REMEMBER_DAYS", 14),
        "MAX_CONTENT_LENGTH": env_int("MAX_UPLOAD_MB", 64) * 1024 * 1024,
        # Import uploads awaiting confirmation one account may keep in the shared storage.
        "UPLOAD_QUOTA_BYTES": env_int("UPLOAD_QUOTA_MB", 200) * 1024 * 1024,
        # The largest file a job may leave in the shared storage (a bulk letters PDF).
        "JOB_OUTPUT_MAX_BYTES": env_int("JOB_OUTPUT_MAX_MB", 1024) * 1024 * 1024,
        "JOBS_BACKEND": jobs_backend(),
        "REDIS_URL": redis_url(),
        "JOBS_QUEUE": os.environ.get("JOBS_QUEUE", "admissions"),
        "JOBS_IMPORT_MIN_BYTES": int(os.environ.get("JOBS_IMPORT_MIN_BYTES", 1_000_000)),
        # Public pages (catalogue, cutoffs): how often each process looks for a new publication,
        # and how long a page is kept at most (services/published/cache.py).
        "PUBLIC_CHECK_SECONDS": env_int("PUBLIC_CHECK_SECONDS", 5),
        # Large PostgreSQL imports check foreign keys once (faster, but the tables are locked).
        "IMPORT_KEYS_CHECKED_ONCE": env_flag("IMPORT_KEYS_CHECKED_ONCE", False),
        "PUBLIC_PAGE_SECONDS": env_int("PUBLIC_PAGE_SECONDS", 30),
        # Flask-Caching's store: in each process, at most this many pages and figures.
        "CACHE_TYPE": "SimpleCache",
        "CACHE_THRESHOLD": 1000,
        "CACHE_DEFAULT_TIMEOUT": 30,
    }

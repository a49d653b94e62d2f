"""Checks of a deployment (``flask --app wsgi doctor``): each says in plain words what is wrong
and how to fix it. They read the app's configuration and reach out themselves (own short-lived
connections with short timeouts), so they run when the database or Redis is down.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MIN_SECRET_LENGTH = 32
CONNECT_TIMEOUT_SECONDS = 5
LOOPBACK = {"", "localhost", "127.0.0.1", "::1"}


@dataclass(frozen=True)
class Finding:
    """The outcome of one check: what was checked, whether it is fine, and the words for it."""

    name: str
    ok: bool
    detail: str


def first_line(error: BaseException) -> str:
    """The first line of an error (the driver's own, not SQLAlchemy's wrapper), kept short."""
    error = getattr(error, "orig", None) or error
    return ((str(error).strip().splitlines() or [type(error).__name__])[0])[:200]


def run_checks(config: Mapping[str, Any], migrations_dir: Path) -> list[Finding]:
    """Every check, in the order an operator fixes things."""
    findings = check_database(config, migrations_dir)
    for check in (
        check_redis, check_secret_key, check_cookies, check_rate_limits, check_worker,
        check_fonts, check_compiled_code, check_free_space,
    ):  # fmt: skip
        findings.extend(check(config))
    return findings


# --- database --------------------------------------------------------------------------------


def _engine(uri: str) -> Any:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    url = make_url(uri)
    args = (
        {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
        if url.get_backend_name() == "postgresql"
        else {}
    )
    return create_engine(url, connect_args=args, poolclass=NullPool)


def shown_url(uri: str) -> str:
    """A database or Redis address without its password."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(uri).render_as_string(hide_password=True)
    except ArgumentError:
        return uri.split("@")[-1]


def check_database(config: Mapping[str, Any], migrations_dir: Path) -> list[Finding]:
    """Reachable, migrated to the head of the migrations, and not the embedded SQLite in
    production (one machine, one writer)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy.exc import SQLAlchemyError

    uri = str(config["SQLALCHEMY_DATABASE_URI"])
    missing = _missing_sqlite_file(uri)
    if missing:
        return [
            Finding(
                "数据库", False, f"数据库文件 {missing} 不存在：请运行 flask --app wsgi db upgrade"
            )
        ]
    engine = _engine(uri)
    try:
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
            stored = _stored_files(connection)
    except SQLAlchemyError as error:
        return [Finding("数据库", False, f"无法连接数据库 {shown_url(uri)}：{first_line(error)}")]
    finally:
        engine.dispose()
    findings = [Finding("数据库", True, f"可以连接 {shown_url(uri)}")]
    heads = set(ScriptDirectory(str(migrations_dir)).get_heads())
    if current == heads:
        findings.append(Finding("数据库结构", True, f"已升级到最新版本 {', '.join(sorted(heads))}"))
    else:
        now = ", ".join(sorted(current)) or "空（尚未建表）"
        findings.append(
            Finding(
                "数据库结构", False,
                f"数据库结构为 {now}，应为 {', '.join(sorted(heads))}："
                "请运行 flask --app wsgi db upgrade",
            )
        )  # fmt: skip
    if stored is not None:
        count, size = stored
        findings.append(
            Finding("共享存储", True, f"数据库中存有 {count} 个文件，共 {size // (1024 * 1024)} MB")
        )
    if uri.startswith("sqlite") and config.get("ADMISSIONS_ENV") == "production":
        findings.append(
            Finding(
                "数据库类型", False,
                "正式环境使用了内置 SQLite（只能一台服务器、一个写入者）："
                "请设置 DATABASE_URL 指向 PostgreSQL",
            )
        )  # fmt: skip
    return findings


def _missing_sqlite_file(uri: str) -> str | None:
    """The embedded database's file when it does not exist (connecting would create it empty)."""
    from sqlalchemy.engine import make_url

    url = make_url(uri)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return None if Path(url.database).exists() else url.database


def _stored_files(connection: Any) -> tuple[int, int] | None:
    """How many files the shared storage holds and their bytes; None before its table exists."""
    from sqlalchemy import func, inspect, select

    from admissions.models import StoredFile

    if not inspect(connection).has_table(StoredFile.__tablename__):
        return None
    row = connection.execute(
        select(func.count(StoredFile.id), func.coalesce(func.sum(StoredFile.size), 0))
    ).one()
    return int(row[0]), int(row[1])


# --- Redis, rate limits, worker ----------------------------------------------------------------


def uses_rq(config: Mapping[str, Any]) -> bool:
    """True when background jobs go through Redis (RQ)."""
    return config.get("JOBS_BACKEND") == "rq"


def _ratelimit_uri(config: Mapping[str, Any]) -> str:
    return str(config.get("RATELIMIT_STORAGE_URI") or "memory://")


def _redis(url: str) -> Any:
    from redis import Redis

    return Redis.from_url(
        url, socket_connect_timeout=CONNECT_TIMEOUT_SECONDS, socket_timeout=CONNECT_TIMEOUT_SECONDS
    )


def redis_problem(url: str) -> str | None:
    """Why the Redis at URL cannot be used, or None when it answers."""
    from redis.exceptions import RedisError

    try:
        _redis(url).ping()
    except (RedisError, OSError, ValueError) as error:
        return f"无法连接 Redis {shown_url(url)}：{first_line(error)}"
    return None


def check_redis(config: Mapping[str, Any]) -> list[Finding]:
    """The Redis of the jobs queue and the one of the rate limits, when they use one."""
    findings = []
    if uses_rq(config):
        problem = redis_problem(str(config["REDIS_URL"]))
        detail = problem or f"后台任务队列的 Redis {shown_url(str(config['REDIS_URL']))} 可以连接"
        findings.append(Finding("Redis（后台任务）", problem is None, detail))
    uri = _ratelimit_uri(config)
    if not uri.startswith("memory"):
        from limits.storage import storage_from_string

        try:
            answered = storage_from_string(uri).check()
        except Exception as error:  # an unknown scheme or a missing driver, said in words
            answered, uri = False, f"{shown_url(uri)}（{first_line(error)}）"
        detail = f"登录限流的存储 {shown_url(uri)} " + ("可以连接" if answered else "无法连接")
        findings.append(Finding("Redis（登录限流）", answered, detail))
    if not findings:
        findings.append(Finding("Redis", True, "未使用 Redis（后台任务与登录限流都不用它）"))
    return findings


def check_rate_limits(config: Mapping[str, Any]) -> list[Finding]:
    """Login limits counted in one store shared by every process and machine."""
    if not config.get("RATELIMIT_ENABLED", True):
        return [
            Finding("登录限流", False, "登录限流已关闭（RATELIMIT_ENABLED=0）：密码可被反复猜测")
        ]
    uri = _ratelimit_uri(config)
    if uri.startswith("memory"):
        return [
            Finding(
                "登录限流", False,
                "登录失败次数记在每个进程自己的内存里（memory://）：N 个进程就放宽 N 倍，"
                "重启即清零；请设置 REDIS_URL 或 RATELIMIT_STORAGE_URI 指向共用的 Redis",
            )
        ]  # fmt: skip
    return [Finding("登录限流", True, f"各进程共用 {shown_url(uri)} 计数")]


def check_worker(config: Mapping[str, Any]) -> list[Finding]:
    """rq: a worker registered on the queue with a recent heartbeat. thread: nothing to ask —
    jobs run in the web processes themselves, and a job queued when one stops is lost, so it is
    a problem in production only. sync: tests only."""
    backend = config.get("JOBS_BACKEND")
    name = "后台任务进程"
    if backend == "thread":
        words = (
            "JOBS_BACKEND=thread：任务在各网页进程内的线程中运行，无单独的任务进程可查；"
            "进程重启时排队中的任务会丢失"
        )
        if config.get("ADMISSIONS_ENV") == "production":
            return [
                Finding(
                    name, False, words + "，正式环境请改用 rq 并运行 flask --app wsgi jobs worker"
                )
            ]
        return [Finding(name, True, words)]
    if backend != "rq":
        return [Finding(name, False, f"JOBS_BACKEND={backend} 只用于测试：请改用 rq")]
    return [_rq_worker(config, name)]


def _rq_worker(config: Mapping[str, Any], name: str) -> Finding:
    from redis.exceptions import RedisError
    from rq import Queue, Worker

    queue_name = str(config.get("JOBS_QUEUE", "admissions"))
    try:
        queue = Queue(queue_name, connection=_redis(str(config["REDIS_URL"])))
        workers = Worker.all(queue=queue)
    except (RedisError, OSError) as error:
        return Finding(
            name, False, f"无法查看队列 {queue_name} 的任务进程（Redis：{first_line(error)}）"
        )
    now = time.time()
    alive = [
        worker for worker in workers
        if worker.last_heartbeat is not None
        and now - worker.last_heartbeat.timestamp() <= 2 * (worker.worker_ttl or 420)
    ]  # fmt: skip
    if not alive:
        return Finding(
            name, False,
            f"没有任务进程在处理队列 {queue_name}：导入、投档和批量通知书会一直排队；"
            "请在一台或多台服务器上运行 flask --app wsgi jobs worker",
        )  # fmt: skip
    hosts = "、".join(sorted({worker.hostname or "?" for worker in alive}))
    return Finding(name, True, f"队列 {queue_name} 有 {len(alive)} 个任务进程（{hosts}）")


# --- secret, cookies, fonts, space --------------------------------------------------------------


def check_secret_key(config: Mapping[str, Any]) -> list[Finding]:
    """SECRET_KEY from the environment (the same on every machine), and long enough."""
    name = "SECRET_KEY"
    if config.get("SECRET_KEY_SOURCE") != "environment":
        return [
            Finding(
                name, False,
                "SECRET_KEY 取自开发用的 instance/secret_key 文件（每台服务器各自生成），"
                "换一台服务器登录就失效：请在环境变量中为所有服务器设置同一个 SECRET_KEY",
            )
        ]  # fmt: skip
    length = len(str(config.get("SECRET_KEY") or ""))
    if length < MIN_SECRET_LENGTH:
        words = f"SECRET_KEY 只有 {length} 个字符，至少需要 {MIN_SECRET_LENGTH} 个随机字符"
        return [Finding(name, False, words)]
    return [Finding(name, True, "取自环境变量，长度足够")]


def check_cookies(config: Mapping[str, Any]) -> list[Finding]:
    """Login cookies sent over HTTPS only."""
    off = [
        key for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE") if not config.get(key)
    ]
    if off:
        return [
            Finding(
                "安全 Cookie", False,
                f"{'、'.join(off)} 已关闭：登录 Cookie 会经明文 HTTP 发送；"
                "正式环境须经 HTTPS 访问，并去掉 SESSION_COOKIE_SECURE=0",
            )
        ]  # fmt: skip
    return [Finding("安全 Cookie", True, "登录 Cookie 只经 HTTPS 发送")]


def check_fonts(config: Mapping[str, Any]) -> list[Finding]:
    """A TrueType CJK font that is embedded in every PDF and draws the letters' words."""
    from admissions.files.pdf import load_font, missing_glyphs

    font = load_font()
    if not font.embedded:
        fix = "请安装 fonts-wqy-zenhei 或设置 ADMISSIONS_PDF_FONT"
        return [Finding("PDF 字体", False, f"{font.warning}：{fix}")]
    missing = "".join(sorted(missing_glyphs("录取通知书考生姓名身份证号院校专业", font)))
    if missing:
        return [Finding("PDF 字体", False, f"字体缺少常用汉字 {missing}：请换一个中文字体")]
    return [Finding("PDF 字体", True, f"中文字体可用（{font.name}）")]


def check_compiled_code(config: Mapping[str, Any]) -> list[Finding]:
    """A folder the service can write where the allocation engine keeps its compiled code;
    without one each process compiles it again before its first allocation (scoring/compiled.py)."""
    import scoring.allocation.kernel  # noqa: F401  (its loops are set up on import, compiled later)
    import scoring.verify_scan  # noqa: F401
    from scoring import compiled

    name, chosen = "分配引擎编译缓存", os.environ.get("NUMBA_CACHE_DIR")
    fix = "请把 NUMBA_CACHE_DIR 设为服务账户可写的目录，例如 /var/cache/admissions/numba"
    if compiled.UNCACHED:
        return [Finding(name, False, "NUMBA_CACHE_DIR（若已设置）、程序目录和服务账户的缓存目录都不可写，"
                        "分配引擎编译的代码无处保存：每个进程首次投档或校验前都要重新编译（本机约十几秒）；" + fix)]  # fmt: skip
    if chosen and not _writable(Path(chosen)):
        return [Finding(name, False, f"NUMBA_CACHE_DIR={chosen} 不可写（代码暂存到了别处）：{fix}")]
    where = f"（NUMBA_CACHE_DIR={chosen}）" if chosen else ""
    return [Finding(name, True, f"编译的代码可存于磁盘，各进程共用{where}")]


def _writable(folder: Path) -> bool:
    """Whether this process can create FOLDER (if missing) and write a file in it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def check_free_space(config: Mapping[str, Any]) -> list[Finding]:
    """Room in the temporary folder (uploads being received, spreadsheets being written) and,
    where this machine can see it, on the database's disk (stored files live there)."""
    minimum = int(config.get("DOCTOR_MIN_FREE_MB", 1024))
    places = [("临时目录", Path(tempfile.gettempdir()))]
    database_dir = _database_dir(str(config["SQLALCHEMY_DATABASE_URI"]))
    if database_dir is not None:
        places.append(("数据库所在磁盘", database_dir))
    return [_space(label, folder, minimum) for label, folder in places]


def _space(label: str, folder: Path, minimum_mb: int) -> Finding:
    try:
        free_mb = shutil.disk_usage(folder).free // (1024 * 1024)
    except OSError as error:
        return Finding(
            f"存储空间（{label}）", False, f"无法查看 {folder} 的剩余空间：{first_line(error)}"
        )
    ok = free_mb >= minimum_mb
    detail = f"{folder} 剩余 {free_mb} MB" + (
        "" if ok else f"，少于要求的 {minimum_mb} MB：请清理或扩容"
    )
    return Finding(f"存储空间（{label}）", ok, detail)


def _database_dir(uri: str) -> Path | None:
    """The folder of the SQLite file, or PostgreSQL's data directory when the server is on
    this machine and lets us read it; None when it cannot be seen from here."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    url = make_url(uri)
    if url.get_backend_name() == "sqlite":
        return Path(url.database).resolve().parent if url.database else None
    if (url.host or "") not in LOOPBACK:
        return None
    engine = _engine(uri)
    try:
        with engine.connect() as connection:
            folder = connection.execute(text("SHOW data_directory")).scalar()
    except SQLAlchemyError:
        return None
    finally:
        engine.dispose()
    return Path(folder) if folder and Path(folder).exists() else None

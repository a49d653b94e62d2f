"""Shared test configuration: hypothesis profiles, and the app/client/db fixtures.

The schema is built by the migrations, once per session: into a fresh SQLite file, or, when
DATABASE_URL is set, into that PostgreSQL database after dropping everything in its public schema.
Each test starts from empty tables (they are emptied after every test).
"""

import os

import pytest
from flask import request_started
from hypothesis import HealthCheck, settings

# Bounded example counts keep the suite fast in CI; HYPOTHESIS_PROFILE=thorough digs deeper.
settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")


def app_config(database_uri: str) -> dict[str, object]:
    """The configuration every test app uses."""
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "LOGIN_RATE_LIMIT": "5 per minute",
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": None,
        "JOBS_BACKEND": "sync",
        # a publication shows on the next request (tests of the delay set their own)
        "PUBLIC_CHECK_SECONDS": 0,
    }


@pytest.fixture(scope="session")
def database_uri(tmp_path_factory: pytest.TempPathFactory) -> str:
    from admissions.config import database_url

    raw = os.environ.get("DATABASE_URL")
    if raw:
        return _per_worker(database_url(raw))
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def _per_worker(uri: str) -> str:
    """Under pytest-xdist, each worker gets its own PostgreSQL database (``test`` → ``test_gw0``),
    created when missing, since every worker drops and rebuilds its schema."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not uri.startswith("postgresql"):
        return uri
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(uri)
    name = f"{url.database}_{worker}"
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def app(database_uri: str):
    """One application for the session, its schema built by running the migrations."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from admissions import create_app
    from admissions.extensions import db

    app = create_app(app_config(database_uri))
    request_started.connect(_forget_request_caches, app)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade()
        db.engine.dispose()
    yield app
    with app.app_context():
        db.engine.dispose()


def _forget_request_caches(sender, **extra) -> None:
    """The tests keep one app context open, so ``g`` outlives each request; drop what
    Flask-Login (the user) and Flask-WTF (the CSRF token) cache there, as a real request would
    start without them. Several test clients (browsers) can then share the app context."""
    from flask import g

    g.pop("_login_user", None)
    g.pop("csrf_token", None)


@pytest.fixture
def db(app):
    """The database inside an app context; every table is emptied after the test."""
    from admissions.extensions import cache, limiter
    from admissions.extensions import db as database

    with app.app_context():
        yield database
        database.session.remove()
        _empty_tables(database)
        cache.clear()
    limiter.reset()


def _empty_tables(database) -> None:
    from sqlalchemy import text

    tables = list(reversed(database.metadata.sorted_tables))
    with database.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture
def client(app, db):
    """A test client; the db fixture keeps tables clean around it."""
    return app.test_client()

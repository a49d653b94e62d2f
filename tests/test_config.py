"""Configuration from the environment."""

from admissions.config import database_url, secret_key


def test_plain_postgresql_url_uses_psycopg():
    assert database_url("postgresql://postgres@127.0.0.1:5432/test") == (
        "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    assert database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"


def test_explicit_driver_is_kept():
    assert database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"


def test_default_database_is_sqlite_under_instance(tmp_path):
    assert database_url(None, tmp_path) == f"sqlite:///{tmp_path / 'admissions.sqlite3'}"


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = secret_key(tmp_path)
    assert len(first) == 64 and secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_secret_key_from_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-env")
    assert secret_key(tmp_path) == "from-env"
    assert not (tmp_path / "secret_key").exists()

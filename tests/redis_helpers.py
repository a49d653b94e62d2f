"""Tests that need a Redis server: its address, or a skip that says why."""

import os

import pytest


def redis_url() -> str:
    """The Redis the tests may use (TEST_REDIS_URL, else the local default)."""
    return os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_or_skip() -> str:
    """The Redis URL when a server answers there; else skip the test, saying so."""
    from redis import Redis
    from redis.exceptions import RedisError

    url = redis_url()
    try:
        Redis.from_url(url, socket_connect_timeout=1).ping()
    except (RedisError, OSError) as error:
        pytest.skip(f"no Redis at {url}: {error}")
    return url

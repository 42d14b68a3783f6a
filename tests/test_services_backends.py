"""Redis as the cache when REDIS_URL is set (required under CI=true)."""

from __future__ import annotations

import os
import uuid

import pytest
from django.core.cache.backends.redis import RedisCache

from tests.services import reachable, require

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379


@pytest.mark.redis
def test_redis_cache_round_trip():
    require(reachable(REDIS_HOST, REDIS_PORT), f"Redis at {REDIS_HOST}:{REDIS_PORT}")
    cache = RedisCache(f"redis://{REDIS_HOST}:{REDIS_PORT}/15", {})
    key = f"needlepoint-test-{uuid.uuid4().hex}"
    cache.set(key, {"ok": 1}, timeout=30)
    assert cache.get(key) == {"ok": 1}
    cache.delete(key)
    assert cache.get(key) is None


def test_database_engine_matches_the_run(settings):
    """The suite runs on SQLite by default and on PostgreSQL when DATABASE_URL says so."""
    wanted = os.environ.get("DATABASE_URL", "")
    engine = settings.DATABASES["default"]["ENGINE"]
    if wanted.startswith("postgres"):
        assert engine == "django.db.backends.postgresql"
    else:
        assert engine == "django.db.backends.sqlite3"

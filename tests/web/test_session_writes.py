"""A page view writes the session row only when the session changed; with Redis, sessions
are read from it (REDIS_URL: the cache, and sessions through it)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import signed_in
from tests.factories import PASSWORD
from tests.services import reachable, require
from tests.two_factor import app_code, enrol

REDIS = "redis://127.0.0.1:6379/3"


def _session_queries(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries if "django_session" in q["sql"]]


def _writes(queries: list[str]) -> list[str]:
    return [sql for sql in queries if sql.lstrip().upper().startswith(("UPDATE", "INSERT"))]


@pytest.mark.parametrize("url", ["/dashboard/", "/patients/", "/alerts/"])
def test_a_staff_page_view_writes_no_session_row(practitioner: Any, url: str) -> None:
    client = signed_in(practitioner)
    client.get(url)  # the first view after signing in notes when the session was last seen
    queries = _session_queries(client, url)
    assert queries, "the session is read"
    assert _writes(queries) == []


def test_a_page_view_after_password_and_code_writes_no_session_row(practitioner: Any) -> None:
    """Signed in through the sign-in page (axes watching) and a two-factor code (django-otp
    keeps the device in the session): neither writes the session on a page view."""
    device, _ = enrol(practitioner)
    client = Client()
    client.post("/accounts/login/", {"username": practitioner.user.email, "password": PASSWORD})
    assert (
        client.post("/accounts/two-factor/verify/", {"code": app_code(device)}).status_code == 302
    )
    client.get("/dashboard/")
    queries = _session_queries(client, "/dashboard/")
    assert queries, "signed in, verified"
    assert _writes(queries) == []


def test_a_portal_page_view_writes_no_session_row(portal_patient: Any) -> None:
    client = signed_in(portal_patient)
    client.get("/portal/")
    assert _writes(_session_queries(client, "/portal/")) == []


def test_a_session_that_changed_is_written(practitioner: Any) -> None:
    client = signed_in(practitioner)
    client.get("/dashboard/")
    session = client.session
    session["needlepoint_last_seen"] -= 60  # a minute ago: the idle clock moves on
    session.save()
    assert len(_writes(_session_queries(client, "/dashboard/"))) == 1


@pytest.fixture
def redis_sessions(settings: Any) -> None:
    require(reachable("127.0.0.1", 6379), "Redis at 127.0.0.1:6379")
    prefix = f"needlepoint-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": prefix,
        },
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    yield
    # Only this test's keys: another run may be using the same Redis database.
    client = caches["default"]._cache.get_client(write=True)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


@pytest.mark.redis
def test_with_redis_a_page_view_reads_the_session_from_it(
    redis_sessions: None, practitioner: Any
) -> None:
    client = signed_in(practitioner)
    client.get("/dashboard/")
    key = client.cookies["sessionid"].value
    assert caches["default"].get(f"django.contrib.sessions.cached_db{key}") is not None
    assert _session_queries(client, "/dashboard/") == []  # neither read nor written


def test_redis_url_puts_sessions_and_the_cache_in_redis() -> None:
    code = (
        "from django.conf import settings; "
        "print(settings.SESSION_ENGINE, settings.CACHES['default']['BACKEND'])"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "needlepoint.config.settings"}
    found = {}
    for redis_url in ("", REDIS):
        env["REDIS_URL"] = redis_url
        run = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        found[redis_url] = run.stdout.split()
    assert found[""] == [
        "django.contrib.sessions.backends.db",
        "django.core.cache.backends.filebased.FileBasedCache",
    ]
    assert found[REDIS] == [
        "django.contrib.sessions.backends.cached_db",
        "django.core.cache.backends.redis.RedisCache",
    ]

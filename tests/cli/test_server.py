"""How `needlepoint serve` runs gunicorn: threaded workers on PostgreSQL and sync ones on
SQLite by default (ADR 26), either on request, and no database connection open when the
workers fork."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from click.testing import CliRunner
from django.db import connection, connections

from needlepoint.cli import server
from needlepoint.cli.main import cli


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The gunicorn options each start would run with, and whether a connection was open."""
    seen: list[dict[str, Any]] = []
    closed = []
    close_all = connections.close_all

    def close() -> None:
        closed.append(True)
        close_all()

    def run(app: server.GunicornServer) -> None:
        seen.append({**app.options, "closed before": bool(closed)})

    monkeypatch.setattr(connections, "close_all", close)
    monkeypatch.setattr(server.GunicornServer, "run", run)
    # Django's deployment checks are tested elsewhere; here they would refuse the setting the
    # browser tests leave for their live server (DJANGO_ALLOW_ASYNC_UNSAFE).
    monkeypatch.setattr("django.core.management.call_command", lambda *args, **kwargs: None)
    monkeypatch.setenv("SECRET_KEY", "kq3V9-xR2mT7pL0sWz4bN8cYd1FgHj6e5UoIaQrKvXtZyM_nB2wE")
    return seen


def _serve(*flags: str) -> None:
    result = CliRunner().invoke(cli, ["serve", "--port", "8999", *flags])
    assert result.exit_code == 0, result.output


@pytest.mark.django_db(transaction=True)
def test_serve_picks_its_workers_by_the_database(started: list[dict[str, Any]]) -> None:
    _serve("--workers", "3")
    expected = ("gthread", 3, 4) if connection.vendor == "postgresql" else ("sync", 3, 1)
    assert [(o["worker_class"], o["workers"], o["threads"]) for o in started] == [expected]
    assert server.default_worker_class("postgresql") == "gthread"
    assert server.default_worker_class("sqlite") == "sync"


@pytest.mark.django_db(transaction=True)
def test_serve_takes_either_worker_class(started: list[dict[str, Any]]) -> None:
    _serve("--worker-class", "sync")
    _serve("--worker-class", "gthread", "--threads", "8")
    assert [(o["worker_class"], o["threads"]) for o in started] == [("sync", 1), ("gthread", 8)]


@pytest.mark.django_db(transaction=True)
def test_workers_fork_with_no_database_connection_open(started: list[dict[str, Any]]) -> None:
    """The checks before serving use the database; a connection left open would be shared
    by every forked worker, which then read each other's results. (The test database in
    memory never really closes, so the test sees the call.)"""
    _serve()
    assert started[0]["closed before"] is True


def _database_settings(**env: str) -> list[str]:
    code = (
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "needlepoint.config.settings", **env}
    run = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    )
    return run.stdout.split()


def test_postgresql_connections_persist_and_are_checked_by_default() -> None:
    postgres = "postgres://needlepoint@127.0.0.1:5432/needlepoint"
    assert _database_settings(DATABASE_URL=postgres) == ["600", "True"]
    assert _database_settings(DATABASE_URL=postgres, DATABASE_CONN_MAX_AGE="0") == ["0", "True"]
    assert _database_settings(DATABASE_URL="")[0] == "0"  # SQLite: a connection per request

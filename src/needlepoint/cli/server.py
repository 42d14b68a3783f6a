"""Running the WSGI app under gunicorn, in-process."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication


class GunicornServer(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from needlepoint.config.wsgi import application

        return application


# A Unix socket's path is at most 107 bytes on Linux; a longer one could not be bound.
MAX_SOCKET_PATH = 100


def control_socket(data_dir: Path, port: int) -> dict[str, Any]:
    """Gunicorn's control socket, one per data directory and port: by default gunicorn puts
    every instance of a user on the same path, so a second one would take over the first's."""
    path = data_dir / f"gunicorn-{port}.ctl"
    if len(str(path)) > MAX_SOCKET_PATH:
        return {"control_socket_disable": True}
    return {"control_socket": str(path), "control_socket_mode": 0o600}


WORKER_CLASSES = ("sync", "gthread")
DEFAULT_THREADS = 4


def default_worker_class(vendor: str) -> str:
    """Measured (ADR 26): on PostgreSQL threads overlap their waits on the database; on SQLite,
    whose writers queue anyway, one request per process answered faster."""
    return "gthread" if vendor == "postgresql" else "sync"


def default_workers() -> int:
    return max(2, (os.cpu_count() or 1) * 2 + 1)


def run_server(
    host: str,
    port: int,
    workers: int,
    *,
    access_log: bool,
    worker_class: str | None = None,
    threads: int = DEFAULT_THREADS,
) -> None:
    from django.conf import settings
    from django.db import connection, connections

    worker_class = worker_class or default_worker_class(connection.vendor)

    options: dict[str, Any] = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": worker_class,
        "threads": threads if worker_class == "gthread" else 1,
        "timeout": 60,
        "graceful_timeout": 20,
        "forwarded_allow_ips": "127.0.0.1",
        "accesslog": "-" if access_log else None,
        "errorlog": "-",
        **control_socket(settings.DATA_DIR, port),
    }
    # The checks before serving opened a connection; forked workers must not share its
    # socket (with persistent connections they would read each other's results).
    connections.close_all()
    GunicornServer(options).run()

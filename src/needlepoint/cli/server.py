"""Running the WSGI app under gunicorn, in-process."""

from __future__ import annotations

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


def run_server(host: str, port: int, workers: int, *, access_log: bool) -> None:
    options: dict[str, Any] = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": 4,
        "timeout": 60,
        "graceful_timeout": 20,
        "forwarded_allow_ips": "127.0.0.1",
        "accesslog": "-" if access_log else None,
        "errorlog": "-",
    }
    GunicornServer(options).run()

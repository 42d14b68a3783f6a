"""What auditing costs a request: the demo clinic's pages and API reads, served in-process by
concurrent clients of one clinic (its chain head is theirs to share), each once as it is and
once with the audit writes switched off (the floor, in the same run, interleaved in rounds;
the best round of each counts).

For each request it prints the audit events written, the milliseconds per request with and
without them, the ratio and the difference (the audit cost per request). Connections are
persistent, so the figure is the audit's, not a connection's.

`.venv/bin/python -m bench.audit_per_request` (SQLite), or with
`DATABASE_URL=postgres://...` (PostgreSQL). It creates and drops its own test database.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PRACTITIONER = "practitioner@demo.needlepoint.test"
AUDIT_FUNCTIONS = ("audit_record", "audit_read")
# (label, path), with {patient} and {session} from the demo data
REQUESTS = [
    ("patient page", "/patients/{patient}/"),
    ("timeline", "/patients/{patient}/timeline/"),
    ("session page", "/sessions/{session}/"),
    ("mail page", "/patients/{patient}/notifications/"),
    ("patient list", "/patients/"),
    ("dashboard", "/dashboard/"),
    ("API patient", "/api/v1/patients/{patient}"),
    ("API patients", "/api/v1/patients"),
]


@contextmanager
def audit_off() -> Iterator[None]:
    """Every module's audit functions (also those imported by name) do nothing meanwhile."""
    saved: list[tuple[Any, str, Any]] = []
    for module in [m for name, m in sys.modules.items() if name.startswith("needlepoint.")]:
        for name in AUDIT_FUNCTIONS:
            if hasattr(module, name):
                saved.append((module, name, getattr(module, name)))
                setattr(module, name, lambda *args, **kwargs: None)
    try:
        yield
    finally:
        for module, name, function in saved:
            setattr(module, name, function)


def _run(clients: list[Any], path: str, requests: int) -> float:
    """Milliseconds per request, every client requesting at once."""
    from django.db import connection

    barrier = threading.Barrier(len(clients) + 1)
    failures: list[str] = []

    def client(browser: Any) -> None:
        barrier.wait()
        for _ in range(requests):
            status = browser.get(path).status_code
            if status != 200:
                failures.append(f"{path}: {status}")
        connection.close()

    threads = [threading.Thread(target=client, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(failures[0])
    return (time.perf_counter() - started) * 1000 / (len(clients) * requests)


def _clients(count: int) -> tuple[list[Any], dict[str, str]]:
    """Signed-in practitioners' browsers and API clients, and the ids the paths name."""
    from django.test import Client

    from needlepoint.accounts.models import User
    from needlepoint.accounts.tokens import token_create
    from needlepoint.courses.models import Session

    user = User.objects.get(email=PRACTITIONER)
    session = Session.objects.filter(clinic__slug="demo").order_by("pk").first()
    assert session is not None, "the demo data has sessions"
    browsers, apis = [], []
    for _ in range(count):
        browser = Client()
        browser.force_login(user)
        browsers.append(browser)
        apis.append(Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user)[1]}"))
    ids = {"patient": str(session.patient_id), "session": str(session.pk)}
    return browsers + apis, ids


def _events(client: Any, path: str) -> int:
    from needlepoint.safety.models import AuditEvent

    before = AuditEvent.objects.count()
    client.get(path)
    return AuditEvent.objects.count() - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20, help="per client, mode and round")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "needlepoint.config.settings")
    os.environ["NEEDLEPOINT_DATA_DIR"] = str(data_dir)  # its own audit key
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["DATABASE_CONN_MAX_AGE"] = "600"
    os.environ["NEEDLEPOINT_API_RATE_LIMIT"] = "1000000/min"
    import django
    from django.conf import settings

    django.setup()
    from django.db import connection

    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(data_dir / "bench.sqlite3")
    from needlepoint.cli.demo_data import seed_demo

    test_database = connection.creation.create_test_db(verbosity=0, keepdb=False)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    rows: list[tuple[str, float, float, float]] = []
    try:
        seed_demo("bench-password")
        clients, ids = _clients(args.clients)
        for label, template in REQUESTS:
            path = template.format(**ids)
            group = clients[args.clients :] if path.startswith("/api/") else clients
            group = group[: args.clients]
            events = _events(group[0], path)
            audited, floor = [], []
            for _ in range(args.rounds):  # interleaved, the best of each: noise only adds
                audited.append(_run(group, path, args.requests))
                with audit_off():
                    floor.append(_run(group, path, args.requests))
            rows.append((label, events, min(audited), min(floor)))
    finally:
        connection.close()
        connection.creation.destroy_test_db(test_database, verbosity=0)
    _report(rows, connection.vendor, args.clients, args.requests)


def _report(
    rows: list[tuple[str, float, float, float]], vendor: str, clients: int, requests: int
) -> None:
    print(f"{vendor}, {clients} concurrent clients of one clinic, {requests} requests each")
    print(
        f"{'request':<14}{'events':>7}{'audited ms':>12}{'floor ms':>10}{'ratio':>7}{'cost ms':>9}"
    )
    count = len(rows)
    mean = (
        "mean",
        sum(row[1] for row in rows) / count,
        sum(row[2] for row in rows) / count,
        sum(row[3] for row in rows) / count,
    )
    for label, events, audited, floor in [*rows, mean]:
        print(
            f"{label:<14}{events:>7.2f}{audited:>12.2f}{floor:>10.2f}"
            f"{audited / floor:>6.2f}x{audited - floor:>9.2f}"
        )


if __name__ == "__main__":
    main()

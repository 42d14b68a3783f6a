"""Cost of an audited request's audit write under concurrent requests of two clinics, as a
ratio to a floor measured in the same run: the same transaction with a plain insert instead of
the chain (what recording an event costs at least).

Each simulated request is one transaction: the audit write, then 1 ms of further work before
the commit (a request's transaction does not end at its audit write), so a chain head locked
by one request is held through that work and the commit. Modes:

- floor: a plain insert into a scratch table, no chain head;
- single head: every clinic's events in one chain (as before ADR 15);
- per clinic: each clinic's own chain (now).

Run on PostgreSQL (on SQLite every write is serialised by the database, so the mode changes
nothing): `DATABASE_URL=postgres://... .venv/bin/python -m bench.audit_chain`. It creates and
drops a test database next to the one named.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from collections.abc import Callable

CLINICS = (1, 2)
WORK_SECONDS = 0.001


def _run(threads_per_clinic: int, requests: int, write: Callable[[int, int], None]) -> float:
    """Seconds per request, all threads of both clinics running at once."""
    from django.db import connection, transaction

    barrier = threading.Barrier(len(CLINICS) * threads_per_clinic + 1)

    def client(clinic_id: int) -> None:
        barrier.wait()
        for number in range(requests):
            with transaction.atomic(), connection.cursor() as cursor:
                write(clinic_id, number)
                cursor.execute("SELECT pg_sleep(%s)", [WORK_SECONDS])
        connection.close()

    workers = [
        threading.Thread(target=client, args=(clinic_id,))
        for clinic_id in CLINICS
        for _ in range(threads_per_clinic)
    ]
    for worker in workers:
        worker.start()
    barrier.wait()
    started = time.perf_counter()
    for worker in workers:
        worker.join()
    return (time.perf_counter() - started) / (len(workers) * requests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="per thread")
    parser.add_argument("--threads-per-clinic", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "needlepoint.config.settings")
    os.environ.setdefault("NEEDLEPOINT_DATA_DIR", tempfile.mkdtemp())  # its own audit key
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("run with DATABASE_URL=postgres://... (see the docstring)")
    from needlepoint.safety import audit

    test_database = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TABLE bench_floor (id bigserial PRIMARY KEY, clinic_id bigint, "
                "at timestamptz DEFAULT now(), detail jsonb)"
            )
        connection.close()

        def plain(clinic_id: int, number: int) -> None:
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO bench_floor (clinic_id, detail) VALUES (%s, %s)",
                    [clinic_id, f'{{"n": {number}}}'],
                )

        def chained(clinic_id: int, number: int) -> None:
            audit.audit_record(None, "bench.read", "patient", number, clinic_id=clinic_id)

        per_clinic = audit.chain_of
        floor = _run(args.threads_per_clinic, args.requests, plain)
        audit.chain_of = lambda clinic_id: audit.SYSTEM_CHAIN
        single = _run(args.threads_per_clinic, args.requests, chained)
        audit.chain_of = per_clinic
        separate = _run(args.threads_per_clinic, args.requests, chained)
    finally:
        connection.close()
        connection.creation.destroy_test_db(test_database, verbosity=0)
    threads = len(CLINICS) * args.threads_per_clinic
    print(f"{threads} threads ({args.threads_per_clinic} per clinic), {args.requests} each")
    print(f"floor (plain insert):  {floor * 1000:6.2f} ms per request")
    print(f"single chain head:     {single * 1000:6.2f} ms  = {single / floor:4.2f}x the floor")
    print(f"one chain per clinic:  {separate * 1000:6.2f} ms  = {separate / floor:4.2f}x the floor")


if __name__ == "__main__":
    main()

"""The calendar at a busy clinic's volume: `.venv/bin/python -m bench.calendar_week` (SQLite),
or with `DATABASE_URL=postgres://...` (PostgreSQL). It creates and drops its own test database.

Two clinics are made alike (eight practitioners, their rooms, weekday hours): the busy one
holds two years of forty appointments a practitioner a week (8 x 40 x 104 = 33,280, with
their reservations), the quiet one only the week that is measured, with the same
appointments in it. The week view of one practitioner and the day view of every practitioner
are requested at both; the quiet clinic is the floor, in the same run and interleaved in
rounds (the best round of each counts). It prints the queries of each page (the same at both:
constant in the appointments held), the milliseconds per request and their ratio to the floor,
which says what two years of history cost a page on any machine.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

PRACTITIONERS = 8
PER_WEEK = 40  # appointments of a practitioner a week: eight a weekday
WEEKS = 104
ZONE = "Europe/London"
VISIT = timedelta(minutes=30)
GAP = timedelta(minutes=45)


def _clinic(slug: str) -> dict[str, Any]:
    """A clinic with its admin, front desk, practitioners (with hours), rooms and a type."""
    from needlepoint.accounts.models import User
    from needlepoint.clinics.actors import actor_for
    from needlepoint.clinics.models import Staff
    from needlepoint.clinics.services import clinic_create
    from needlepoint.scheduling import services

    clinic = clinic_create(slug=slug, name=slug.title(), time_zone=ZONE, record_prefix="B")

    def member(role: str, n: int = 0) -> Staff:
        user = User.objects.create(email=f"{role}{n}@{slug}.bench", full_name=f"{role} {n}")
        licence = f"L-{n}" if role == "practitioner" else ""
        return Staff.objects.create(user=user, clinic=clinic, role=role, licence_number=licence)

    admin = actor_for(member("clinic_admin").user)
    assert admin is not None
    desk = member("front_desk")
    staff = [member("practitioner", n) for n in range(PRACTITIONERS)]
    rooms = [services.room_create(admin, name=f"Room {n}") for n in range(PRACTITIONERS)]
    consultation = services.appointment_type_create(
        admin, kind="consultation", name="Consultation", minutes=30
    )
    for practitioner in staff:
        stretches = [(day, clock(9), clock(17, 30)) for day in range(5)]
        services.working_hours_set(admin, practitioner.pk, stretches)
    return {"clinic": clinic, "desk": desk, "staff": staff, "rooms": rooms, "type": consultation}


def _fill(made: dict[str, Any], weeks: list[date], patients: int) -> int:
    """Bulk-written appointments and their reservations (the services' checks would take
    hours at this volume, and the bench measures reads)."""
    from needlepoint.patients.models import Patient
    from needlepoint.scheduling.models import Appointment, Reservation

    clinic, zone = made["clinic"], ZoneInfo(ZONE)
    people = Patient.objects.bulk_create(
        Patient(
            clinic=clinic,
            record_number=f"B-{n:06d}",
            given_name=f"Given{n}",
            family_name=f"Family{n}",
            date_of_birth=date(1990, 1, 1),
            sex="female",
        )
        for n in range(patients)
    )
    written = 0
    for monday in weeks:
        appointments: list[Appointment] = []
        for p, practitioner in enumerate(made["staff"]):
            for n in range(PER_WEEK):
                day, slot = divmod(n, PER_WEEK // 5)
                starts = datetime.combine(monday + timedelta(days=day), clock(9), tzinfo=zone)
                starts += slot * GAP
                appointments.append(
                    Appointment(
                        clinic=clinic,
                        patient=people[(written + len(appointments)) % len(people)],
                        type=made["type"],
                        practitioner=practitioner,
                        room=made["rooms"][p],
                        starts_at=starts,
                        procedure_starts_at=starts,
                        ends_at=starts + VISIT,
                        booked_by=made["desk"].user,
                    )
                )
        Appointment.objects.bulk_create(appointments)
        Reservation.objects.bulk_create(
            Reservation(
                clinic=clinic,
                appointment=a,
                starts_at=a.starts_at,
                ends_at=a.ends_at,
                **resource,
            )
            for a in appointments
            for resource in ({"staff": a.practitioner}, {"room": a.room})
        )
        written += len(appointments)
    return written


def _measure(client: Any, path: str, requests: int) -> tuple[float, int]:
    """Milliseconds per request, and the queries of one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200, path
    queries = len(captured.captured_queries)  # read now: the next requests clear the log
    started = time.perf_counter()
    for _ in range(requests):
        client.get(path)
    return (time.perf_counter() - started) * 1000 / requests, queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20, help="per page, clinic and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--weeks", type=int, default=WEEKS)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "needlepoint.config.settings")
    os.environ["NEEDLEPOINT_DATA_DIR"] = str(data_dir)
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["DATABASE_CONN_MAX_AGE"] = "600"
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(data_dir / "bench.sqlite3")
    test_database = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        busy, quiet = _clinic("busy"), _clinic("quiet")
        today = date.today()
        measured = today - timedelta(days=today.weekday())
        history = [measured - timedelta(weeks=w) for w in range(args.weeks - 1, -1, -1)]
        started = time.perf_counter()
        held = _fill(busy, history, patients=3_000)
        _fill(quiet, [measured], patients=PER_WEEK * PRACTITIONERS)
        seconds = time.perf_counter() - started
        print(f"{connection.vendor}: {held} appointments written in {seconds:.0f} s")
        rows = []
        for label, template in (
            ("week, one practitioner", "/calendar/?practitioner={p}&day={day}"),
            ("day, all practitioners", "/calendar/?view=day&day={day}"),
        ):
            figures: dict[str, list[tuple[float, int]]] = {"busy": [], "quiet": []}
            clients = {}
            for name, made in (("busy", busy), ("quiet", quiet)):
                client = Client()
                client.force_login(made["desk"].user)
                path = template.format(p=made["staff"][0].pk, day=measured.isoformat())
                clients[name] = (client, path)
            for _ in range(args.rounds):
                for name, (client, path) in clients.items():
                    figures[name].append(_measure(client, path, args.requests))
            rows.append((label, min(figures["busy"]), min(figures["quiet"])))
    finally:
        connection.close()
        connection.creation.destroy_test_db(test_database, verbosity=0)
    print(f"{'page':<24}{'queries':>8}{'floor q.':>9}{'busy ms':>9}{'floor ms':>9}{'ratio':>7}")
    for label, (busy_ms, busy_queries), (quiet_ms, quiet_queries) in rows:
        print(
            f"{label:<24}{busy_queries:>8}{quiet_queries:>9}{busy_ms:>9.2f}{quiet_ms:>9.2f}"
            f"{busy_ms / quiet_ms:>6.2f}x"
        )


if __name__ == "__main__":
    main()

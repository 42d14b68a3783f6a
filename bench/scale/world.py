"""The benchmark's clinic: the demo seeded into a fresh database, grown with `needlepoint
bench-data`, and the requests each endpoint is timed with (ids sampled from the data)."""

from __future__ import annotations

import json
import random
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg

CLINIC = "demo"
PRACTITIONER = "practitioner@demo.needlepoint.test"
SAMPLE = 1000
PORTAL_PATIENTS = 100
TIMELINE_SESSIONS = 200

# What a patient reports a day or two after a session.
SYMPTOMS = {"redness": 3, "swelling": 2, "pain": 1}


def reset_database(url: str) -> None:
    """Drop and create the benchmark's database (its name must say it is one)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"refusing to reset {name!r}: the benchmark's database name has 'bench'")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def reset_cache(url: str) -> None:
    """Empty the benchmark's Redis database: no sessions or counts of an earlier run."""
    import redis

    redis.Redis.from_url(url).flushdb()


def seed(password: str) -> None:
    from needlepoint.cli.demo_data import seed_demo
    from needlepoint.cli.django_app import migrate

    migrate()
    seed_demo(password)


def generate(data_dir: Path, patients: int, sessions_per_patient: int, seed: int) -> None:
    """Append generated patients to the clinic through the command clinics would use."""
    command = [sys.executable, "-m", "needlepoint.cli.main", "bench-data", "--clinic", CLINIC]
    command += ["--patients", str(patients), "--sessions-per-patient", str(sessions_per_patient)]
    command += ["--seed", str(seed), "--data-dir", str(data_dir), "--force"]
    subprocess.run(command, check=True)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: object = None

    def line(self) -> str:
        headers = "|".join(f"{k}: {v}" for k, v in self.headers.items()) or "-"
        body = "-" if self.body is None else json.dumps(self.body)
        return f"{self.method}\t{self.path}\t{headers}\t{body}"


def _signed_in(user: object) -> dict[str, str]:
    """A session cookie (and CSRF token) for the user, as a browser would send them."""
    from django.test import Client

    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    csrf = secrets.token_hex(16)
    session = client.cookies["sessionid"].value
    return {"Cookie": f"sessionid={session}; csrftoken={csrf}", "X-CSRFToken": csrf}


def timeline_patient() -> str:
    """The clinic's patient with the most sessions (generated with TIMELINE_SESSIONS)."""
    from django.db.models import Count

    from needlepoint.courses.models import Session

    busiest = (
        Session.objects.filter(clinic__slug=CLINIC)
        .values("patient")
        .annotate(sessions=Count("id"))
        .order_by("-sessions")
        .first()
    )
    assert busiest is not None, "bench-data generated no sessions"
    return str(busiest["patient"])


def requests(timeline_patient_id: str, rng: random.Random) -> dict[str, list[Request]]:
    """Every endpoint's requests, over ids sampled from the clinic's data."""
    from django.db.models import Exists, OuterRef

    from needlepoint.accounts.models import User
    from needlepoint.cli.demo_answers import CLEAR_ANSWERS
    from needlepoint.clinics.api_tokens import api_token_create
    from needlepoint.clinics.models import Staff
    from needlepoint.courses.models import Session
    from needlepoint.patients.models import Patient

    member = Staff.objects.get(user__email=PRACTITIONER)
    page = _signed_in(member.user)
    _, raw = api_token_create(member, "scale benchmark", by=None)
    api = {"Authorization": f"Bearer {raw}"}
    clinic_patients = Patient.objects.filter(clinic__slug=CLINIC)
    patients = [str(p) for p in clinic_patients.order_by("?").values_list("pk", flat=True)[:SAMPLE]]
    names = clinic_patients.filter(pk__in=patients).values_list("family_name", flat=True)
    terms = sorted({name[:3] for name in names if len(name) >= 3})
    charted = Session.objects.filter(clinic__slug=CLINIC, ended_at__isnull=False)
    sessions = list(charted.order_by("?").values_list("pk", flat=True)[:SAMPLE])
    treated = list(
        clinic_patients.filter(user__isnull=True)
        .filter(Exists(charted.filter(patient=OuterRef("pk"))))
        .order_by("?")[:PORTAL_PATIENTS]
    )
    portal = []
    for patient in treated:
        patient.user = User.objects.create_user(email=f"bench-{patient.pk}@example.test")
        patient.save(update_fields=["user"])
        portal.append(_signed_in(patient.user))
    screening = {"age": 34, **CLEAR_ANSWERS, "fitzpatrick": 3}
    return {
        "floor": [Request("GET", f"/_bench/floor/{p}", {}) for p in patients],
        "api patient read": [Request("GET", f"/api/v1/patients/{p}", api) for p in patients],
        "api patient list": [
            Request("GET", f"/api/v1/patients?page={rng.randint(1, 50)}", api) for _ in patients
        ],
        "api patient search": [
            Request("GET", f"/api/v1/patients?q={quote(t)}", api) for t in terms
        ],
        "api screening post": [
            Request("POST", f"/api/v1/patients/{p}/screenings", api, screening) for p in patients
        ],
        "api check-in post": [
            Request("POST", "/api/v1/checkins", cookie, {"symptoms": SYMPTOMS, "note": ""})
            for cookie in portal
        ],
        "patient page": [Request("GET", f"/patients/{p}/", page) for p in patients],
        "session chart": [Request("GET", f"/sessions/{s}/", page) for s in sessions],
        "dashboard": [Request("GET", "/dashboard/", page)],
        "timeline (200 sessions)": [
            Request("GET", f"/patients/{timeline_patient_id}/timeline/", page)
        ],
    }

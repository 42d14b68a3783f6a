"""Every list and page reads a constant number of queries, however many rows it shows.

Each case is requested once with a little history and once with four times as much (more
patients, each treated, checked in, alerted, with an adverse event and a recalled lot); the
second request may not make more queries than the first, and neither may write more than one
audit event (a read audits once per request, not per row).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from needlepoint.accounts.tokens import token_create
from needlepoint.adverse_events.services import adverse_event_record
from needlepoint.checkins import services as checkins
from needlepoint.interop.export import access_clinic_resources
from needlepoint.patients.consents import consent_sign
from needlepoint.patients.models import ConsentTemplate, Patient
from needlepoint.reports.exports import TABLES, access_clinic_table
from needlepoint.safety.models import AuditEvent
from needlepoint.safety.services import lot_recall
from tests.clinical_data import reported, treated_session
from tests.conftest import as_actor, signed_in
from tests.factories import PatientFactory, UserFactory

PAGES = [
    "/dashboard/",
    "/patients/",
    "/patients/?q=a",
    "/alerts/",
    "/lots/",
    "/audit/",
    "/staff/",
    "/patients/{patient}/",
    "/patients/{patient}/timeline/",
    "/patients/{patient}/consents/",
    "/courses/{course}/",
    "/courses/{course}/timeline/",
    "/sessions/{session}/",
    "/lots/{lot}/sessions/",
    "/calendar/",
    "/calendar/?view=day&room=all",
    "/clinic/analytics/outcomes/",
    "/clinic/analytics/safety/",
    "/clinic/analytics/safety/patients/?table=kind&key=infection",
]
API = [
    "/api/v1/patients",
    "/api/v1/lots",
    "/api/v1/alerts",
    "/api/v1/adverse-events",
    "/api/v1/patients/{patient}",
    "/api/v1/patients/{patient}/consents",
    "/api/v1/patients/{patient}/photos",
    "/api/v1/courses/{course}",
    "/api/v1/sessions/{session}",
    "/api/v1/sessions/{session}/open-items",
    "/api/v1/lots/{lot}/sessions",
    "/api/v1/appointments?first_day=2026-01-05",
]
FHIR = [
    "/fhir/R4/Patient/{patient}",
    "/fhir/R4/Procedure/session-{session}",
    "/fhir/R4/Patient?name=ana",
    "/fhir/R4/Observation",
    "/fhir/R4/Provenance?patient={patient}&date=ge2000",
    "/fhir/R4/Patient/{patient}/$everything",
]


def _history(practitioner: Any, patient: Patient, template: ConsentTemplate) -> dict[str, Any]:
    """One patient's course: a signed session with a recalled lot, a check-in that raised an
    alert, an adverse event and a consent."""
    actor = as_actor(practitioner)
    session = treated_session(actor, patient.pk)
    lot_recall(actor, session.cartridge_lot_id, "Blunt tips")
    assert patient.user is not None
    checkin = checkins.checkin_submit(as_actor(patient), reported({"pus": True}))
    adverse_event_record(
        actor,
        session.pk,
        alert_id=checkin.alert.pk,
        kind="infection",
        severity="mild",
        serious=False,
        outcome="recovering",
        onset=timezone.localdate(timezone=actor.zone),
        description="Pustules on the left cheek",
    )
    consent_sign(actor, patient.pk, template.pk, patient.full_name)
    return {
        "patient": patient.pk,
        "course": session.course_id,
        "session": session.pk,
        "lot": session.cartridge_lot_id,
    }


def _patient(clinic: Any, n: int) -> Patient:
    user = UserFactory(email=f"portal-{n}@example.test")
    return PatientFactory(clinic=clinic, user=user, given_name=f"Ana{n}", family_name="Ames")


@pytest.fixture
def grow(practitioner: Any, clinic: Any) -> Callable[[int], dict[str, Any]]:
    """Add `n` patients with a history each; the ids of the first patient's records."""
    template = ConsentTemplate.objects.create(
        clinic=clinic,
        kind="treatment",
        version=1,
        title="Treatment",
        body="I consent.",
        created_by=practitioner.user,
    )
    made: list[dict[str, Any]] = []

    def add(n: int) -> dict[str, Any]:
        for _ in range(n):
            made.append(_history(practitioner, _patient(clinic, len(made)), template))
        return made[0]

    return add


def _queries(client: Client, url: str) -> int:
    events = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert AuditEvent.objects.count() - events <= 1, f"{url}: more than one audit event"
    return len(captured.captured_queries)


def _constant(client: Client, url: str, grow: Callable[[int], dict[str, Any]]) -> None:
    ids = grow(1)
    client.get(url.format(**ids))  # warm caches (sessions, knowledge)
    few = _queries(client, url.format(**ids))
    ids = grow(3)
    many = _queries(client, url.format(**ids))
    assert many <= few, f"{url}: {few} queries with 1 patient, {many} with 4"


@pytest.mark.parametrize("url", PAGES)
def test_pages_read_a_constant_number_of_queries(practitioner, admin, grow, url):  # type: ignore[no-untyped-def]
    member = admin if url in ("/audit/", "/staff/") else practitioner
    _constant(signed_in(member), url, grow)


@pytest.mark.parametrize("url", API + FHIR)
def test_api_reads_a_constant_number_of_queries(practitioner, grow, url):  # type: ignore[no-untyped-def]
    _, raw = token_create(practitioner.user)
    _constant(Client(HTTP_AUTHORIZATION=f"Bearer {raw}"), url, grow)


@pytest.mark.parametrize("feed", [False, True], ids=["timeline", "calendar-feed"])
def test_a_patients_record_reads_stay_constant_as_their_signed_sessions_grow(  # type: ignore[no-untyped-def]
    practitioner, portal_patient, feed
):
    actor = as_actor(practitioner)
    if feed:
        portal = signed_in(portal_patient)
        portal.post("/portal/calendar/", {"action": "renew"})
        html = portal.get("/portal/calendar/").content.decode()
        url = re.search(r"https?://testserver(/calendar/[^\"<\s]+\.ics)", html).group(1)
        client = Client()  # calendar apps read the feed by its secret address
    else:
        url, client = f"/patients/{portal_patient.pk}/timeline/", signed_in(practitioner)
    treated_session(actor, portal_patient.pk)
    client.get(url)
    few = _queries(client, url)
    for _ in range(3):
        treated_session(actor, portal_patient.pk)
    many = _queries(client, url)
    assert many <= few, f"{url}: {few} queries with 1 signed session, {many} with 4"


def test_the_fhir_export_reads_a_constant_number_of_queries(admin, grow):  # type: ignore[no-untyped-def]
    actor = as_actor(admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            resources = list(access_clinic_resources(actor))
        assert any(r["resourceType"] == "AdverseEvent" for r in resources)
        return len(captured.captured_queries)

    grow(1)
    queries()  # warm caches (knowledge)
    few = queries()
    grow(3)
    assert queries() <= few


@pytest.mark.parametrize("kind", TABLES)
def test_each_csv_export_reads_a_constant_number_of_queries(admin, grow, kind):  # type: ignore[no-untyped-def]
    actor = as_actor(admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            lines = list(access_clinic_table(actor, kind).lines())
        assert len(lines) > 1
        return len(captured.captured_queries)

    grow(1)
    queries()
    few = queries()
    grow(3)
    assert queries() <= few

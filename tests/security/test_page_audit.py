"""Every page audits once per request: whatever it reads (the patient, their consents, their
courses, a list's rows), one event names it (ADR 12), written as the response leaves."""

from __future__ import annotations

from typing import Any

from django.test import Client

from needlepoint.safety.models import AuditEvent
from tests.security.test_page_matrix import PUBLIC, _pages, _path


def _events_per_page(client: Client, routes: list[str], ids: dict[str, Any]) -> dict[str, int]:
    written = {}
    for route in routes:
        newest = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        response = client.get(_path(route, ids))
        if response.status_code == 200:
            written[route] = AuditEvent.objects.filter(id__gt=newest).count()
    return written


def test_every_page_writes_at_most_one_audit_event(
    world: dict[str, Any], admin: Any, practitioner: Any, portal_patient: Any
) -> None:
    routes = [r for r in _pages() if r not in PUBLIC and not r.startswith("accounts/")]
    staff, patient = Client(), Client()
    staff.force_login(practitioner.user)
    patient.force_login(portal_patient.user)
    written = _events_per_page(
        staff, [r for r in routes if not r.startswith("portal/")], world["ids"]
    )
    written |= _events_per_page(
        patient, [r for r in routes if r.startswith("portal/")], world["ids"]
    )
    assert len(written) > 40, "the pages answered: too few to prove anything"
    assert {route: n for route, n in written.items() if n > 1} == {}
    assert written["patients/<str:patient_id>/notifications/"] == 1  # four reads before


def test_the_one_event_names_every_read_of_the_page(
    world: dict[str, Any], practitioner: Any, portal_patient: Any
) -> None:
    client = Client()
    client.force_login(practitioner.user)
    client.get(f"/patients/{portal_patient.pk}/")
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.object_id) == ("patient.read", str(portal_patient.pk))
    reads = [read["action"] for read in event.detail["also_read"]]
    assert reads == ["clinical.summary", "appointment.list"]
    assert event.detail["also_read"][0]["object_id"] == str(portal_patient.pk)

"""/api/v1/sessions/{id}/aftercare (JSON in the clinic's zone, or iCalendar) and the handout."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from icalendar import Calendar

from needlepoint.accounts.tokens import token_create
from needlepoint.courses.models import Session
from needlepoint.safety.models import AuditEvent
from tests.conftest import signed_in
from tests.factories import PatientFactory, UserFactory
from tests.notify.conftest import contactable, mailable, treated

__all__ = ["contactable", "mailable", "treated"]
NY = ZoneInfo("America/New_York")


def _bearer(member) -> Client:  # type: ignore[no-untyped-def]
    _, raw = token_create(member.user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_aftercare_items_in_the_clinics_time_zone(treated, practitioner):
    response = _bearer(practitioner).get(f"/api/v1/sessions/{treated.pk}/aftercare")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["session_id"] == treated.pk
    assert body["time_zone"] == "America/New_York"
    assert len(body["items"]) == 9
    items = {i["code"]: i for i in body["items"]}
    makeup = items["no_makeup"]
    starts, ends = (datetime.fromisoformat(makeup[k]) for k in ("starts_at", "ends_at"))
    assert starts.utcoffset() in (timedelta(hours=-5), timedelta(hours=-4))  # New York time
    assert abs(starts - treated.ended_at) < timedelta(milliseconds=1)  # JSON keeps ms
    assert ends - starts == timedelta(hours=24)
    assert makeup["sources"]
    assert makeup["announce_end"] is True
    assert items["sunscreen"]["announce_end"] is False
    assert items["warning_signs"]["text"].startswith("Call the clinic on +1 212 555 0100")
    # Sunscreen runs until 3 months after the course's last booked session, at its time.
    last = Session.objects.filter(course=treated.course).order_by("-scheduled_at").first()
    assert last is not None
    sunscreen_ends = datetime.fromisoformat(items["sunscreen"]["ends_at"]).astimezone(NY)
    last_local = last.scheduled_at.astimezone(NY)
    assert sunscreen_ends.time().replace(microsecond=0) == last_local.time().replace(microsecond=0)
    assert (sunscreen_ends.month - last_local.month) % 12 == 3
    assert {s["symptom"] for s in body["warning_signs"]["urgent"]} == {
        "fever",
        "difficulty_breathing",
    }
    assert body["warning_signs"]["contact_advice"].startswith("Contact the clinic today")
    assert AuditEvent.objects.filter(
        action="aftercare.read", actor_email=practitioner.user.email
    ).exists()


def test_aftercare_as_icalendar_and_the_handout_as_pdf(treated, practitioner):
    api = _bearer(practitioner)
    ics = api.get(f"/api/v1/sessions/{treated.pk}/aftercare?format=ics")
    assert ics.status_code == 200
    assert ics["Content-Type"] == "text/calendar; charset=utf-8"
    assert len(Calendar.from_ical(ics.content).walk("VEVENT")) == 9
    pdf = api.get(f"/api/v1/sessions/{treated.pk}/handout.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert api.get(f"/api/v1/sessions/{treated.pk}/aftercare?format=xml").status_code == 422


def test_a_session_not_yet_performed_is_a_conflict(treated, practitioner):
    booked = Session.objects.get(course=treated.course, number=2)
    api = _bearer(practitioner)
    for path in ("aftercare", "handout.pdf"):
        response = api.get(f"/api/v1/sessions/{booked.pk}/{path}")
        assert response.status_code == 409
        assert response["Content-Type"] == "application/problem+json"
        assert "not been performed" in response.json()["detail"]


@pytest.mark.parametrize("path", ["aftercare", "handout.pdf"])
def test_who_may_read_it(treated, path, other_practitioner, front_desk, mailable, clinic):
    url = f"/api/v1/sessions/{treated.pk}/{path}"
    assert _bearer(other_practitioner).get(url).status_code == 404  # another clinic
    assert _bearer(front_desk).get(url).status_code == 403  # no clinical read
    assert signed_in(mailable).get(url).status_code == 200  # the patient, own session
    stranger = PatientFactory(clinic=clinic, user=UserFactory())
    assert signed_in(stranger).get(url).status_code == 404
    assert Client().get(url).status_code == 401
    assert _bearer(front_desk).get(f"/api/v1/sessions/{2**63}/{path}").status_code == 404


def test_documented_in_the_openapi_schema(practitioner):
    paths = _bearer(practitioner).get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/sessions/{session_id}/aftercare" in paths
    handout = paths["/api/v1/sessions/{session_id}/handout.pdf"]["get"]
    assert "application/pdf" in handout["responses"]["200"]["content"]

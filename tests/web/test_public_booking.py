"""The clinic's public booking page: a new patient asks for a consultation; robots and floods
are turned away without writing anything; the front desk sees and closes the requests."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from needlepoint.patients.consultations import PER_CLIENT
from needlepoint.patients.models import ConsultationRequest, Patient
from needlepoint.safety.models import AuditEvent
from needlepoint.web.forms.consultations import SALT
from tests.conftest import signed_in


def shown(seconds_ago: float) -> str:
    return signing.dumps(time.time() - seconds_ago, salt=SALT)


def asked(**changes: object) -> dict[str, object]:
    day = timezone.localdate() + timedelta(days=3)
    return {
        "given_name": "Nadia",
        "family_name": "Okafor",
        "date_of_birth": "1994-05-17",
        "email": "nadia@example.test",
        "phone": "+44 7700 900123",
        "preferred_date": day.isoformat(),
        "preferred_part": "morning",
        "message": "Scars on both cheeks.",
        "contact": "on",
        "shown": shown(30),
        **changes,
    }


def test_a_new_patient_asks_for_a_consultation(clinic):
    page = Client().get(f"/book/{clinic.slug}/")
    assert page.status_code == 200
    assert b"Book a consultation" in page.content
    response = Client().post(f"/book/{clinic.slug}/", asked())
    assert response.status_code == 302
    assert response.url == f"/book/{clinic.slug}/sent/"
    request = ConsultationRequest.objects.get()
    assert request.clinic == clinic
    assert request.preferred_part == "morning"
    assert request.patient.prospect
    assert request.patient.email == "nadia@example.test"
    assert AuditEvent.objects.filter(action="consultation.request", clinic_id=clinic.pk)


def test_an_unknown_clinic_is_not_found(db):
    assert Client().get("/book/no-such-clinic/").status_code == 404


@pytest.mark.parametrize(
    "trap",
    [
        lambda: {"website": "http://spam.example"},
        lambda: {"shown": shown(0)},
        lambda: {"shown": "forged:value"},
    ],
    ids=["hidden field filled", "too fast", "forged time"],
)
def test_robots_are_answered_as_if_accepted_and_nothing_is_written(clinic, trap):
    response = Client().post(f"/book/{clinic.slug}/", asked(**trap()))
    assert response.status_code == 302
    assert not Patient.objects.exists()


def test_bad_answers_are_shown_and_nothing_is_written(clinic):
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = Client().post(f"/book/{clinic.slug}/", asked(preferred_date=past, contact=""))
    assert response.status_code == 200
    assert b"Choose a day from today" not in response.content  # the form stops first
    assert b"This field is required" in response.content
    response = Client().post(f"/book/{clinic.slug}/", asked(preferred_date=past))
    assert b"Choose a day from today to 90 days ahead" in response.content
    assert not Patient.objects.exists()


def test_a_flood_from_one_client_is_refused(clinic):
    client = Client()
    for n in range(PER_CLIENT.count):
        client.post(f"/book/{clinic.slug}/", asked(email=f"p{n}@example.test"))
    response = client.post(f"/book/{clinic.slug}/", asked(email="one.more@example.test"))
    assert response.status_code == 429
    assert b"Too many requests" in response.content
    assert ConsultationRequest.objects.count() == PER_CLIENT.count


def test_the_front_desk_sees_and_closes_requests_of_its_clinic_only(
    clinic, front_desk, other_practitioner
):
    Client().post(f"/book/{clinic.slug}/", asked())
    request = ConsultationRequest.objects.get()
    page = signed_in(front_desk).get("/requests/")
    assert b"Nadia Okafor" in page.content
    assert b"Scars on both cheeks." in page.content
    assert b"Nadia" not in signed_in(other_practitioner).get("/requests/").content
    outsider = signed_in(other_practitioner).post(
        f"/requests/{request.pk}/close/", {"status": "booked"}
    )
    assert outsider.status_code == 404
    signed_in(front_desk).post(f"/requests/{request.pk}/close/", {"status": "booked"})
    request.refresh_from_db()
    assert request.status == "booked"
    assert request.handled_by == front_desk.user
    assert b"Nadia" not in signed_in(front_desk).get("/requests/").content


def test_patients_have_no_requests_page(portal_patient):
    assert signed_in(portal_patient).get("/requests/").status_code == 403

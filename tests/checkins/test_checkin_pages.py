"""The check-in answer in the portal and the clinic's alert pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from needlepoint.checkins.models import Alert
from needlepoint.courses.models import Session
from tests.clinical_data import treated_session
from tests.conftest import as_actor, signed_in


@pytest.fixture
def session(practitioner, portal_patient):  # type: ignore[no-untyped-def]
    return treated_session(as_actor(practitioner), portal_patient.pk)


def _answer(portal_patient, symptoms: dict[str, str]) -> str:  # type: ignore[no-untyped-def]
    form = {"redness": "0", "swelling": "0", "pain": "0", **symptoms}
    response = signed_in(portal_patient).post("/portal/check-in/", form, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_an_expected_answer_shows_what_is_usual(portal_patient, session):
    page = _answer(portal_patient, {"redness": "3"})
    assert "This is what we expect at this stage" in page
    assert "What is usual" in page
    assert "within the usual course" in page


def test_a_rash_says_when_to_call_emergency_services_and_never_reassures(portal_patient, session):
    page = _answer(portal_patient, {"redness": "3", "rash_or_hives": "on"})
    assert "Please contact the clinic today" in page
    assert "Call your local emergency number now if your lips, tongue or throat swell" in page
    assert "What is usual" not in page
    assert "within the usual course" not in page


def test_the_alert_page_shows_times_to_check(practitioner, portal_patient, session):
    Session.objects.filter(pk=session.pk).update(ended_at=timezone.now() + timedelta(hours=6))
    _answer(portal_patient, {"pus": "on"})
    alert = Alert.objects.get()
    clinic_side = signed_in(practitioner)
    listing = clinic_side.get("/alerts/").content.decode()
    assert "times to check" in listing
    page = clinic_side.get(f"/alerts/{alert.pk}/").content.decode()
    assert "Times to check" in page
    assert "is after this report" in page
    assert "Pus can be a sign of infection." in page

"""A treated patient with an e-mail address (and one who also takes texts), at a clinic with a
phone and an address."""

from __future__ import annotations

import pytest

from needlepoint.clinics.models import Clinic
from needlepoint.notify.services import sms_consent_give
from needlepoint.patients.models import Patient
from tests.clinical_data import treated_session
from tests.conftest import as_actor


@pytest.fixture
def contactable(clinic, settings):  # type: ignore[no-untyped-def]
    Clinic.objects.filter(pk=clinic.pk).update(
        phone="+1 212 555 0100", email="desk@demo.test", address="1 Main St, New York"
    )
    clinic.refresh_from_db()
    settings.SITE_URL = "https://clinic.example"
    return clinic


@pytest.fixture
def mailable(contactable, portal_patient):  # type: ignore[no-untyped-def]
    Patient.objects.filter(pk=portal_patient.pk).update(email="paula@example.test")
    portal_patient.refresh_from_db()
    return portal_patient


@pytest.fixture
def treated(practitioner, mailable):  # type: ignore[no-untyped-def]
    """Session 1 of 3 signed two hours ago (sessions 2 and 3 booked four weeks apart)."""
    return treated_session(as_actor(practitioner), mailable.pk, hours_ago=2.5)


@pytest.fixture
def texted(front_desk, mailable):  # type: ignore[no-untyped-def]
    """The mailable patient, who told the front desk they want texts at a New York mobile."""
    sms_consent_give(as_actor(front_desk), mailable.pk, phone="(212) 555-0199", method="in_person")
    return mailable

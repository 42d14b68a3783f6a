"""Prospects: patients who asked for a consultation on the public page, until confirmed."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from needlepoint.patients import services
from needlepoint.patients.models import Patient
from needlepoint.safety.models import AuditEvent
from tests.conftest import as_actor, signed_in

ASKED = {
    "given_name": "Nadia",
    "family_name": "Okafor",
    "date_of_birth": date(1994, 5, 17),
    "email": "nadia@example.test",
    "phone": "+44 7700 900123",
}


def test_a_prospect_is_a_patient_with_a_record_number_marked_until_confirmed(clinic, front_desk):
    prospect = services.prospect_register(clinic, **ASKED)
    assert prospect.prospect
    assert prospect.sex == "unknown"
    assert prospect.record_number
    assert prospect.clinic == clinic
    assert AuditEvent.objects.filter(action="patient.prospect", object_id=str(prospect.pk))

    page = signed_in(front_desk).get(f"/patients/{prospect.pk}/")
    assert b"prospect" in page.content
    assert b"Details confirmed" in page.content
    signed_in(front_desk).post(f"/patients/{prospect.pk}/confirm/")
    prospect.refresh_from_db()
    assert not prospect.prospect
    assert AuditEvent.objects.filter(action="patient.prospect_confirm")


def test_someone_the_clinic_knows_is_not_registered_twice_nor_changed(clinic, patient):
    patient.email, patient.phone = "maya@example.test", "+44 7700 900000"
    patient.save()
    asked = {"email": "MAYA@example.test", "date_of_birth": patient.date_of_birth}
    found = services.prospect_register(clinic, **{**ASKED, **asked, "given_name": "Someone"})
    assert found.pk == patient.pk
    assert not found.prospect
    patient.refresh_from_db()
    assert (patient.given_name, patient.phone) == ("Maya", "+44 7700 900000")
    assert Patient.objects.filter(clinic=clinic).count() == 1


def test_bad_details_are_refused_and_nothing_is_written(clinic):
    with pytest.raises(ValidationError) as refused:
        services.prospect_register(clinic, **{**ASKED, "date_of_birth": date(2999, 1, 1)})
    assert "date_of_birth" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.prospect_register(clinic, **{**ASKED, "email": ""})
    assert not Patient.objects.exists()


def test_another_clinic_cannot_confirm_a_prospect(clinic, other_practitioner):
    prospect = services.prospect_register(clinic, **ASKED)
    with pytest.raises(Http404):
        services.prospect_confirm(as_actor(other_practitioner), prospect.pk)
    prospect.refresh_from_db()
    assert prospect.prospect

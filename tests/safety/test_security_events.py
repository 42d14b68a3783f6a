"""Refused cross-clinic lookups and failed sign-ins are security events: in the audit trail
of the clinic concerned, listed for its admin, never for another clinic's."""

from __future__ import annotations

from django.test import Client

from needlepoint.safety.models import AuditEvent
from needlepoint.safety.security import ACCESS_REFUSED, SIGNIN_FAILED
from tests.conftest import signed_in
from tests.factories import PASSWORD, StaffFactory


def test_a_page_refused_in_another_clinic_is_recorded(practitioner, other_patient):
    response = signed_in(practitioner).get(f"/patients/{other_patient.pk}/")
    assert response.status_code == 404
    refused = AuditEvent.objects.get(action=ACCESS_REFUSED)
    assert (refused.clinic_id, refused.actor_email) == (
        practitioner.clinic_id,
        practitioner.user.email,
    )
    assert (refused.object_type, refused.object_id) == ("patient", str(other_patient.pk))


def test_an_api_write_refused_in_another_clinic_is_recorded_despite_the_rollback(
    practitioner, other_patient
):
    response = signed_in(practitioner).patch(
        f"/api/v1/patients/{other_patient.pk}",
        {"phone": "+1 555 0199"},
        content_type="application/json",
    )
    assert response.status_code == 404
    refused = AuditEvent.objects.get(action=ACCESS_REFUSED)
    assert refused.object_id == str(other_patient.pk)
    assert refused.clinic_id == practitioner.clinic_id


def test_failed_sign_ins_go_to_the_accounts_clinic(admin, practitioner, other_practitioner):
    Client().post("/accounts/login/", {"username": practitioner.user.email, "password": "no"})
    Client().post("/accounts/login/", {"username": "nobody@example.test", "password": "no"})
    events = AuditEvent.objects.filter(action=SIGNIN_FAILED)
    failed = {event.detail["email"]: event.clinic_id for event in events}
    assert failed == {practitioner.user.email: practitioner.clinic_id, "nobody@example.test": None}
    signed = Client().post(
        "/accounts/login/", {"username": practitioner.user.email, "password": PASSWORD}
    )
    assert signed.status_code == 302
    assert events.count() == 2


def test_the_admin_lists_their_clinics_security_events_only(admin, practitioner, other_patient):
    signed_in(practitioner).get(f"/patients/{other_patient.pk}/")
    Client().post("/accounts/login/", {"username": practitioner.user.email, "password": "no"})
    page = signed_in(admin).get("/audit/?action=security.").content.decode()
    assert ACCESS_REFUSED in page
    assert SIGNIN_FAILED in page
    assert "patient.read" not in page
    other_admin = signed_in(StaffFactory(clinic=other_patient.clinic, role="clinic_admin"))
    assert ACCESS_REFUSED not in other_admin.get("/audit/?action=security.").content.decode()

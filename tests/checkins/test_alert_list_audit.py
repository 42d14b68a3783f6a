"""Reading the list of alerts is a read of patient data: one audit event per list."""

from __future__ import annotations

from django.test import Client

from needlepoint.accounts.tokens import token_create
from needlepoint.checkins import services
from needlepoint.safety.models import AuditEvent
from tests.clinical_data import reported, treated_session
from tests.conftest import as_actor, signed_in


def test_the_alerts_page_and_api_audit_each_list_once_naming_its_patients(
    practitioner, portal_patient
):
    treated_session(as_actor(practitioner), portal_patient.pk)
    alert = services.checkin_submit(as_actor(portal_patient), reported({"pus": True})).alert
    assert "Paula Portal" in signed_in(practitioner).get("/alerts/").content.decode()
    _, raw = token_create(practitioner.user)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/alerts").status_code == 200
    events = AuditEvent.objects.filter(action="alert.list")
    assert events.count() == 2
    for event in events:
        assert event.actor_user_id == practitioner.user.pk
        assert event.detail["ids"] == [alert.pk]
        assert event.detail["patients"] == [str(portal_patient.pk)]

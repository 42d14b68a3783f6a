"""Check-ins are triaged against the expected course; anything above expected alerts the clinic."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from needlepoint.checkins import selectors, services
from needlepoint.checkins.models import Alert, CheckIn
from needlepoint.safety.models import AuditEvent
from tests.clinical_data import treated_session
from tests.conftest import as_actor


@pytest.fixture
def session(practitioner, portal_patient):  # type: ignore[no-untyped-def]
    return treated_session(as_actor(practitioner), portal_patient.pk)


def test_usual_redness_on_day_one_is_expected_and_raises_no_alert(portal_patient, session):
    checkin = services.checkin_submit(as_actor(portal_patient), {"redness": 4, "swelling": 2})
    assert checkin.level == "expected"
    assert checkin.session == session
    assert not Alert.objects.exists()
    assert AuditEvent.objects.filter(action="checkin.submit").count() == 1


@pytest.mark.parametrize(
    ("symptoms", "level"),
    [
        ({"pus": True}, "contact_clinic"),
        ({"fever": True}, "urgent"),
        ({"difficulty_breathing": True}, "urgent"),
    ],
)
def test_red_flags_raise_an_alert(portal_patient, session, symptoms, level):
    checkin = services.checkin_submit(as_actor(portal_patient), symptoms, "It hurts")
    assert checkin.level == level
    assert checkin.alert.level == level
    assert checkin.alert.status == Alert.Status.OPEN
    assert "urgent" in checkin.triage["advice"]["text"].lower() or level != "urgent"


def test_redness_persisting_past_a_week_escalates(practitioner, portal_patient):
    treated_session(as_actor(practitioner), portal_patient.pk, hours_ago=9 * 24)
    assert (
        services.checkin_submit(as_actor(portal_patient), {"redness": 3}).level == "contact_clinic"
    )


def test_worsening_between_check_ins_uses_the_previous_report(practitioner, portal_patient):
    treated_session(as_actor(practitioner), portal_patient.pk, hours_ago=60)
    actor = as_actor(portal_patient)
    services.checkin_submit(actor, {"pain": 1})
    later = services.checkin_submit(actor, {"pain": 3})
    assert later.level == "contact_clinic"
    assert any(
        r["code"].startswith("worsening") or "increase" in r["text"]
        for r in later.triage["reasons"]
    )


def test_no_session_yet_is_a_clear_error(portal_patient):
    with pytest.raises(ValidationError, match="no treatment session"):
        services.checkin_submit(as_actor(portal_patient), {"redness": 1})


def test_bad_symptom_values_name_the_field(portal_patient, session):
    with pytest.raises(ValidationError) as error:
        services.checkin_submit(as_actor(portal_patient), {"redness": 11})
    assert "symptoms.redness" in error.value.message_dict
    assert not CheckIn.objects.exists()


def test_staff_cannot_submit_for_themselves(practitioner, session):
    with pytest.raises(PermissionDenied):
        services.checkin_submit(as_actor(practitioner), {"redness": 1})


def test_alert_lifecycle_and_adverse_event(practitioner, portal_patient, session):
    checkin = services.checkin_submit(as_actor(portal_patient), {"blisters": True})
    actor = as_actor(practitioner)
    alert = services.alert_update(actor, checkin.alert.pk, "acknowledge")
    assert alert.acknowledged_at is not None
    with pytest.raises(ValidationError):
        services.alert_update(actor, alert.pk, "contacted", "")
    services.alert_update(actor, alert.pk, "contacted", "Called; perioral vesicles described.")
    event = services.adverse_event_record(
        actor,
        session.pk,
        alert_id=alert.pk,
        kind="herpes_reactivation",
        severity="moderate",
        serious=False,
        outcome="recovering",
        onset=timezone.localdate(timezone=actor.zone),
        description="HSV-like vesicles",
    )
    assert (event.session, event.alert) == (session, alert)
    resolved = services.alert_update(actor, alert.pk, "resolve", "Antiviral started by GP.")
    assert resolved.status == Alert.Status.RESOLVED
    assert [a.status for a in alert.actions.all()] == ["acknowledged", "contacted", "resolved"]
    with pytest.raises(ValidationError):
        services.alert_update(actor, alert.pk, "acknowledge")


def test_adverse_event_onset_cannot_be_in_the_future(practitioner, session):
    with pytest.raises(ValidationError) as error:
        services.adverse_event_record(
            as_actor(practitioner),
            session.pk,
            kind="bruising",
            severity="mild",
            serious=False,
            outcome="resolved",
            onset=timezone.localdate() + timedelta(days=3),
            description="x",
        )
    assert "onset" in error.value.message_dict


def test_other_clinics_alerts_are_not_found(other_practitioner, portal_patient, session):
    checkin = services.checkin_submit(as_actor(portal_patient), {"pus": True})
    with pytest.raises(Http404):
        services.alert_update(as_actor(other_practitioner), checkin.alert.pk, "acknowledge")


def test_next_check_in_follows_the_schedule(practitioner, portal_patient, session):
    actor = as_actor(portal_patient)
    first_due = selectors.next_checkin_due(actor, session)
    assert first_due is not None
    assert first_due - session.ended_at == timedelta(days=1)
    services.checkin_submit(actor, {"redness": 2})
    # a check-in now (before day 1) does not move the day-1 prompt
    assert selectors.next_checkin_due(actor, session) == first_due

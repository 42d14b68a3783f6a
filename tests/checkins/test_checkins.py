"""Check-ins are triaged against the expected course; anything above expected alerts the clinic."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from needlepoint.adverse_events.services import adverse_event_record
from needlepoint.checkins import selectors, services
from needlepoint.checkins.models import Alert, CheckIn
from needlepoint.courses.models import Session
from needlepoint.intakes.answers import intake_from_json
from needlepoint.intakes.services import intake_record
from needlepoint.patients.models import Patient
from needlepoint.safety.models import AuditEvent
from tests.clinical_data import reported, treated_session
from tests.conftest import as_actor
from tests.factories import PatientFactory, UserFactory
from tests.intake_answers import CLEAR


@pytest.fixture
def session(practitioner, portal_patient):  # type: ignore[no-untyped-def]
    return treated_session(as_actor(practitioner), portal_patient.pk)


def test_usual_redness_on_day_one_is_expected_and_raises_no_alert(portal_patient, session):
    checkin = services.checkin_submit(
        as_actor(portal_patient), reported({"redness": 4, "swelling": 2})
    )
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
    checkin = services.checkin_submit(as_actor(portal_patient), reported(symptoms), "It hurts")
    assert checkin.level == level
    assert checkin.alert.checkin.level == level
    assert checkin.alert.status == Alert.Status.OPEN
    assert "urgent" in checkin.triage["advice"]["text"].lower() or level != "urgent"


def test_redness_persisting_past_a_week_escalates(practitioner, portal_patient):
    treated_session(as_actor(practitioner), portal_patient.pk, hours_ago=9 * 24)
    assert (
        services.checkin_submit(as_actor(portal_patient), reported({"redness": 3})).level
        == "contact_clinic"
    )


def test_worsening_between_check_ins_uses_the_previous_report(practitioner, portal_patient):
    treated_session(as_actor(practitioner), portal_patient.pk, hours_ago=60)
    actor = as_actor(portal_patient)
    services.checkin_submit(actor, reported({"pain": 1}))
    later = services.checkin_submit(actor, reported({"pain": 3}))
    assert later.level == "contact_clinic"
    [reason] = later.triage["reasons"]
    assert reason["code"] == "pain_worsening"
    assert "up from 1/10 at the last check-in" in reason["text"]


def test_a_session_time_after_the_report_never_loses_the_check_in(practitioner, portal_patient):
    session = treated_session(as_actor(practitioner), portal_patient.pk)
    Session.objects.filter(pk=session.pk).update(ended_at=timezone.now() + timedelta(days=2))
    actor = as_actor(portal_patient)
    urgent = services.checkin_submit(
        actor, reported({"fever": True, "pus": True, "spreading_redness": True}), "Hot and swollen"
    )
    assert urgent.level == "urgent"
    assert "emergency" in urgent.triage["advice"]["text"]
    assert [a["code"] for a in urgent.triage["anomalies"]] == ["session_time_in_future"]
    assert urgent.triage["expected_course"]["hours_since_session"] == 0
    assert urgent.alert.checkin.level == "urgent"
    # an expected answer with times that do not add up still reaches the clinic
    usual = services.checkin_submit(actor, reported({"redness": 2}))
    assert usual.level == "expected"
    assert usual.alert.checkin.level == "expected"
    event = AuditEvent.objects.filter(action="checkin.submit").latest("pk")
    assert event.detail["anomalies"] == ["session_time_in_future"]


def test_a_previous_report_the_knowledge_no_longer_reads_is_not_compared(portal_patient, session):
    CheckIn.objects.create(
        clinic=session.clinic,
        patient=portal_patient,
        session=session,
        reported_at=timezone.now() - timedelta(hours=1),
        symptoms={"sneezing": True},
        level="expected",
        triage={},
    )
    checkin = services.checkin_submit(as_actor(portal_patient), reported({"pain": 2}))
    assert checkin.level == "expected"


def test_anticoagulants_in_the_latest_screening_reach_the_clinic_sooner(
    practitioner, portal_patient
):
    staff = as_actor(practitioner)
    treated_session(staff, portal_patient.pk, hours_ago=2)  # ended 90 minutes ago
    actor = as_actor(portal_patient)
    assert services.checkin_submit(actor, reported({"bleeding": True})).level == "monitor"
    intake_record(
        staff, portal_patient.pk, intake_from_json(staff, {**CLEAR, "anticoagulants": True})
    )
    later = services.checkin_submit(actor, reported({"bleeding": True}))
    assert later.level == "contact_clinic"
    assert "blood thinner" in later.triage["reasons"][0]["text"]


@pytest.mark.parametrize(("fitzpatrick", "level"), [(2, "monitor"), (5, "contact_clinic")])
def test_new_dark_spots_are_stricter_on_darker_skin(
    practitioner, portal_patient, session, fitzpatrick, level
):
    Patient.objects.filter(pk=portal_patient.pk).update(fitzpatrick=fitzpatrick)
    checkin = services.checkin_submit(as_actor(portal_patient), reported({"dark_spots": True}))
    assert checkin.level == level
    assert checkin.alert.checkin.level == level  # the clinic knows before the next session


def test_no_session_yet_is_a_clear_error(portal_patient):
    with pytest.raises(ValidationError, match="no treatment session"):
        services.checkin_submit(as_actor(portal_patient), reported({"redness": 1}))


def test_staff_cannot_submit_for_themselves(practitioner, session):
    with pytest.raises(PermissionDenied):
        services.checkin_submit(as_actor(practitioner), reported({"redness": 1}))


def test_alert_lifecycle_and_adverse_event(practitioner, portal_patient, session):
    checkin = services.checkin_submit(as_actor(portal_patient), reported({"blisters": True}))
    actor = as_actor(practitioner)
    alert = services.alert_update(actor, checkin.alert.pk, "acknowledge")
    assert alert.acknowledged_at is not None
    with pytest.raises(ValidationError):
        services.alert_update(actor, alert.pk, "contacted", "")
    services.alert_update(actor, alert.pk, "contacted", "Called; perioral vesicles described.")
    event = adverse_event_record(
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


def test_other_clinics_alerts_are_not_found(other_practitioner, portal_patient, session):
    checkin = services.checkin_submit(as_actor(portal_patient), reported({"pus": True}))
    with pytest.raises(Http404):
        services.alert_update(as_actor(other_practitioner), checkin.alert.pk, "acknowledge")


def test_session_reads_are_scoped_to_the_patient_and_the_clinic(
    clinic, practitioner, front_desk, other_practitioner, portal_patient, session
):
    assert selectors.latest_treated_session(as_actor(practitioner), portal_patient.pk) == session
    assert selectors.next_checkin_due(as_actor(practitioner), session) is not None
    another = PatientFactory(clinic=clinic, user=UserFactory(email="another@example.test"))
    for outsider in (as_actor(other_practitioner), as_actor(another)):
        assert selectors.latest_treated_session(outsider, portal_patient.pk) is None
        assert selectors.next_session(outsider, portal_patient.pk) is None
        with pytest.raises(Http404):
            selectors.next_checkin_due(outsider, session)
    with pytest.raises(PermissionDenied):
        selectors.latest_treated_session(as_actor(front_desk), portal_patient.pk)


def test_next_check_in_follows_the_schedule(practitioner, portal_patient, session):
    actor = as_actor(portal_patient)
    first_due = selectors.next_checkin_due(actor, session)
    assert first_due is not None
    assert first_due - session.ended_at == timedelta(days=1)
    services.checkin_submit(actor, reported({"redness": 2}))
    # a check-in now (before day 1) does not move the day-1 prompt
    assert selectors.next_checkin_due(actor, session) == first_due

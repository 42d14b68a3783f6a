"""Responses to the outcome measures: recorded once per timepoint through the door, scored
by the rules, read back as scores; follow-ups overdue listed for the clinic."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from unittest.mock import patch

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from needlepoint.courses.models import Session
from needlepoint.domain.knowledge.model.measures import Respondent, Timepoint
from needlepoint.domain.measures import State
from needlepoint.outcomes import selectors, services
from needlepoint.outcomes.models import FollowUp, MeasureResponse
from needlepoint.records.dashboard import Section, access_dashboard_section
from needlepoint.safety.models import AuditEvent
from tests.clinical_data import planned_course, treated_session
from tests.conftest import as_actor


@pytest.fixture
def course(practitioner, portal_patient):  # type: ignore[no-untyped-def]
    start = timezone.now() + timedelta(days=2)
    return planned_course(as_actor(practitioner), portal_patient.pk, first_session_at=start)


def _bother(value: object) -> dict[str, dict[str, object]]:
    return {"scar_bother": {"scar_bother": value}}


def test_a_patient_reports_at_baseline_once_and_a_second_submit_keeps_the_first(
    portal_patient, course
):
    actor = as_actor(portal_patient)
    [row] = services.measure_response_record(actor, course.pk, "baseline", None, _bother(6))
    assert (row.score, row.respondent, row.clinic_id) == (6, "patient", course.clinic_id)
    with pytest.raises(ValidationError, match=r"already answered on .*those answers are kept"):
        services.measure_response_record(actor, course.pk, "baseline", None, _bother(2))
    assert list(MeasureResponse.objects.values_list("score", flat=True)) == [6]
    [score] = selectors.course_scores(course.clinic_id, course.pk)
    assert (score.measure, score.timepoint, score.value, score.better) == (
        "scar_bother",
        "baseline",
        6,
        "lower",
    )
    assert (score.minimum, score.maximum, score.session_number) == (0, 10, None)
    assert AuditEvent.objects.filter(action="outcome.record").count() == 1


@pytest.mark.parametrize(
    ("answers", "field"),
    [({}, "scar_bother.scar_bother"), (_bother(11), "scar_bother.scar_bother")],
)
def test_missing_or_out_of_range_answers_save_nothing(portal_patient, course, answers, field):
    with pytest.raises(ValidationError) as refused:
        services.measure_response_record(
            as_actor(portal_patient), course.pk, "baseline", None, answers
        )
    assert field in refused.value.message_dict
    assert not MeasureResponse.objects.exists()


def test_a_timepoint_not_open_is_refused_with_when_it_opens(portal_patient, course):
    with pytest.raises(ValidationError, match="Before your next session: this opens on"):
        services.measure_response_record(
            as_actor(portal_patient),
            course.pk,
            "pre_session",
            2,
            {"scar_bother": {"scar_bother": 3}, "gais_patient": {"gais_patient": "improved"}},
        )


def test_another_patient_or_clinic_cannot_reach_the_course(
    course, other_practitioner, clinic, portal_patient
):
    from tests.factories import PatientFactory, UserFactory

    stranger = PatientFactory(clinic=clinic, user=UserFactory(email="stranger@example.test"))
    for actor in (as_actor(stranger), as_actor(other_practitioner)):
        with pytest.raises(Http404):
            selectors.access_course_outcomes(actor, course.pk)
    with pytest.raises(Http404):
        services.measure_response_record(
            as_actor(stranger), course.pk, "baseline", None, _bother(1)
        )
    assert not MeasureResponse.objects.exists()


def test_the_clinician_rates_the_gais_before_a_later_session(practitioner, portal_patient):
    actor = as_actor(practitioner)
    session = treated_session(actor, portal_patient.pk)
    second = session.course.sessions.get(number=2)
    before = second.scheduled_at - timedelta(days=1)
    with pytest.raises(ValidationError, match="not asked here"):
        services.measure_response_record(
            actor, session.course_id, "pre_session", 2, _bother(3), now=before
        )
    [row] = services.measure_response_record(
        actor,
        session.course_id,
        "pre_session",
        2,
        {"gais_clinician": {"gais_clinician": "much_improved"}},
        now=before,
    )
    assert (row.respondent, row.score, row.session_number) == ("clinician", 2, 2)


def test_follow_ups_of_a_finished_course_are_listed_until_the_patient_answers(
    practitioner, portal_patient
):
    staff = as_actor(practitioner)
    session = treated_session(staff, portal_patient.pk, hours_ago=100 * 24)
    course = session.course
    Session.objects.filter(course=course, number__gt=1).update(status="cancelled")
    now = timezone.now()
    assert services.followups_refresh(now) == 2
    assert services.followups_refresh(now) == 0  # nothing new the second time
    listing = access_dashboard_section(staff, staff.today, Section.FOLLOW_UPS, 1)
    [overdue] = listing.items
    assert overdue.title == f"3-month follow-up: {portal_patient.full_name}"
    assert overdue.url == f"/courses/{course.pk}/"
    services.measure_response_record(
        as_actor(portal_patient),
        course.pk,
        "follow_up_3m",
        None,
        {
            "scar_bother": {"scar_bother": 2},
            "gais_patient": {"gais_patient": "much_improved"},
            "satisfaction": {"satisfaction": "satisfied"},
        },
    )
    assert access_dashboard_section(staff, staff.today, Section.FOLLOW_UPS, 1).items == []
    assert FollowUp.objects.get(timepoint="follow_up_3m").answered_at is not None


def test_the_database_refuses_a_second_response_to_a_timepoint_without_a_session(
    portal_patient, course
):
    """The check before saving can race a second submit; the partial unique constraint (a
    timepoint with no session number) still refuses it, and the service says so."""
    actor = as_actor(portal_patient)
    [row] = services.measure_response_record(actor, course.pk, "baseline", None, _bother(6))
    row.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()
    with (
        patch.object(services, "course_timepoint", return_value=_open_baseline(course)),
        pytest.raises(ValidationError, match="already given; the first ones are kept"),
    ):
        services.measure_response_record(actor, course.pk, "baseline", None, _bother(2))
    assert list(MeasureResponse.objects.values_list("score", flat=True)) == [6]


def _open_baseline(course):  # type: ignore[no-untyped-def]
    """The course's baseline as a submit that raced the first one saw it: still open."""
    due = services.course_timepoint(
        course, Timepoint.BASELINE, None, Respondent.PATIENT, timezone.now()
    )
    return replace(due, state=State.OPEN)

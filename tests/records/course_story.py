"""A course told through the services, for the course timeline's tests: two of its three
sessions treated (the second deeper), a follow-up assessment with fewer scars, the patient's
bother from their scars before each session and both GAIS before the second, three frontal
photos of which the first was taken under a consent since withdrawn, a check-in that raised
an alert and an adverse event, both on the second session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from needlepoint.adverse_events.services import adverse_event_record
from needlepoint.checkins.services import checkin_submit
from needlepoint.courses import services
from needlepoint.courses.models import Assessment, Course, Session
from needlepoint.outcomes.services import measure_response_record
from needlepoint.patients.consents import consent_revoke
from needlepoint.photos.models import Photo
from needlepoint.photos.services import photo_upload
from tests.clinical_data import counts, reported, treat, treated_session
from tests.conftest import as_actor
from tests.photos.helpers import close_up, photo_consent, turned_close_up

FEWER_SCARS = {
    "left_cheek": {
        "goodman_baron": {"counts": {"moderate_atrophic": 4}},
        "ecca": {"counts": {"boxcar": 4}},
    },
    "right_cheek": {
        "goodman_baron": {"counts": {"moderate_atrophic": 2}},
        "ecca": {"counts": {"boxcar": 2}},
    },
}


@dataclass(frozen=True)
class Story:
    course: Course
    first: Session
    second: Session
    hidden: Photo  # taken under the withdrawn consent
    baseline: Photo
    followup: Photo


def course_story(practitioner: Any, admin: Any, patient: Any) -> Story:
    """`patient` needs a portal account (the check-in is theirs)."""
    actor = as_actor(practitioner)
    first = treated_session(actor, patient.pk, hours_ago=24 * 28)
    course = first.course
    assert first.started_at is not None
    Assessment.objects.filter(pk=course.assessment_id).update(
        assessed_at=first.started_at - timedelta(days=1)
    )
    withdrawn = photo_consent(admin, patient)
    hidden = photo_upload(actor, close_up(2), "a.jpg", session_id=first.pk, pose="frontal")
    consent_revoke(as_actor(admin), withdrawn.pk, "Asked by phone to keep no photos.")
    photo_consent(admin, patient)
    baseline = photo_upload(actor, close_up(), "b.jpg", session_id=first.pk, pose="frontal")
    reporter = as_actor(patient)
    before_first = first.started_at - timedelta(hours=2)
    measure_response_record(
        reporter, course.pk, "baseline", None, {"scar_bother": {"scar_bother": 7}}, now=before_first
    )
    second_at = timezone.now() - timedelta(days=3)
    before_second = second_at - timedelta(hours=2)
    measure_response_record(
        reporter,
        course.pk,
        "pre_session",
        2,
        {"scar_bother": {"scar_bother": 4}, "gais_patient": {"gais_patient": "improved"}},
        now=before_second,
    )
    measure_response_record(
        actor,
        course.pk,
        "pre_session",
        2,
        {"gais_clinician": {"gais_clinician": "improved"}},
        now=before_second,
    )
    second = treat(actor, course.sessions.get(number=2), second_at, depth_mm=1.5)
    followup = photo_upload(actor, turned_close_up(), "c.jpg", session_id=second.pk, pose="frontal")
    checkin_submit(as_actor(patient), reported({"pus": True}))
    adverse_event_record(
        actor,
        second.pk,
        kind="prolonged_erythema",
        severity="mild",
        serious=False,
        outcome="recovering",
        onset=timezone.localdate(timezone.now(), actor.zone),
        description="Redness on the left cheek for three days.",
    )
    services.assessment_record(actor, patient.pk, counts(1, FEWER_SCARS), scar_types=["boxcar"])
    return Story(course, first, second, hidden, baseline, followup)

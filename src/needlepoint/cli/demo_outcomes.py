"""The portal patient's earlier, completed first course: three sessions charted and signed
about ten to eight months ago, her baseline assessment and a re-assessment at the 6-month
follow-up with better scores, her reports at the baseline, before each later session and at
3 and 6 months, the clinician's GAIS at the same visits, her check-ins after each session and
one adverse event (bruising, resolved). Her current course and its open alert stay as they
are. Seeding twice changes nothing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from needlepoint.adverse_events.services import adverse_event_record
from needlepoint.checkins.services import checkin_create
from needlepoint.cli.demo_answers import CLEAR_ANSWERS
from needlepoint.cli.demo_clinical import age, chart_session, clinic_time, practitioner_actor
from needlepoint.cli.demo_people import PORTAL_PATIENT, demo_patient
from needlepoint.clinics.actors import Actor, actor_for
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.models import Clinic
from needlepoint.courses import services
from needlepoint.courses.models import Assessment, Course, Session
from needlepoint.domain import scars
from needlepoint.domain.triage import Symptoms
from needlepoint.intakes.selectors import patient_context
from needlepoint.outcomes.services import course_followups_refresh, measure_response_record
from needlepoint.patients.models import Patient
from needlepoint.safety.audit import audit_record
from needlepoint.safety.models import Lot

FIRST_SESSION_WEEKS_AGO = 44
INTERVAL_WEEKS = 4
SESSIONS = 3
SCAR_TYPES = ["boxcar", "rolling"]
BASELINE_COUNTS = {
    "left_cheek": {"moderate_atrophic": 16, "shallow_broad_atrophic": 6},
    "right_cheek": {"moderate_atrophic": 12},
}
FOLLOW_UP_COUNTS = {
    "left_cheek": {"moderate_atrophic": 8, "shallow_broad_atrophic": 2},
    "right_cheek": {"moderate_atrophic": 5},
}
Answers = Mapping[str, Mapping[str, object]]


def _one(code: str, answer: object) -> dict[str, dict[str, object]]:
    return {code: {code: answer}}


# Her answers, the clinician's, and how many days after the last session each follow-up is.
PATIENT_BEFORE = {1: _one("scar_bother", 8)}  # the baseline, before session 1
PATIENT_BEFORE |= {
    2: {**_one("scar_bother", 7), **_one("gais_patient", "no_change")},
    3: {**_one("scar_bother", 5), **_one("gais_patient", "improved")},
}
CLINICIAN_BEFORE = {2: _one("gais_clinician", "improved"), 3: _one("gais_clinician", "improved")}
FOLLOW_UPS: dict[str, tuple[int, Answers, Answers]] = {
    "follow_up_3m": (
        93,
        {
            **_one("scar_bother", 4),
            **_one("gais_patient", "much_improved"),
            **_one("satisfaction", "satisfied"),
        },
        _one("gais_clinician", "much_improved"),
    ),
    "follow_up_6m": (
        184,
        {
            **_one("scar_bother", 3),
            **_one("gais_patient", "much_improved"),
            **_one("satisfaction", "very_satisfied"),
        },
        _one("gais_clinician", "much_improved"),
    ),
}
# Her check-ins after each session: (hours after it ended, ratings).
CHECKINS = [(20, {"redness": 5, "swelling": 3, "pain": 2}), (70, {"redness": 2, "swelling": 1})]


def _counts(zones: Mapping[str, Mapping[str, int]]) -> scars.Assessment:
    return scars.Assessment(
        2, zones={z: scars.ScarCounts(scars.ScaleCounts(dict(c))) for z, c in zones.items()}
    )


def _assess(
    actor: Actor, patient: Patient, zones: Mapping[str, Mapping[str, int]], at: datetime
) -> Assessment:
    """An assessment as recorded at `at` (its time is set after the service records it)."""
    assessment = services.assessment_record(
        actor, patient.pk, _counts(zones), scar_types=SCAR_TYPES
    )
    Assessment.objects.filter(pk=assessment.pk).update(assessed_at=at)
    return assessment


def _checkins(patient_actor: Actor, patient: Patient, session: Session) -> None:
    """Her check-ins after the session, as reported then (triaged against that time)."""
    knowledge, context = clinic_knowledge(patient.clinic), patient_context(patient)
    assert session.ended_at is not None
    for hours, ratings in CHECKINS:
        reported = session.ended_at + timedelta(hours=hours)
        symptoms = Symptoms(ratings, frozenset())
        checkin, _ = checkin_create(session, reported, symptoms, "", knowledge, context)
        detail = {"checkin": checkin.pk, "level": checkin.level}
        audit_record(patient_actor, "checkin.submit", "patient", patient.pk, detail=detail)


def seed_completed_course(clinic: Clinic) -> None:
    patient = demo_patient(clinic, PORTAL_PATIENT[1])
    if patient is None or patient.user is None:
        return
    if Course.objects.filter(
        clinic=clinic, patient=patient, status=Course.Status.COMPLETED
    ).exists():
        return
    actor, patient_actor = practitioner_actor(clinic), actor_for(patient.user)
    assert patient_actor is not None
    lots = {lot.lot_number: lot for lot in Lot.objects.filter(clinic=clinic)}
    answers = {**CLEAR_ANSWERS, "age": age(patient), "fitzpatrick": patient.fitzpatrick}
    first = clinic_time(clinic, FIRST_SESSION_WEEKS_AGO, 10)
    baseline = _assess(actor, patient, BASELINE_COUNTS, first - timedelta(days=7))
    plan = services.course_plan(actor, baseline)
    course = services.course_create(
        actor,
        baseline.pk,
        sessions_planned=SESSIONS,
        interval_weeks=INTERVAL_WEEKS,
        zones={z: {"depth_mm": p.depth_mm} for z, p in plan.zones.items()},
        adjuncts=[],
        price_per_session=Decimal(350),
        first_session_at=first,
    )
    Course.objects.filter(pk=course.pk).update(created_at=first - timedelta(days=7))
    last = None
    for number in range(1, SESSIONS + 1):
        session = course.sessions.get(number=number)
        timepoint = "baseline" if number == 1 else "pre_session"
        at_number = None if number == 1 else number
        before = session.scheduled_at - timedelta(days=1)
        measure_response_record(
            patient_actor, course.pk, timepoint, at_number, PATIENT_BEFORE[number], now=before
        )
        if number in CLINICIAN_BEFORE:
            at_visit = session.scheduled_at - timedelta(minutes=40)
            measure_response_record(
                actor, course.pk, timepoint, at_number, CLINICIAN_BEFORE[number], now=at_visit
            )
        # Seeded after her current course: its open alert is reviewed before each start.
        last = chart_session(actor, session, course.zones, answers, lots, reviewed=True)
        _checkins(patient_actor, patient, last)
        if number == 2:
            adverse_event_record(
                actor,
                last.pk,
                kind="bruising",
                severity="mild",
                serious=False,
                outcome="resolved",
                onset=timezone.localdate(last.ended_at, actor.zone),
                description="Bruising under the left cheekbone, gone within a week.",
            )
    assert last is not None
    assert last.ended_at is not None
    for timepoint, (days, hers, clinicians) in FOLLOW_UPS.items():
        at = last.ended_at + timedelta(days=days)
        measure_response_record(patient_actor, course.pk, timepoint, None, hers, now=at)
        measure_response_record(
            actor, course.pk, timepoint, None, clinicians, now=at + timedelta(hours=2)
        )
    _assess(actor, patient, FOLLOW_UP_COUNTS, last.ended_at + timedelta(days=184, hours=2))
    course_followups_refresh(course, timezone.now())

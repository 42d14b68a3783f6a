"""Courses with outcomes, adverse events, check-ins and alerts for the analytics tests: the
assessments and courses made through the services (so their scores are the rules engine's),
the signed charts and what followed them written directly, as a chart's signing is tested
elsewhere."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from needlepoint.adverse_events.models import AdverseEvent
from needlepoint.checkins.models import Alert, CheckIn
from needlepoint.clinics.actors import Actor, actor_for
from needlepoint.courses import services
from needlepoint.courses.models import Assessment, Course, Session
from needlepoint.outcomes.models import MeasureResponse
from needlepoint.patients.models import Patient
from needlepoint.safety.models import Lot
from tests.clinical_data import counts, make_lot
from tests.factories import PatientFactory


def _zones(moderate: int) -> dict[str, Any]:
    """Counts on the left cheek: `moderate` moderately atrophic scars (Goodman & Baron row
    B: 2 points x 1, 2 or 3 by count) and as many boxcar scars for ECCA."""
    if not moderate:
        return {"left_cheek": {"goodman_baron": {"counts": {}}, "ecca": {"counts": {}}}}
    return {
        "left_cheek": {
            "goodman_baron": {"counts": {"moderate_atrophic": moderate}},
            "ecca": {"counts": {"boxcar": moderate}},
        }
    }


@dataclass(frozen=True)
class Treated:
    patient: Patient
    course: Course
    session: Session


def treated_course(
    staff: Any,
    *,
    fitzpatrick: int = 3,
    before: tuple[int, int] = (3, 25),  # (qualitative grade, moderate scars)
    after: tuple[int, int] | None = (2, 3),
    device: str = "pen",
    depth_mm: float = 1.0,
    adverse: str | None = None,
    lot_number: str = "CART-1",
    started: datetime | None = None,
    name: str = "",
) -> Treated:
    """A patient with a baseline assessment, a course of which session 1 is signed (with
    `device` at `depth_mm` on the left cheek), and a re-assessment 90 days on (`after`,
    None for none); `adverse`: the kind of an adverse event recorded for that session."""
    actor: Actor | None = actor_for(staff.user)
    assert actor is not None
    given, _, family = name.partition(" ")
    patient = PatientFactory(
        clinic=staff.clinic, fitzpatrick=fitzpatrick,
        **({"given_name": given, "family_name": family} if name else {}),
    )  # fmt: skip
    started = started or timezone.now() - timedelta(days=120)
    baseline = services.assessment_record(
        actor, patient.pk, counts(before[0], _zones(before[1])), scar_types=["boxcar", "rolling"]
    )
    Assessment.objects.filter(pk=baseline.pk).update(assessed_at=started - timedelta(days=7))
    course = services.course_create(
        actor, baseline.pk, sessions_planned=3, interval_weeks=4,
        zones={"left_cheek": {"depth_mm": depth_mm}}, adjuncts=[], price_per_session=200,
        first_session_at=started,
    )  # fmt: skip
    session = course.sessions.get(number=1)
    lot = None
    if lot_number:
        found = Lot.objects.filter(clinic=staff.clinic, lot_number=lot_number).first()
        lot = found or make_lot(staff.clinic, lot_number)
    Session.objects.filter(pk=session.pk).update(
        status=Session.Status.SIGNED, device=device, cartridge_lot=lot,
        zones={"left_cheek": {"depth_mm": depth_mm, "passes": 2}}, practitioner=staff,
        started_at=started, ended_at=started + timedelta(minutes=30), signed_at=started,
        signed_by=staff,
    )  # fmt: skip
    session.refresh_from_db()
    if after is not None:
        later = services.assessment_record(
            actor, patient.pk, counts(after[0], _zones(after[1])), scar_types=["boxcar"]
        )
        Assessment.objects.filter(pk=later.pk).update(assessed_at=started + timedelta(days=90))
    if adverse:
        AdverseEvent.objects.create(
            clinic=staff.clinic, patient=patient, session=session, kind=adverse,
            severity="mild", outcome="resolved", onset=date.today(), description="Noted.",
            recorded_by=staff.user,
        )  # fmt: skip
    return Treated(patient, course, session)


def checked_in(
    treated: Treated, *, hours: float, level: str, acknowledged_after: timedelta | None = None
) -> CheckIn:
    """A check-in `hours` after the session ended, at `level`; with an alert acknowledged
    `acknowledged_after` its raising (or left open for None), unless `level` is expected."""
    session = treated.session
    assert session.ended_at is not None
    reported = session.ended_at + timedelta(hours=hours)
    checkin = CheckIn.objects.create(
        clinic=session.clinic, patient=treated.patient, session=session, reported_at=reported,
        symptoms={}, level=level, triage={},
    )  # fmt: skip
    if level != "expected":
        alert = Alert.objects.create(
            clinic=session.clinic, patient=treated.patient, checkin=checkin
        )
        Alert.objects.filter(pk=alert.pk).update(
            created_at=reported,
            acknowledged_at=reported + acknowledged_after if acknowledged_after else None,
            status="acknowledged" if acknowledged_after else "open",
        )
    return checkin


def rated(treated: Treated, measure: str, grade: int, timepoint: str = "follow_up_3m") -> None:
    """A GAIS answer (`grade` 1-5) for the course at `timepoint`."""
    MeasureResponse.objects.create(
        clinic=treated.course.clinic, patient=treated.patient, course=treated.course,
        timepoint=timepoint, measure=measure,
        respondent="clinician" if measure == "gais_clinician" else "patient",
        answers={"gais": grade}, score=grade, taken_at=timezone.now(),
        recorded_by=treated.course.planned_by.user,
    )  # fmt: skip

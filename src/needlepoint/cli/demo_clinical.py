"""Demo treatment histories: screenings, assessments, courses and charted sessions, so the
dashboard, timelines and lot recalls show real work. Seeding twice changes nothing."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from needlepoint.accounts.models import User
from needlepoint.checkins.services import checkin_submit
from needlepoint.cli.demo_answers import CLEAR_ANSWERS
from needlepoint.cli.demo_people import PORTAL_PATIENT, PRACTITIONERS, demo_patient
from needlepoint.clinics.actors import Actor, actor_for
from needlepoint.clinics.models import Clinic
from needlepoint.courses import services, sessions
from needlepoint.courses.models import Session
from needlepoint.domain import scars
from needlepoint.domain.triage import Symptoms
from needlepoint.intakes.answers import intake_from_json
from needlepoint.intakes.models import Screening
from needlepoint.intakes.services import intake_record, screening_acknowledge
from needlepoint.patients.consents import consent_sign
from needlepoint.patients.models import Consent, ConsentTemplate, Patient
from needlepoint.records import services as records
from needlepoint.safety.models import Lot


class History(NamedTuple):
    given_name: str
    intake_changes: dict[str, Any]
    grade: int
    scar_types: list[str]
    zone_counts: dict[str, dict[str, int]]
    weeks_since_first_session: int


HISTORIES = [
    History(
        "Maya",
        {},
        3,
        ["boxcar", "rolling"],
        {
            "left_cheek": {"moderate_atrophic": 14, "shallow_broad_atrophic": 4},
            "right_cheek": {"moderate_atrophic": 9},
        },
        6,
    ),
    History(
        "Daniel",
        {"herpes_simplex_history": True},
        2,
        ["boxcar"],
        {"left_cheek": {"mild_atrophic": 8}, "right_cheek": {"mild_atrophic": 6}},
        5,
    ),
    History(
        "Aisha",
        {"isotretinoin_months_ago": 4},
        3,
        ["icepick", "boxcar"],
        {"left_cheek": {"moderate_atrophic": 11}, "forehead": {"mild_atrophic": 5}},
        0,
    ),
]
CARTRIDGE, SERUM, NUMBING = "ADD-C12-2405", "LSL-HA-2407", "NBP-LC4-2402"


def practitioner_actor(clinic: Clinic) -> Actor:
    actor = actor_for(User.objects.get(email=PRACTITIONERS[clinic.slug]))
    assert actor is not None
    return actor


def clinic_time(clinic: Clinic, weeks_ago: int, hour: int) -> datetime:
    zone = ZoneInfo(clinic.time_zone)
    today = datetime.now(zone).date() - timedelta(weeks=weeks_ago)
    return datetime.combine(today, time(hour), tzinfo=zone)


def seed_histories(clinic: Clinic) -> None:
    actor = practitioner_actor(clinic)
    lots = {lot.lot_number: lot for lot in Lot.objects.filter(clinic=clinic)}
    for given, changes, grade, scar_types, zones, weeks in HISTORIES:
        patient = demo_patient(clinic, given)
        assert patient is not None
        if patient.courses.exists():
            continue
        _consent(actor, patient)
        answers = {
            **CLEAR_ANSWERS,
            **changes,
            "age": age(patient),
            "fitzpatrick": patient.fitzpatrick,
        }
        acknowledge(actor, intake_record(actor, patient.pk, intake_from_json(actor, answers)))
        counts = scars.Assessment(
            grade, zones={z: scars.ScarCounts(scars.ScaleCounts(c)) for z, c in zones.items()}
        )
        assessment = services.assessment_record(actor, patient.pk, counts, scar_types=scar_types)
        plan = services.course_plan(actor, assessment)
        assert plan.sessions is not None
        course = services.course_create(
            actor,
            assessment.pk,
            sessions_planned=plan.sessions.min,
            interval_weeks=6,
            zones={z: {"depth_mm": p.depth_mm} for z, p in plan.zones.items()},
            adjuncts=[a.code for a in plan.adjuncts],
            price_per_session=Decimal(350),
            first_session_at=clinic_time(clinic, weeks, 10 if weeks else 15),
        )
        if weeks:  # the first session happened: chart and sign it
            chart_session(actor, course.sessions.get(number=1), course.zones, answers, lots)
    _portal_checkin(clinic)


def _portal_checkin(clinic: Clinic) -> None:
    """The portal patient reports darkening spots weeks after her session: an open alert."""
    patient = demo_patient(clinic, PORTAL_PATIENT[1])
    assert patient is not None
    if patient.user is None or patient.checkins.exists():
        return
    actor = actor_for(patient.user)
    assert actor is not None
    checkin_submit(
        actor,
        Symptoms({"redness": 1}, frozenset({"dark_spots", "dark_spots_worsening"})),
        "The marks on my left cheek look darker this week.",
    )


def chart_session(
    actor: Actor,
    session: Session,
    zones: dict[str, Any],
    answers: dict[str, Any],
    lots: dict[str, Lot],
    *,
    reviewed: bool = False,
) -> Session:
    """Start the session at its booked time (re-screened, precautions acknowledged; `reviewed`:
    what is open for the patient was reviewed), chart it with the demo's pen and lots on the
    course's zones, and sign it."""
    intake = intake_from_json(actor, answers)
    acknowledge(actor, records.session_start(actor, session.pk, intake, reviewed=reviewed))
    start = session.scheduled_at
    saved = sessions.session_chart_save(
        actor,
        session.pk,
        revision=0,
        anaesthetic="Lidocaine 4% cream",
        numbing_applied_at=start - timedelta(minutes=35),
        numbing_removed_at=start - timedelta(minutes=2),
        device="pen",
        device_id="MicroPen EVO #A17",
        cartridge_lot=lots[CARTRIDGE],
        product_lots=[lots[SERUM], lots[NUMBING]],
        zones={z: {**planned, "passes": 3} for z, planned in zones.items()},
        endpoint="pinpoint_bleeding",
        immediate_reactions="Even erythema, pinpoint bleeding.",
        started_at=start,
        ended_at=start + timedelta(minutes=30),
    )
    return sessions.session_sign(actor, session.pk, saved.revision)


def acknowledge(actor: Actor, screening: Screening) -> None:
    for finding in screening.unacknowledged():
        screening_acknowledge(
            actor, screening.pk, str(finding["code"]), "Discussed with the patient; plan adjusted."
        )


def _consent(actor: Actor, patient: Patient) -> None:
    if Consent.objects.filter(patient=patient).exists():
        return
    for template in ConsentTemplate.objects.filter(clinic=patient.clinic, active=True):
        uses = ["clinical_record"] if template.kind == "photo" else []
        consent_sign(actor, patient.pk, template.pk, patient.full_name, photo_uses=uses)


def age(patient: Patient) -> int:
    today = datetime.now().date()
    born = patient.date_of_birth
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

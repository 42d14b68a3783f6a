"""Clinical test data shared by the service, page, API and browser tests."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from needlepoint.clinics.actors import Actor
from needlepoint.courses import services, sessions
from needlepoint.courses.models import Course, Session
from needlepoint.domain.knowledge import load_knowledge
from needlepoint.domain.scars import Assessment, parse_assessment
from needlepoint.domain.triage import Symptoms, parse_symptoms
from needlepoint.intakes.answers import intake_from_json
from needlepoint.records import services as records
from needlepoint.safety.models import Lot
from tests.intake_answers import CLEAR

ZONES: dict[str, Any] = {
    "left_cheek": {
        "goodman_baron": {"counts": {"moderate_atrophic": 12, "shallow_broad_atrophic": 3}},
        "ecca": {"counts": {"boxcar": 12, "rolling": 3}},
    },
    "right_cheek": {
        "goodman_baron": {"counts": {"moderate_atrophic": 8}},
        "ecca": {"counts": {"boxcar": 8}},
    },
}


def counts(qualitative_grade: int, zones: dict[str, Any] = ZONES) -> Assessment:
    """Counts per zone as the rules engine reads them from JSON."""
    data = {"qualitative_grade": qualitative_grade, "zones": zones}
    return parse_assessment(data, load_knowledge())


def reported(symptoms: dict[str, Any]) -> Symptoms:
    """A check-in's symptoms as the rules engine reads them from JSON."""
    return parse_symptoms(symptoms, "symptoms", load_knowledge())


def make_lot(
    clinic: Any,
    number: str,
    *,
    kind: str = "cartridge",
    expires: date | None = None,
    recalled: bool = False,
) -> Lot:
    return Lot.objects.create(
        clinic=clinic,
        kind=kind,
        manufacturer="Acme",
        product_name="12-pin cartridge",
        lot_number=number,
        expiry_date=expires or date.today() + timedelta(days=365),
        recalled_at=timezone.now() - timedelta(days=1) if recalled else None,
        recall_reason="Sterility breach" if recalled else "",
    )


def planned_course(
    actor: Actor, patient_id: object, first_session_at: datetime | None = None
) -> Course:
    """An assessed patient with a three-session course on the cheeks, starting now."""
    assessment = services.assessment_record(actor, patient_id, counts(2), scar_types=["boxcar"])
    return services.course_create(
        actor,
        assessment.pk,
        sessions_planned=3,
        interval_weeks=4,
        zones={"left_cheek": {"depth_mm": 1.0}},
        adjuncts=[],
        price_per_session=200,
        first_session_at=first_session_at or timezone.now(),
    )


def treated_session(actor: Actor, patient_id: object, *, hours_ago: float = 20) -> Session:
    """A patient whose first session was charted and signed `hours_ago`."""
    start = timezone.now() - timedelta(hours=hours_ago)
    course = planned_course(actor, patient_id, first_session_at=start)
    return treat(actor, course.sessions.get(number=1), start)


def treat(actor: Actor, session: Session, start: datetime, depth_mm: float = 1.0) -> Session:
    """Screen, chart (30 minutes from `start`, a new cartridge lot, `depth_mm` on the left
    cheek) and sign one session."""
    records.session_start(actor, session.pk, intake_from_json(actor, CLEAR))
    lot = make_lot(session.clinic, f"CART-{session.pk}")
    saved = sessions.session_chart_save(
        actor,
        session.pk,
        revision=0,
        device="pen",
        device_id="PEN-1",
        cartridge_lot=lot,
        zones={"left_cheek": {"depth_mm": depth_mm, "passes": 2}},
        endpoint="erythema",
        started_at=start,
        ended_at=start + timedelta(minutes=30),
    )
    return sessions.session_sign(actor, session.pk, saved.revision)

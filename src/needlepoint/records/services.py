"""Starting a session: the practitioner reviews what is open for the patient, then re-screens."""

from __future__ import annotations

from dataclasses import asdict

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.roles import Permission
from needlepoint.courses.models import Session
from needlepoint.courses.selectors import session_in_scope
from needlepoint.domain import screening as rules
from needlepoint.domain.charting import start_refusals
from needlepoint.intakes.models import Intake, Screening
from needlepoint.intakes.services import intake_record
from needlepoint.records.open_items import open_items
from needlepoint.safety.audit import audit_record


@transaction.atomic
def session_start(
    actor: Actor, session_id: object, answers: rules.Intake, *, reviewed: bool = False
) -> Screening:
    """Re-screen on the short "anything changed?" intake, once the practitioner has reviewed
    (`reviewed`) what is open for the patient; what they reviewed is kept on the session."""
    session = session_in_scope(actor, session_id, Permission.SESSION_CHART)
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.status != Session.Status.SCHEDULED:
        raise ValidationError("This session has already been started or closed.")
    items = open_items(actor, session.patient)
    refusals = start_refusals(items, reviewed)
    if refusals:
        raise ValidationError(
            {refusal.field or NON_FIELD_ERRORS: refusal.message for refusal in refusals}
        )
    screening = intake_record(actor, session.patient_id, answers, Intake.Context.PRE_SESSION)
    session.screening = screening
    session.start_review = [
        {**asdict(item), "reviewed_at": timezone.now().isoformat()} for item in items
    ]
    session.save(update_fields=["screening", "start_review"])
    audit_record(
        actor,
        "session.rescreen",
        "patient",
        session.patient_id,
        detail={
            "session": session.pk,
            "verdict": screening.verdict,
            "reviewed": [item.kind for item in items],
        },
    )
    return screening

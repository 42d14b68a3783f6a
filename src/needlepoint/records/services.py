"""Writes across the record: starting a session (the practitioner reviews what is open for
the patient, then re-screens), and erasing a patient's record (once the clinic's retention
period after the last treatment has passed, or at once for a record created in error: every
row about the patient and the photos' files go; a tombstone and the audit events stay)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from zoneinfo import ZoneInfo

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.roles import Permission
from needlepoint.courses.models import Session
from needlepoint.courses.selectors import session_in_scope
from needlepoint.domain import screening as rules
from needlepoint.domain.charting import start_refusals
from needlepoint.intakes.models import Intake, Screening
from needlepoint.intakes.services import intake_record
from needlepoint.patients.models import Patient, PatientTombstone
from needlepoint.patients.selectors import patient_in_scope
from needlepoint.photos import storage
from needlepoint.photos.models import Photo
from needlepoint.records.open_items import open_items
from needlepoint.records.patient_rows import patient_rows
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


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def erasable_from(patient: Patient) -> date:
    """The first day the record may be erased: the clinic's retention period after the
    last treatment (or after the record was opened, for a patient never treated)."""
    last_treated = Session.objects.filter(patient=patient).aggregate(last=Max("ended_at"))["last"]
    last = max(filter(None, [last_treated, patient.created_at]))
    zone_day = timezone.localdate(last, timezone=ZoneInfo(patient.clinic.time_zone))
    return _years_after(zone_day, patient.clinic.record_retention_years)


def _discard(file_names: list[str]) -> None:
    for name in file_names:
        storage.discard(name)


@transaction.atomic
def patient_erase(
    actor: Actor, patient_id: object, reason: str, *, created_in_error: bool = False
) -> PatientTombstone:
    """Erase the record (a clinic admin), keeping a tombstone; audited."""
    patient = patient_in_scope(actor, patient_id, Permission.PATIENT_DATA_RIGHTS)
    patient = Patient.objects.select_for_update().select_related("clinic").get(pk=patient.pk)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the record is erased."})
    if not created_in_error:
        first_day = erasable_from(patient)
        if actor.today < first_day:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: f"The clinic keeps records "
                    f"{patient.clinic.record_retention_years} years after the last treatment: "
                    f"this one may be erased from {first_day:%d %B %Y}, or now only if it "
                    "was created in error."
                }
            )
    # The rows go, so the read-only guard of a restricted record steps aside (no signal).
    Patient.objects.filter(pk=patient.pk).update(restricted_at=None)
    files = list(Photo.objects.filter(patient=patient).values_list("file_name", flat=True))
    portal_user = patient.user
    erased: dict[str, int] = {}
    for model, rows in reversed(list(patient_rows(patient))):
        erased[model._meta.label_lower] = rows.count()
        rows.delete()
    if portal_user is not None and not hasattr(portal_user, "staff"):
        portal_user.delete()
    tombstone = PatientTombstone.objects.create(
        id=patient.pk,
        clinic=patient.clinic,
        record_number=patient.record_number,
        erased_at=timezone.now(),
        erased_by=actor.user,
        reason=reason,
        created_in_error=created_in_error,
    )
    audit_record(
        actor,
        "patient.erase",
        "patient",
        patient.pk,
        detail={
            "record_number": patient.record_number,
            "reason": reason,
            "created_in_error": created_in_error,
            "rows": erased,
        },
    )
    # The files go once the rows are gone for good; a rolled-back erasure keeps them.
    transaction.on_commit(lambda: _discard(files))
    return tombstone

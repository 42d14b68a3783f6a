"""Every row about one patient, in the order the rows depend on each other: what the export
writes and the erasure deletes (in reverse). A test checks that every model reaching a
patient is listed, so a new model is exported and erased without anyone remembering to."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import models

from needlepoint.adverse_events.models import AdverseEvent
from needlepoint.billing.models import Invoice, Package, Payment, Quote
from needlepoint.checkins.models import Alert, AlertAction, CheckIn
from needlepoint.courses.models import Addendum, Assessment, Course, Session
from needlepoint.intakes.models import Acknowledgement, Intake, Override, Screening
from needlepoint.notify.models import CalendarFeed, MailPreference, OutboxMessage, SmsConsent
from needlepoint.outcomes.models import FollowUp, MeasureResponse
from needlepoint.patients.models import Consent, ConsentRevocation, ConsultationRequest, Patient
from needlepoint.photos.models import Photo
from needlepoint.scheduling.models import Appointment, Reservation

# (model, the lookup from it to the patient's id)
PATIENT_ROWS: tuple[tuple[type[models.Model], str], ...] = (
    (Patient, "pk"),
    (ConsultationRequest, "patient"),
    (Consent, "patient"),
    (ConsentRevocation, "consent__patient"),
    (Intake, "patient"),
    (Screening, "patient"),
    (Acknowledgement, "screening__patient"),
    (Override, "screening__patient"),
    (Assessment, "patient"),
    (Course, "patient"),
    (Session, "patient"),
    (Quote, "patient"),
    (Package, "patient"),
    (Payment, "patient"),
    (Invoice, "patient"),
    (Addendum, "session__patient"),
    (Appointment, "patient"),
    (Reservation, "appointment__patient"),
    (CheckIn, "patient"),
    (Alert, "patient"),
    (AlertAction, "alert__patient"),
    (AdverseEvent, "patient"),
    (MeasureResponse, "patient"),
    (FollowUp, "patient"),
    (Photo, "patient"),
    (OutboxMessage, "patient"),
    (MailPreference, "patient"),
    (SmsConsent, "patient"),
    (CalendarFeed, "patient"),
)

# Secrets that grant access, not facts about the patient: never exported.
SECRET_FIELDS = {
    CalendarFeed: {"nonce", "token_digest"},
    OutboxMessage: {"unsubscribe_url"},
}


def patient_rows(patient: Patient) -> Iterator[tuple[type[models.Model], models.QuerySet]]:  # type: ignore[type-arg]
    for model, lookup in PATIENT_ROWS:
        yield model, model._default_manager.filter(**{lookup: patient.pk}).order_by("pk")

"""Consultation requests from a clinic's public booking page: the new patient is registered as
a prospect with the day and part of the day they would like, and the front desk books them
into the calendar (or declines). Requests are counted per client and per clinic, so a flood
of them is refused before it reaches the registry; they never hold a slot."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from needlepoint.accounts.throttle import Limit, throttle_hit
from needlepoint.clinics.actors import Actor
from needlepoint.clinics.models import Clinic
from needlepoint.clinics.records import OutOfScope, record_key
from needlepoint.clinics.roles import Permission
from needlepoint.patients.models import ConsultationRequest
from needlepoint.patients.services import prospect_register
from needlepoint.safety.audit import audit_read, audit_record

PER_CLIENT = Limit("consultation-client", 5, 3600)
PER_CLINIC = Limit("consultation-clinic", 60, 3600)
HORIZON = timedelta(days=90)  # how far ahead a preferred day may be


class TooManyRequests(Exception):
    """Past the limit for this client or clinic: try again in `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("Too many requests; try again later.")
        self.retry_after = retry_after


def _check_day(day: date, today: date) -> None:
    if not today <= day <= today + HORIZON:
        raise ValidationError(
            {"preferred_date": f"Choose a day from today to {HORIZON.days} days ahead."}
        )


@transaction.atomic
def consultation_request(
    clinic: Clinic,
    *,
    client: str,
    preferred_date: date,
    preferred_part: str = ConsultationRequest.Part.ANY,
    message: str = "",
    **details: Any,
) -> ConsultationRequest:
    """Register the prospect (see `prospect_register`) with their request. A second request
    while one is open is the same request, unchanged."""
    _check_day(preferred_date, timezone.localdate(timezone=ZoneInfo(clinic.time_zone)))
    for limit, key in ((PER_CLIENT, f"{clinic.pk}:{client}"), (PER_CLINIC, str(clinic.pk))):
        wait = throttle_hit(limit, key)
        if wait:
            raise TooManyRequests(wait)
    patient = prospect_register(clinic, **details)
    open_request = ConsultationRequest.objects.filter(
        clinic=clinic, patient=patient, status=ConsultationRequest.Status.OPEN
    ).first()
    if open_request is not None:
        return open_request
    request = ConsultationRequest(
        clinic=clinic,
        patient=patient,
        preferred_date=preferred_date,
        preferred_part=preferred_part,
        message=message.strip(),
    )
    request.full_clean()
    request.save()
    audit_record(
        None,
        "consultation.request",
        "patient",
        patient.pk,
        clinic_id=clinic.pk,
        detail={"request": request.pk},
    )
    return request


def access_consultation_requests(actor: Actor) -> list[ConsultationRequest]:
    """The clinic's open requests, oldest first; audited as a read of each prospect."""
    actor.require(Permission.APPOINTMENT_BOOK)
    requests = list(
        ConsultationRequest.objects.filter(
            clinic=actor.clinic, status=ConsultationRequest.Status.OPEN
        ).select_related("patient")
    )
    for request in requests:
        audit_read(actor, "consultation.read", "patient", request.patient_id)
    return requests


@transaction.atomic
def consultation_request_close(actor: Actor, request_id: object, status: str) -> None:
    """The front desk has booked the consultation, or declined the request."""
    actor.require(Permission.APPOINTMENT_BOOK)
    if status not in (ConsultationRequest.Status.BOOKED, ConsultationRequest.Status.DECLINED):
        raise ValidationError({"status": "Say whether the consultation was booked or declined."})
    request = (
        ConsultationRequest.objects.select_for_update()
        .filter(clinic=actor.clinic, pk=record_key(request_id, "request"))
        .first()
    )
    if request is None:
        raise OutOfScope("consultation request", request_id)
    if request.status != ConsultationRequest.Status.OPEN:
        raise ValidationError("This request has already been dealt with.")
    request.status, request.handled_at, request.handled_by = status, timezone.now(), actor.user
    request.save(update_fields=["status", "handled_at", "handled_by"])
    audit_record(
        actor,
        f"consultation.{status}",
        "patient",
        request.patient_id,
        detail={"request": request.pk},
    )

"""Writes of booking in the patient portal: a patient books, moves or cancels their own
course's session at a time offered (`selectors.booking_offer`, read again as they confirm).

The "anything changed?" answers are recorded as a pre-session intake before anything is
booked, and kept when their screening stops the booking (`domain.booking.rescreen_stop`). The
calendar's own services write the booking, so its checks hold, and two patients taking one
slot at once leave one booked and the other with `SlotTaken`. Every write is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from needlepoint.clinics.actors import Actor
from needlepoint.domain import booking as rules
from needlepoint.domain import screening
from needlepoint.domain.booking import BookingStop
from needlepoint.intakes.models import Intake
from needlepoint.intakes.services import intake_record
from needlepoint.records.self_booking.selectors import (
    Holds,
    Offer,
    booked_in_scope,
    booking_offer,
    booking_policy,
    patient_actor,
)
from needlepoint.safety.audit import audit_record
from needlepoint.scheduling import services
from needlepoint.scheduling.models import Appointment

CANCELLED_BY_PATIENT = "Cancelled by the patient in the portal."


@dataclass(frozen=True)
class SelfBooked:
    """What came of a booking or a move: the appointment, or why nothing was booked."""

    appointment: Appointment | None
    stop: BookingStop | None = None


def _chosen(
    actor: Actor, starts_at: datetime, session_id: object | None, appointment_id: object | None
) -> tuple[Offer, Holds | None]:
    """The offer read again now, and what holds `starts_at` in it. SlotTaken when nothing
    stops the booking but the time is no longer offered."""
    offer = booking_offer(actor, session_id, appointment_id, timezone.now())
    if offer.stop is not None and offer.stop.code != rules.UNAVAILABLE:
        return offer, None
    holds = offer.slots.get(starts_at)
    if holds is None:
        raise services.SlotTaken(rules.SLOT_GONE)
    return offer, holds


def _rescreen(actor: Actor, answers: screening.Intake, offer: Offer) -> BookingStop | None:
    """Record the "anything changed?" answers (kept whatever follows); a verdict that
    defers or refuses treatment stops the booking, recorded with its reason."""
    result = intake_record(actor, actor.patient_id, answers, Intake.Context.PRE_SESSION)
    stop = rules.rescreen_stop(screening.Verdict(result.verdict))
    if stop is not None:
        audit_record(
            actor,
            "appointment.portal_stopped",
            "patient",
            actor.patient_id,
            detail={"session": offer.session.pk, "screening": result.pk, "stop": stop.reasons},
        )
    return stop


def self_book(
    actor: Actor, session_id: object, starts_at: datetime, answers: screening.Intake
) -> SelfBooked:
    """Book the patient's session at an offered start, once the re-screening allows it."""
    patient_actor(actor)
    offer, holds = _chosen(actor, starts_at, session_id, None)
    if holds is None or offer.appointment_type is None:
        return SelfBooked(None, offer.stop)
    stop = _rescreen(actor, answers, offer)
    if stop is not None:
        return SelfBooked(None, stop)
    booking = services.appointment_book(
        actor,
        patient_id=actor.patient_id,
        type_id=offer.appointment_type.pk,
        practitioner_id=holds.practitioner_id,
        room_id=holds.room_id,
        numbing_room_id=holds.numbing_room_id,
        session_id=offer.session.pk,
        starts_at=starts_at,
        notes="Booked by the patient in the portal.",
    )
    return SelfBooked(booking.appointment)


def self_move(
    actor: Actor,
    appointment_id: object,
    starts_at: datetime,
    answers: screening.Intake,
    revision: int,
) -> SelfBooked:
    """Move the patient's appointment to an offered start, once the re-screening allows it."""
    patient_actor(actor)
    offer, holds = _chosen(actor, starts_at, None, appointment_id)
    if holds is None:
        return SelfBooked(None, offer.stop)
    stop = _rescreen(actor, answers, offer)
    if stop is not None:
        return SelfBooked(None, stop)
    booking = services.appointment_move(
        actor,
        appointment_id,
        starts_at=starts_at,
        practitioner_id=holds.practitioner_id,
        room_id=holds.room_id,
        numbing_room_id=holds.numbing_room_id or "",
        revision=revision,
    )
    return SelfBooked(booking.appointment)


def self_cancel(actor: Actor, appointment_id: object, revision: int) -> BookingStop | None:
    """Cancel the patient's appointment (its session stays, to be booked again), unless it is
    within the clinic's notice: then the stop says to call."""
    patient_actor(actor)
    appointment = booked_in_scope(actor, appointment_id)
    stop = rules.notice_stop(appointment.starts_at, timezone.now(), booking_policy(actor))
    if stop is not None:
        return stop
    services.appointment_cancel(
        actor, appointment.pk, reason=CANCELLED_BY_PATIENT, revision=revision
    )
    return None

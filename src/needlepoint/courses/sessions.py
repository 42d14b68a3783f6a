"""Writes for sessions: the chart (saved with conflict detection), signing, addenda, scheduling.

Whether a chart may be saved or signed is the domain's session gate (`domain/charting.py`);
this module gathers what the gate needs from the database and turns its refusals into
validation errors keyed by field.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.records import record_key
from needlepoint.clinics.roles import Permission
from needlepoint.courses.models import Addendum, Course, Session
from needlepoint.courses.selectors import course_in_scope, session_in_scope
from needlepoint.domain import charting
from needlepoint.domain.knowledge.model.charting import CHART_FIELDS
from needlepoint.domain.knowledge.model.planning import COURSE_SESSIONS
from needlepoint.intakes.models import Screening
from needlepoint.safety.audit import audit_record
from needlepoint.safety.models import Lot
from needlepoint.safety.services import gate_lot


class ChartConflict(Exception):
    """Someone else saved the chart since it was opened; nothing was overwritten."""

    def __init__(self, session: Session) -> None:
        super().__init__(
            "This chart was changed by someone else since you opened it. "
            "Their version is shown; your entries are kept below for you to re-apply."
        )
        self.session = session


class ChartSigned(Exception):
    """The chart was signed while being edited: the entries were kept as a draft addendum."""

    def __init__(self, draft: Addendum) -> None:
        super().__init__(
            "This chart was signed while you were editing it, so it is locked. Your entries "
            "were kept as a draft addendum: review it, then add it to the chart or discard it."
        )
        self.draft = draft


def screening_state(screening: Screening | None) -> charting.ScreeningState | None:
    """The re-screening as the session gate sees it (read afresh: acknowledgements change)."""
    if screening is None:
        return None
    screening.refresh_from_db()
    return screening.gate_state()


def _refuse(refusals: Sequence[charting.Refusal]) -> None:
    errors: dict[str, list[str]] = {}
    for refusal in refusals:
        errors.setdefault(refusal.field or NON_FIELD_ERRORS, []).append(refusal.message)
    if errors:
        raise ValidationError(errors)


def gate_chart(session: Session, product_lots: Sequence[Lot], **changes: Any) -> charting.Chart:
    """The chart as it will stand once `changes` are applied to the session."""

    def value(name: str) -> Any:
        return changes[name] if name in changes else getattr(session, name)

    zones: Mapping[str, Mapping[str, Any]] = value("zones") or {}
    cartridge = value("cartridge_lot")
    return charting.Chart(
        anaesthetic=value("anaesthetic") or "",
        device=value("device") or "",
        device_id=value("device_id") or "",
        cartridge_lot=gate_lot(cartridge) if cartridge else None,
        product_lots=tuple(gate_lot(lot) for lot in product_lots),
        zones={
            name: charting.ZoneTreatment(_depth(name, entry), _passes(name, entry))
            for name, entry in zones.items()
        },
        endpoint=value("endpoint") or "",
        adjuncts=tuple(value("adjuncts") or ()),
        immediate_reactions=value("immediate_reactions") or "",
        numbing_applied_at=value("numbing_applied_at"),
        numbing_removed_at=value("numbing_removed_at"),
        started_at=value("started_at"),
        ended_at=value("ended_at"),
    )


def _depth(zone: str, entry: Mapping[str, Any]) -> float | None:
    depth = entry.get("depth_mm")
    if depth in (None, ""):
        return None
    if not math.isfinite(float(depth)):
        raise ValidationError({f"zones.{zone}.depth_mm": "Give the depth in millimetres."})
    return float(depth)


def _passes(zone: str, entry: Mapping[str, Any]) -> int | None:
    passes = entry.get("passes")
    if passes is None:
        return None
    if not math.isfinite(float(passes)) or float(passes) != int(passes):
        raise ValidationError({f"zones.{zone}.passes": "Passes are a whole number."})
    return int(passes)


def _check_lots_belong(session: Session, cartridge: Lot | None, products: Sequence[Lot]) -> None:
    lots = [lot for lot in (cartridge, *products) if lot is not None]
    if any(lot.clinic_id != session.clinic_id for lot in lots):
        raise ValidationError({"cartridge_lot": "Unknown lot."})


@transaction.atomic
def _chart_save(
    actor: Actor, session_id: object, revision: int, product_lots: Sequence[Lot], chart: Any
) -> Session | Addendum:
    unknown = set(chart) - set(CHART_FIELDS)
    if unknown:
        raise ValidationError(f"Not chart fields: {', '.join(sorted(unknown))}.")
    session = session_in_scope(actor, session_id, Permission.SESSION_CHART)
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.locked:
        return _draft_addendum(actor, session, chart, product_lots)
    if session.revision != revision:
        raise ChartConflict(session)
    _check_lots_belong(session, chart.get("cartridge_lot", session.cartridge_lot), product_lots)
    gate = gate_chart(session, product_lots, **chart)
    knowledge = clinic_knowledge(actor.clinic)
    _refuse(
        charting.chart_refusals(
            gate, screening_state(session.screening), knowledge, actor.zone, timezone.now()
        )
    )
    for name, value in chart.items():
        setattr(session, name, value)
    session.status = Session.Status.IN_PROGRESS
    session.practitioner = actor.user.staff
    session.revision += 1
    session.full_clean(exclude=["screening", "cartridge_lot", "practitioner", "signed_by"])
    session.save()
    session.product_lots.set(product_lots)
    audit_record(
        actor,
        "session.chart",
        "patient",
        session.patient_id,
        detail={"session": session.pk, "revision": session.revision, "fields": sorted(chart)},
    )
    if session.course.status == Course.Status.PLANNED:
        Course.objects.filter(pk=session.course_id).update(status=Course.Status.ACTIVE)
    return session


def session_chart_save(
    actor: Actor,
    session_id: object,
    *,
    revision: int,
    product_lots: Sequence[Lot] = (),
    **chart: Any,
) -> Session:
    """Save the chart if nobody else saved it since `revision`; refuse what is unsafe.

    A save against a chart signed in the meantime is never lost: it is kept as a draft
    addendum (committed) and `ChartSigned` says so.
    """
    saved = _chart_save(actor, session_id, revision, product_lots, chart)
    if isinstance(saved, Addendum):
        raise ChartSigned(saved)
    return saved


def _draft_addendum(
    actor: Actor, session: Session, chart: Mapping[str, Any], product_lots: Sequence[Lot]
) -> Addendum:
    lines = [
        f"{name.replace('_', ' ')}: {_shown(value)}"
        for name, value in {**chart, "product_lots": list(product_lots)}.items()
        if _shown(value) != _shown(_signed_value(session, name))
    ]
    text = "Entries made while the chart was being signed (not part of the signed chart):\n"
    draft = Addendum.objects.create(
        session=session,
        text=text + ("\n".join(lines) or "(the same as the signed chart)"),
        author=actor.user,
        draft=True,
    )
    audit_record(
        actor,
        "session.addendum_draft",
        "patient",
        session.patient_id,
        detail={"session": session.pk, "addendum": draft.pk},
    )
    return draft


def _signed_value(session: Session, name: str) -> Any:
    return list(session.product_lots.all()) if name == "product_lots" else getattr(session, name)


def _shown(value: Any) -> str:
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, Mapping):
        return "; ".join(f"{key} {_shown(item)}" for key, item in sorted(value.items()))
    if isinstance(value, list | tuple):
        return ", ".join(_shown(item) for item in value)
    return "" if value is None else str(value)


@transaction.atomic
def session_sign(actor: Actor, session_id: object, revision: int) -> Session:
    """Sign the chart as it stands at `revision`; it is locked from then on."""
    session = session_in_scope(actor, session_id, Permission.SESSION_CHART)
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.locked:
        raise ValidationError("This chart is already signed.")
    if session.revision != revision:
        raise ChartConflict(session)
    gate = gate_chart(session, list(session.product_lots.all()))
    knowledge = clinic_knowledge(actor.clinic)
    now = timezone.now()
    _refuse(
        charting.sign_refusals(gate, screening_state(session.screening), knowledge, actor.zone, now)
    )
    session.status = Session.Status.SIGNED
    session.signed_at = now
    session.signed_by = actor.user.staff
    session.save(update_fields=["status", "signed_at", "signed_by"])
    audit_record(
        actor, "session.sign", "patient", session.patient_id, detail={"session": session.pk}
    )
    course = session.course
    if not course.sessions.exclude(
        status__in=[Session.Status.SIGNED, Session.Status.CANCELLED]
    ).exists():
        Course.objects.filter(pk=course.pk).update(status=Course.Status.COMPLETED)
    return session


@transaction.atomic
def addendum_add(
    actor: Actor, session_id: object, text: str, draft_id: object | None = None
) -> Addendum:
    """Add an addendum to a signed chart; with `draft_id`, publish that draft as `text`."""
    session = session_in_scope(actor, session_id, Permission.SESSION_CHART)
    if not session.locked:
        raise ValidationError("Edit the chart itself until it is signed.")
    if not text.strip():
        raise ValidationError({"text": "Write the correction or note."})
    if draft_id is not None:
        addendum = _own_draft(actor, session, draft_id)
        addendum.text, addendum.draft, addendum.at = text.strip(), False, timezone.now()
        addendum.save(update_fields=["text", "draft", "at"])
    else:
        addendum = Addendum.objects.create(session=session, text=text.strip(), author=actor.user)
    audit_record(
        actor,
        "session.addendum",
        "patient",
        session.patient_id,
        detail={"session": session.pk, "addendum": addendum.pk},
    )
    return addendum


@transaction.atomic
def addendum_discard(actor: Actor, session_id: object, draft_id: object) -> None:
    """Discard one's own draft addendum (it was never part of the chart)."""
    session = session_in_scope(actor, session_id, Permission.SESSION_CHART)
    draft = _own_draft(actor, session, draft_id)
    draft.delete()
    audit_record(
        actor,
        "session.addendum_discard",
        "patient",
        session.patient_id,
        detail={"session": session.pk, "addendum": draft_id},
    )


def _own_draft(actor: Actor, session: Session, draft_id: object) -> Addendum:
    key = record_key(draft_id, "addendum")
    draft = session.addenda.filter(pk=key, draft=True, author=actor.user).first()
    if draft is None:
        raise ValidationError("That draft addendum no longer exists.")
    return draft


@transaction.atomic
def session_schedule(actor: Actor, course_id: object, scheduled_at: datetime) -> Session:
    """Add a session to a course (an extra or a rescheduled one) as its next number."""
    course = course_in_scope(actor, course_id, Permission.COURSE_PLAN)
    course = Course.objects.select_for_update().get(pk=course.pk)
    if course.status in (Course.Status.COMPLETED, Course.Status.STOPPED):
        raise ValidationError("This course is closed.")
    number = (course.sessions.aggregate(last=Max("number"))["last"] or 0) + 1
    if number > COURSE_SESSIONS.max:
        raise ValidationError(f"A course has at most {COURSE_SESSIONS.max} sessions.")
    session = Session.objects.create(
        clinic=actor.clinic,
        patient=course.patient,
        course=course,
        number=number,
        scheduled_at=scheduled_at,
    )
    Course.objects.filter(pk=course.pk).update(sessions_planned=number)
    audit_record(
        actor,
        "session.schedule",
        "patient",
        course.patient_id,
        detail={"course": course.pk, "session": session.pk},
    )
    return session

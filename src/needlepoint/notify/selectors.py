"""Reads for aftercare, calendars and mail: scoped to the actor's clinic (404 outside it) and
audited. The calendar feed's door is its secret token."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from needlepoint.checkins.models import Alert
from needlepoint.clinics.actors import Actor
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.models import Clinic
from needlepoint.clinics.records import record_key
from needlepoint.clinics.roles import Permission
from needlepoint.courses.models import Session
from needlepoint.courses.selectors import session_in_scope
from needlepoint.domain.aftercare import Aftercare
from needlepoint.domain.warning_signs import WarningSigns, warning_signs
from needlepoint.intakes.selectors import patient_context
from needlepoint.notify.aftercare import course_ends, session_aftercare
from needlepoint.notify.calendar import CalendarAftercare, CalendarSession, patient_calendar
from needlepoint.notify.models import (
    CalendarFeed,
    Channel,
    MailKind,
    MailPreference,
    OnCallNumber,
    OutboxMessage,
    SmsConsent,
)
from needlepoint.notify.texts import WORDINGS, ClinicTexts, Wording
from needlepoint.notify.tokens import feed_token, token_digest
from needlepoint.patients.models import Patient
from needlepoint.patients.selectors import patient_in_scope
from needlepoint.safety.audit import audit_read

SESSION_MINUTES = 60  # how long a booked session shows in a calendar
FEED_PAST = timedelta(days=90)  # sessions and aftercare this far back stay in the feed


@dataclass(frozen=True)
class SessionAftercare:
    session: Session
    patient: Patient
    clinic: Clinic
    zone: ZoneInfo
    performed_at: datetime  # in the clinic's zone
    aftercare: Aftercare  # times in the clinic's zone
    warning_signs: WarningSigns


def _patient_key(patient: object) -> object:
    return getattr(patient, "pk", patient)


def access_session_aftercare(
    actor: Actor, session_id: object, *, use: str = "read"
) -> SessionAftercare:
    """A signed session's aftercare and warning signs: staff with clinical read, or the
    patient for their own sessions; audited (`use`: read, ics, pdf)."""
    permission = actor.record_permission(Permission.CLINICAL_READ)
    session = session_in_scope(actor, record_key(session_id), permission)
    clinic = session.clinic
    zone = ZoneInfo(clinic.time_zone)
    knowledge = clinic_knowledge(clinic)
    aftercare = session_aftercare(session, knowledge)
    assert session.ended_at is not None  # a session with aftercare was performed
    audit_read(
        actor,
        "aftercare.read",
        "patient",
        session.patient_id,
        detail={"session": session.pk, "as": use},
    )
    return SessionAftercare(
        session=session,
        patient=session.patient,
        clinic=clinic,
        zone=zone,
        performed_at=session.ended_at.astimezone(zone),
        aftercare=aftercare,
        warning_signs=warning_signs(knowledge, patient_context(session.patient)),
    )


def access_mail_preferences(actor: Actor, patient_id: object) -> MailPreference:
    """The patient's mail preferences (unsaved defaults when never set); audited."""
    patient = patient_in_scope(actor, _patient_key(patient_id), Permission.PATIENT_READ)
    preference = MailPreference.objects.filter(patient=patient).first() or MailPreference(
        patient=patient, clinic=patient.clinic
    )
    audit_read(actor, "mail_preference.read", "patient", patient.pk)
    return preference


def access_sms_consents(actor: Actor, patient_id: object) -> list[SmsConsent]:
    """The patient's consents to texts, the active one (if any) first; audited."""
    patient = patient_in_scope(actor, _patient_key(patient_id), Permission.PATIENT_READ)
    audit_read(actor, "sms_consent.read", "patient", patient.pk)
    consents = SmsConsent.objects.filter(clinic=patient.clinic, patient=patient)
    return sorted(consents, key=lambda c: (not c.active, -c.given_at.timestamp()))


@dataclass(frozen=True)
class MessageText:
    kind: str
    channel: str
    text: str  # in use: the clinic's own, or the default
    own: bool
    wording: Wording

    @property
    def label(self) -> str:
        return f"{MailKind(self.kind).label} ({Channel(self.channel).label.lower()})"


def clinic_message_texts(actor: Actor) -> list[MessageText]:
    """The texts of each kind and channel the clinic's messages use, for its admins."""
    actor.require(Permission.STAFF_MANAGE)
    texts = ClinicTexts()
    rows = []
    for kind, wording in WORDINGS.items():
        for channel in Channel.values:
            text = texts.template(actor.clinic.pk, kind, channel)
            rows.append(MessageText(kind, channel, text, text != wording.default(channel), wording))
    return rows


def clinic_on_call_number(actor: Actor) -> str:
    """The mobile the clinic's escalations are texted to, or "", for its admins."""
    actor.require(Permission.STAFF_MANAGE)
    found = OnCallNumber.objects.filter(clinic=actor.clinic).first()
    return found.phone if found else ""


def access_patient_mail(
    actor: Actor, patient_id: object, limit: int = 20
) -> QuerySet[OutboxMessage]:
    """The latest messages (e-mails, texts) to a patient, for staff; audited."""
    patient = patient_in_scope(actor, _patient_key(patient_id), Permission.PATIENT_UPDATE)
    audit_read(actor, "mail.list", "patient", patient.pk)
    return OutboxMessage.objects.filter(clinic=actor.clinic, patient=patient)[:limit]


def access_calendar_feed(actor: Actor, patient_id: object) -> CalendarFeed | None:
    """The patient's active calendar feed, if any; audited."""
    patient = patient_in_scope(actor, _patient_key(patient_id), Permission.PATIENT_READ)
    audit_read(actor, "calendar_feed.read", "patient", patient.pk)
    return CalendarFeed.objects.filter(patient=patient, revoked_at__isnull=True).first()


def feed_url(feed: CalendarFeed, base_url: str | None = None) -> str | None:
    """The feed's address, or None when it can no longer be shown (the secret key changed:
    the patient renews it)."""
    token = feed_token(feed.nonce)
    if token_digest(token) != feed.token_digest:
        return None
    base = (base_url or settings.SITE_URL).rstrip("/")
    return base + reverse("calendar-feed", args=[token])


def access_calendar_feed_url(
    actor: Actor, patient: object, base_url: str | None = None
) -> str | None:
    """The secret address of the patient's calendar (https; for `webcal:` swap the scheme),
    or None when they have none. `base_url` defaults to the SITE_URL setting."""
    feed = access_calendar_feed(actor, patient)
    return feed_url(feed, base_url) if feed is not None else None


def open_alerts(patient_id: UUID | None) -> bool:
    """Whether an alert about the patient's recovery is still being looked at: aftercare
    updates (e-mails, calendar reminders that an instruction ends) are held meanwhile, so
    nothing reads as reassurance past a warning sign."""
    if patient_id is None:
        return False
    return (
        Alert.objects.filter(patient_id=patient_id).exclude(status=Alert.Status.RESOLVED).exists()
    )


def access_calendar_by_token(token: str, now: datetime | None = None) -> bytes:
    """The patient's calendar for a feed token; 404 for a wrong or revoked one. Audited."""
    now = now or timezone.now()
    feed = (
        CalendarFeed.objects.select_related("patient__clinic")
        .filter(token_digest=token_digest(token), revoked_at__isnull=True)
        .first()
    )
    if feed is None or feed.patient.archived:
        raise Http404("No such calendar.")
    patient, clinic = feed.patient, feed.patient.clinic
    zone = ZoneInfo(clinic.time_zone)
    knowledge = clinic_knowledge(clinic)
    sessions = (
        Session.objects.filter(clinic=clinic, patient=patient, scheduled_at__gte=now - FEED_PAST)
        .exclude(status=Session.Status.CANCELLED)
        .select_related("course", "clinic")
        .order_by("scheduled_at")
    )
    booked, performed = [], []
    end_reminders = not open_alerts(patient.pk)
    ends = course_ends(s.course_id for s in sessions)
    for s in sessions:
        if s.status == Session.Status.SIGNED and s.ended_at is not None:
            care = session_aftercare(s, knowledge, ends)
            performed_at = s.ended_at.astimezone(zone)
            performed.append(CalendarAftercare(str(s.pk), performed_at, care, end_reminders))
            continue
        contact = f" To change it, call {clinic.phone}." if clinic.phone else ""
        booked.append(
            CalendarSession(
                key=str(s.pk),
                starts_at=s.scheduled_at,
                ends_at=s.scheduled_at + timedelta(minutes=SESSION_MINUTES),
                title=f"Microneedling session at {clinic.name}",
                description=f"Session {s.number} of {s.course.sessions_planned}.{contact}",
                location=clinic.address,
            )
        )
    CalendarFeed.objects.filter(pk=feed.pk).update(last_read_at=now)
    audit_read(
        None,
        "calendar_feed.fetch",
        "patient",
        patient.pk,
        detail={"feed": feed.pk},
        clinic_id=clinic.pk,
    )
    return patient_calendar(f"{clinic.name}: my treatment", booked, performed, now)

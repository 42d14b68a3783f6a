"""Queueing the patients' messages that are due now, on each of their channels: session
reminders, check-in prompts and aftercare milestones. When each is due is `domain.due`;
`outbox` sends them.

A new kind of reminder (an appointment's confirmation or its day-before reminder, say) is:
a `MailKind` (in `NON_ESSENTIAL` if the patient may turn it off, with its `MailPreference`
fields), its words in `texts.WORDINGS`, and one queueing function that finds what is due and
calls `outbox.message_queue_to_patient` with a key naming it and its time (e.g.
`appointment:42:day-before:20250304T1930Z`) and a function wording it for a channel; plus,
when it can go stale before it is sent, an `outbox.hold` check (e.g. the key the appointment
would have now differs: it was moved). The channels, consent, idempotency and retries
follow."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, NamedTuple, TypedDict, TypeVar
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from needlepoint.checkins.models import CheckIn
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.courses.models import Course, Session
from needlepoint.domain.due import GRACE, REMINDER_BEFORE, milestones_due, prompts_due
from needlepoint.domain.knowledge import Knowledge
from needlepoint.domain.warning_signs import WarningSigns, warning_signs
from needlepoint.intakes.selectors import patient_context
from needlepoint.notify import mail
from needlepoint.notify.aftercare import session_aftercare
from needlepoint.notify.appointment_mail import queue_appointment_reminders
from needlepoint.notify.models import MailKind, SmsConsent
from needlepoint.notify.outbox import (
    ACTIVE_SMS_CONSENTS,
    message_queue_to_patient,
    reminder_key,
)
from needlepoint.notify.selectors import open_alerts
from needlepoint.notify.texts import ClinicTexts

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

PROMPT_HORIZON = timedelta(days=400)  # check-ins are asked for at most this long after
MILESTONE_HORIZON = timedelta(days=90)  # longer than any aftercare window whose end is told

# A message due about a session: its outbox key, what it says on a channel, when it became due.
Due = tuple[str, Callable[[str], mail.Composed], datetime]
S = TypeVar("S", bound=Session)


class _NextSession(TypedDict):
    next_at: datetime | None  # when the patient's next session is booked


class _Performed(NamedTuple):
    at: datetime  # when the session ended, in the clinic's zone
    knowledge: Knowledge
    signs: WarningSigns


class _PerformedSessions:
    """What the mail about a signed session reads; each clinic's knowledge is loaded once
    per job run."""

    def __init__(self) -> None:
        self._cache: dict[int, Knowledge] = {}

    def __call__(self, session: Session) -> _Performed:
        assert session.ended_at is not None
        clinic = session.clinic
        if clinic.pk not in self._cache:
            self._cache[clinic.pk] = clinic_knowledge(clinic)
        knowledge = self._cache[clinic.pk]
        return _Performed(
            session.ended_at.astimezone(ZoneInfo(clinic.time_zone)),
            knowledge,
            warning_signs(knowledge, patient_context(session.patient)),
        )


def _patient_sessions() -> QuerySet[Session]:
    """Sessions of patients with an address on some channel, read with what deciding their
    channels needs."""
    texted = SmsConsent.objects.filter(patient=OuterRef("patient"), withdrawn_at__isnull=True)
    return (
        Session.objects.filter(patient__archived=False)
        .filter(~Q(patient__email="") | Exists(texted))
        .select_related("clinic", "course", "patient__clinic", "patient__mail_preference")
        .prefetch_related(ACTIVE_SMS_CONSENTS)
    )


def _queue_for_sessions(
    kind: MailKind, sessions: Iterable[S], due: Callable[[S], Iterable[Due]]
) -> int:
    """Queue to the patient of each session, on each channel they want `kind` by, what `due`
    finds."""
    queued = 0
    for session in sessions:
        for key, compose, due_at in due(session):
            queued += message_queue_to_patient(
                session.patient, key, kind, compose, due_at, session=session
            )
    return queued


def _queue_reminders(now: datetime, texts: ClinicTexts) -> int:
    def reminder(session: Session) -> Iterator[Due]:
        local = session.scheduled_at.astimezone(ZoneInfo(session.clinic.time_zone))
        compose = partial(mail.reminder, session, local, texts=texts)
        yield reminder_key(session), compose, session.scheduled_at - REMINDER_BEFORE

    sessions = (
        _patient_sessions()
        .filter(
            status=Session.Status.SCHEDULED,
            scheduled_at__gt=now,
            scheduled_at__lte=now + REMINDER_BEFORE,
        )
        .exclude(course__status__in=[Course.Status.STOPPED, Course.Status.COMPLETED])
    )
    return _queue_for_sessions(MailKind.REMINDER, sessions, reminder)


def _performed(now: datetime, horizon: timedelta) -> QuerySet[Session]:
    return _patient_sessions().filter(
        status=Session.Status.SIGNED, ended_at__gt=now - horizon, ended_at__lte=now
    )


def _queue_checkin_prompts(now: datetime, performed: _PerformedSessions, texts: ClinicTexts) -> int:
    # Prompts run until the patient's next session (as the portal counts them).
    following = (
        Session.objects.filter(patient=OuterRef("patient"), scheduled_at__gt=OuterRef("ended_at"))
        .exclude(status=Session.Status.CANCELLED)
        .order_by("scheduled_at")
        .values("scheduled_at")[:1]
    )

    def unanswered(session: WithAnnotations[Session, _NextSession]) -> Iterator[Due]:
        at, knowledge, signs = performed(session)
        for prompt in prompts_due(at, session.next_at, now, knowledge):
            answered = CheckIn.objects.filter(
                session=session, reported_at__gte=prompt.at - GRACE
            ).exists()
            if not answered:
                key = f"checkin:session:{session.pk}:day{prompt.day}"
                compose = partial(mail.checkin_prompt, session, at, prompt, signs, texts=texts)
                yield key, compose, prompt.at

    sessions = _performed(now, PROMPT_HORIZON).annotate(next_at=Subquery(following))
    return _queue_for_sessions(MailKind.CHECKIN_PROMPT, sessions, unanswered)


def _queue_milestones(now: datetime, performed: _PerformedSessions, texts: ClinicTexts) -> int:
    def reached(session: Session) -> Iterator[Due]:
        at, knowledge, signs = performed(session)
        steps = milestones_due(session_aftercare(session, knowledge), at, now)
        if steps and not open_alerts(session.patient_id):
            for step in steps:
                key = f"milestone:session:{session.pk}:{step.label}"
                yield key, partial(mail.milestone, session, at, step, signs, texts=texts), step.at

    return _queue_for_sessions(MailKind.MILESTONE, _performed(now, MILESTONE_HORIZON), reached)


def mail_queue_due(now: datetime | None = None) -> int:
    """Queue the patients' reminders (of sessions and of other appointments), check-in prompts
    and aftercare updates due now, on each of their channels."""
    now = now or timezone.now()
    performed, texts = _PerformedSessions(), ClinicTexts()
    return (
        _queue_reminders(now, texts)
        + queue_appointment_reminders(now)
        + _queue_checkin_prompts(now, performed, texts)
        + _queue_milestones(now, performed, texts)
    )

"""The outcome questions' prompt: once per timepoint of a course, when it opens for the
patient (their portal shows the task *How are your scars?*), on each channel they want
check-in prompts by. The text names no patient and no clinical detail (ADR 33)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.courses.models import Course, Session
from needlepoint.domain.knowledge.model.measures import Measure, Respondent, Timepoint
from needlepoint.notify import mail
from needlepoint.notify.models import MailKind, OutboxMessage
from needlepoint.notify.outbox import ACTIVE_SMS_CONSENTS, hold, message_queue_to_patient
from needlepoint.notify.texts import ClinicTexts
from needlepoint.outcomes.models import FollowUp, MeasureResponse
from needlepoint.outcomes.selectors import (
    ASKED_STATUSES,
    LIVE_SESSIONS,
    Rules,
    Task,
    clinic_measures,
    open_tasks,
)

# The longest a window before a session opens ahead of it (measures.toml's baseline).
SESSION_LOOKAHEAD = timedelta(days=60)


def outcome_key(course_id: int, timepoint: str, session_number: int | None) -> str:
    return f"outcomes:course:{course_id}:{timepoint}:{session_number or 0}"


def _compose(task: Task, texts: ClinicTexts, channel: str) -> mail.Composed:
    course, due = task.course, task.due
    if due.session_number:
        args = [course.pk, due.timepoint.value, due.session_number]
        path = reverse("portal-outcomes-session", args=args)
    else:
        path = reverse("portal-outcomes", args=[course.pk, due.timepoint.value])
    return mail.outcome_prompt(course.patient, due.label, path, channel, texts)


def _candidates(now: datetime) -> Iterable[Course]:
    """Courses of patients with a portal account that may have a timepoint open: a session
    booked soon, or a follow-up open and unanswered."""
    soon = Session.objects.filter(
        scheduled_at__gte=now - timedelta(days=1), scheduled_at__lte=now + SESSION_LOOKAHEAD
    ).exclude(status=Session.Status.CANCELLED)
    following = FollowUp.objects.filter(
        answered_at__isnull=True, opens_at__lte=now, overdue_after__gt=now
    )
    return (
        Course.objects.filter(status__in=ASKED_STATUSES, patient__user__isnull=False)
        .filter(Q(pk__in=soon.values("course_id")) | Q(pk__in=following.values("course_id")))
        .select_related("clinic", "patient__clinic", "patient__mail_preference")
        .prefetch_related(LIVE_SESSIONS, ACTIVE_SMS_CONSENTS)
    )


def queue_outcome_prompts(now: datetime | None = None) -> int:
    """Queue the prompt of every timepoint open now for its patient, once per timepoint."""
    now = now or timezone.now()
    texts, queued = ClinicTexts(), 0
    per_clinic: dict[int, tuple[Rules, dict[str, Measure]]] = {}
    for course in _candidates(now):
        if course.clinic_id not in per_clinic:
            per_clinic[course.clinic_id] = (
                clinic_knowledge(course.clinic).measures.timepoints,
                clinic_measures(course.clinic),
            )
        rules, measures = per_clinic[course.clinic_id]
        for task in open_tasks(course, rules, Respondent.PATIENT, measures, now):
            key = outcome_key(course.pk, task.due.timepoint.value, task.due.session_number)
            compose = partial(_compose, task, texts)
            queued += message_queue_to_patient(
                course.patient, key, MailKind.OUTCOME_PROMPT, compose, task.due.opens
            )
    return queued


@hold(MailKind.OUTCOME_PROMPT)
def _answered(message: OutboxMessage, now: datetime) -> str:
    _, _, course_id, timepoint, number = message.key.split(":")
    answered = MeasureResponse.objects.filter(
        clinic_id=message.clinic_id,
        course_id=int(course_id),
        timepoint=Timepoint(timepoint),
        session_number=int(number) or None,
        respondent=Respondent.PATIENT,
    )
    return "The patient has answered already." if answered.exists() else ""

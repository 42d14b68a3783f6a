"""The messages' words (e-mails and text messages) and the e-mails' delivery.

Plain text in the patient's terms, with the clinic's name and phone and times in the clinic's
zone; each message's own words are the clinic's (`texts`). Clinical words come only from the
knowledge (aftercare texts, warning signs, advice): nothing here reassures, and nothing is
said about symptoms. A text message says less than its e-mail: no instruction and no warning
sign by name, only where to look and whom to contact, and what to do when it is urgent.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse

from needlepoint.clinics.models import Clinic
from needlepoint.domain.warning_signs import WarningSigns
from needlepoint.notify.models import Channel, MailKind
from needlepoint.notify.texts import ClinicTexts
from needlepoint.notify.tokens import unsubscribe_token

if TYPE_CHECKING:
    from needlepoint.checkins.models import Alert
    from needlepoint.courses.models import Session
    from needlepoint.domain.due import Milestone, Prompt
    from needlepoint.notify.models import OutboxMessage
    from needlepoint.patients.models import Patient
    from needlepoint.scheduling.models import Appointment


@dataclass(frozen=True)
class Composed:
    subject: str
    body: str
    unsubscribe_url: str = ""


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def when(moment: datetime) -> str:
    """A clinic-local moment the way people say it: "Tuesday 4 March 2025 at 14:30 EST"."""
    return f"{moment:%A} {moment.day} {moment:%B %Y} at {moment:%H:%M %Z}".strip()


def day(moment: datetime) -> str:
    return f"{moment:%A} {moment.day} {moment:%B}"


def _contact(clinic: Clinic) -> str:
    return f"{clinic.name} on {clinic.phone}" if clinic.phone else clinic.name


def _warning_footer(clinic: Clinic, signs: WarningSigns) -> str:
    contact = "; ".join(sign.label.lower() for sign in signs.contact_clinic)
    urgent = "; ".join(sign.label.lower() for sign in signs.urgent)
    return (
        f"Contact {_contact(clinic)} today if you notice any of these: {contact}. "
        f"{signs.contact_advice.text}\n\n"
        f"Get urgent help for: {urgent}. {signs.urgent_advice.text}"
    )


def _unsubscribe_footer(patient: Patient) -> tuple[str, str]:
    url = site_url(reverse("mail-unsubscribe", args=[unsubscribe_token(patient.pk)]))
    preferences = site_url(reverse("portal-mail-preferences"))
    text = (
        f"You get these e-mails as a patient of {patient.clinic.name}.\n"
        f"Choose which ones you get: {preferences}\n"
        f"Stop reminders, check-in prompts and aftercare updates: {url}\n"
        "(Sign-in e-mails are not affected.)"
    )
    return text, url


def _patient_mail(patient: Patient, subject: str, paragraphs: list[str]) -> Composed:
    footer, url = _unsubscribe_footer(patient)
    body = "\n\n".join([f"Hello {patient.given_name},", *paragraphs, "-- ", footer])
    return Composed(subject, body + "\n", url)


def _text_message(words: str, *lines: str) -> Composed:
    """A text: the clinic's words, what the app adds, and how to stop the texts."""
    stop = f"Stop texts: {site_url(reverse('portal-mail-preferences'))}"
    return Composed("", " ".join([words, *lines, stop]))


def _when_worried(clinic: Clinic, signs: WarningSigns) -> str:
    """A text's line for a patient after a session: never reassures, always says where to go."""
    return (
        f"Do not wait for a check-in if something worries you: contact {_contact(clinic)}. "
        f"{signs.urgent_advice.text}"
    )


def _common(session: Session) -> dict[str, object]:
    clinic = session.clinic
    return {
        "clinic": clinic.name,
        "given_name": session.patient.given_name,
        "contact": _contact(clinic),
    }


def reminder(session: Session, local_start: datetime, channel: str, texts: ClinicTexts) -> Composed:
    clinic = session.clinic
    words = texts.render(
        clinic.pk,
        MailKind.REMINDER,
        channel,
        **_common(session),
        when=when(local_start),
        day=day(local_start),
        session_number=session.number,
        sessions_planned=session.course.sessions_planned,
    )
    if channel == Channel.SMS:
        return _text_message(words)
    return _patient_mail(
        session.patient,
        f"Reminder: your session at {clinic.name} on {day(local_start)}",
        [words + (f"\n\nAddress: {clinic.address}" if clinic.address else "")],
    )


def appointment(appointment: Appointment, kind: str, channel: str, texts: ClinicTexts) -> Composed:
    """An appointment's booking confirmation or reminder, with the time the patient is booked
    in (for a microneedling session, the numbing comes first)."""
    clinic, patient = appointment.clinic, appointment.patient
    local_start = appointment.starts_at.astimezone(ZoneInfo(clinic.time_zone))
    what = appointment.type.get_kind_display().lower()
    practitioner = appointment.practitioner.user
    words = texts.render(
        clinic.pk,
        kind,
        channel,
        clinic=clinic.name,
        given_name=patient.given_name,
        contact=_contact(clinic),
        what=what,
        when=when(local_start),
        day=day(local_start),
        practitioner=practitioner.full_name or clinic.name,
    )
    if channel == Channel.SMS:
        return _text_message(words)
    subject = "Booked" if kind == MailKind.APPOINTMENT_BOOKED else "Reminder"
    return _patient_mail(
        patient,
        f"{subject}: your {what} at {clinic.name} on {day(local_start)}",
        [words + (f"\n\nAddress: {clinic.address}" if clinic.address else "")],
    )


def checkin_prompt(
    session: Session,
    performed_at: datetime,
    prompt: Prompt,
    signs: WarningSigns,
    channel: str,
    texts: ClinicTexts,
) -> Composed:
    clinic = session.clinic
    words = texts.render(
        clinic.pk,
        MailKind.CHECKIN_PROMPT,
        channel,
        **_common(session),
        days=f"{prompt.day} day{'s' if prompt.day != 1 else ''}",
        session_day=day(performed_at),
        checkin_url=site_url(reverse("portal")),
    )
    if channel == Channel.SMS:
        return _text_message(words, _when_worried(clinic, signs))
    return _patient_mail(
        session.patient,
        f"How is your skin? Check-in after your session at {clinic.name}",
        [
            words,
            "Do not wait for a check-in if something worries you.",
            _warning_footer(clinic, signs),
        ],
    )


def milestone(
    session: Session,
    performed_at: datetime,
    step: Milestone,
    signs: WarningSigns,
    channel: str,
    texts: ClinicTexts,
) -> Composed:
    clinic = session.clinic
    words = texts.render(
        clinic.pk,
        MailKind.MILESTONE,
        channel,
        **_common(session),
        session_day=day(performed_at),
        ends_at=when(step.at),
        aftercare_url=site_url(reverse("portal")),
    )
    if channel == Channel.SMS:
        return _text_message(words, _when_worried(clinic, signs))
    ending = "\n".join(f"  - {item.title}: {item.text}" for item in step.ending)
    paragraphs = [f"{words}\n\n{ending}"]
    if step.in_place:
        still = "\n".join(
            f"  - {item.title}: {item.text}"
            + (f" (until {when(item.ends_at)})" if item.announce_end else "")
            for item in step.in_place
        )
        paragraphs.append(f"These still apply:\n\n{still}")
    paragraphs += [
        "If your practitioner gave you different instructions, follow theirs.",
        _warning_footer(clinic, signs),
    ]
    return _patient_mail(session.patient, f"Aftercare update from {clinic.name}", paragraphs)


def outcome_prompt(
    patient: Patient, timepoint: str, path: str, channel: str, texts: ClinicTexts
) -> Composed:
    """The prompt to answer the outcome questions of a timepoint (`path`: the portal's form)."""
    clinic = patient.clinic
    words = texts.render(
        clinic.pk,
        MailKind.OUTCOME_PROMPT,
        channel,
        clinic=clinic.name,
        given_name=patient.given_name,
        contact=_contact(clinic),
        timepoint=timepoint,
        outcomes_url=site_url(path),
    )
    if channel == Channel.SMS:
        return _text_message(words)
    return _patient_mail(
        patient, f"How are your scars? A few questions from {clinic.name}", [words]
    )


def escalation(alert: Alert, opened_minutes: int, raised_at: datetime, channel: str) -> Composed:
    """To the clinic: no names or symptoms, only the record number and a link."""
    clinic, patient, level = alert.clinic, alert.patient, alert.checkin.get_level_display()
    link = site_url(reverse("alert-detail", args=[alert.pk]))
    if channel == Channel.SMS:
        return Composed(
            "",
            f"{clinic.name}: a check-in alert ({level.lower()}) raised on {when(raised_at)} is "
            f"not acknowledged after {opened_minutes} minutes. Record {patient.record_number}: "
            f"{link}",
        )
    return Composed(
        f"Alert not acknowledged for {opened_minutes} minutes: patient {patient.record_number}",
        f"A check-in alert ({level.lower()}) raised on {when(raised_at)} "
        f"has not been acknowledged for {opened_minutes} minutes (the clinic's limit is "
        f"{clinic.alert_escalation_minutes}).\n\n"
        f"Patient record: {patient.record_number}\n"
        f"Open the alert: {link}\n\n"
        "This e-mail is sent once per alert.\n",
    )


def _message_id(key: str) -> str:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "needlepoint"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def deliver(message: OutboxMessage) -> None:
    """Send one outbox message through Django's e-mail backend; errors propagate.

    Its Message-ID follows from its key, so even a copy sent twice would be one message to
    most mail programs.
    """
    headers = {"Message-ID": _message_id(message.key), "Auto-Submitted": "auto-generated"}
    if message.unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email = EmailMessage(
        message.subject,
        message.body,
        to=[message.to],
        reply_to=[message.clinic.email] if message.clinic.email else None,
        headers=headers,
    )
    email.send(fail_silently=False)

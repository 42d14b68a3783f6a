"""The words of each kind of message to patients, per channel: the defaults, a clinic's own
(`MessageTemplate`) in their place, and the check of a clinic's text before it is saved.

A text names what it says with placeholders (`{when}`, `{checkin_url}`); each kind has its
own, and some must appear (a reminder that does not say when is no reminder). Only what the
text says is the clinic's: what the app adds around it (the session's instructions, the
warning signs, what to do when worried, how to stop the messages) cannot be changed.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass

from needlepoint.notify.models import Channel, MailKind, MessageTemplate

LONGEST = {Channel.EMAIL: 2000, Channel.SMS: 320}  # a clinic's text, in characters


@dataclass(frozen=True)
class Wording:
    placeholders: Mapping[str, str]  # name: what it stands for
    required: frozenset[str]
    email: str  # the e-mail's own paragraphs
    sms: str  # the text message, before the lines the app adds

    def default(self, channel: str) -> str:
        return self.email if channel == Channel.EMAIL else self.sms


_COMMON = {
    "clinic": "the clinic's name",
    "given_name": "the patient's given name",
    "contact": "the clinic's name and phone number",
}

_APPOINTMENT = {
    "what": "the kind of appointment (consultation, review…)",
    "when": "its day and time (Tuesday 4 March 2025 at 14:30 EST)",
    "day": "its day (Tuesday 4 March)",
    "practitioner": "the practitioner's name",
}

WORDINGS: dict[str, Wording] = {
    MailKind.REMINDER: Wording(
        {
            **_COMMON,
            "when": "the session's day and time (Tuesday 4 March 2025 at 14:30 EST)",
            "day": "the session's day (Tuesday 4 March)",
            "session_number": "which session of the course it is",
            "sessions_planned": "how many sessions the course has",
        },
        frozenset({"when"}),
        email="This is a reminder of your microneedling session at {clinic}:\n\n"
        "    {when}\n    Session {session_number} of {sessions_planned}\n\n"
        "If you cannot come, please call {contact}.",
        sms="{clinic}: a reminder of your microneedling session on {when} "
        "(session {session_number} of {sessions_planned}). If you cannot come, call {contact}.",
    ),
    MailKind.CHECKIN_PROMPT: Wording(
        {
            **_COMMON,
            "days": "how long since the session (3 days)",
            "session_day": "the session's day (Tuesday 4 March)",
            "checkin_url": "the portal's address, where the patient checks in",
        },
        frozenset({"checkin_url"}),
        email="It is {days} since your session on {session_day}. Please tell the clinic how "
        "your skin is: {checkin_url}",
        sms="{clinic}: it is {days} since your session on {session_day}. Please tell the "
        "clinic how your skin is: {checkin_url}",
    ),
    MailKind.MILESTONE: Wording(
        {
            **_COMMON,
            "session_day": "the session's day (Tuesday 4 March)",
            "ends_at": "when the instructions end (Thursday 6 March 2025 at 14:30 EST)",
            "aftercare_url": "the portal's address, where the aftercare is",
        },
        frozenset({"ends_at"}),
        email="After your session on {session_day}, these aftercare instructions end on {ends_at}:",
        sms="{clinic}: after your session on {session_day}, some aftercare instructions end on "
        "{ends_at}. What still applies: {aftercare_url}",
    ),
    MailKind.APPOINTMENT_BOOKED: Wording(
        {**_COMMON, **_APPOINTMENT},
        frozenset({"when"}),
        email="Your {what} at {clinic} is booked:\n\n    {when}\n    with {practitioner}\n\n"
        "If you cannot come, please call {contact}.",
        sms="{clinic}: your {what} is booked for {when} with {practitioner}. If you cannot come, "
        "call {contact}.",
    ),
    MailKind.APPOINTMENT_REMINDER: Wording(
        {**_COMMON, **_APPOINTMENT},
        frozenset({"when"}),
        email="This is a reminder of your {what} at {clinic}:\n\n    {when}\n"
        "    with {practitioner}\n\nIf you cannot come, please call {contact}.",
        sms="{clinic}: a reminder of your {what} on {when} with {practitioner}. If you cannot "
        "come, call {contact}.",
    ),
    MailKind.OUTCOME_PROMPT: Wording(
        {
            **_COMMON,
            "timepoint": "which point of the course it is (before your next session)",
            "outcomes_url": "the portal's address, where the questions are",
        },
        frozenset({"outcomes_url"}),
        email="{timepoint}, {clinic} would like to know how your scars are. It takes about 2 "
        "minutes: {outcomes_url}",
        sms="{clinic}: a few questions about how your treatment is going are waiting in your "
        "portal (about 2 minutes): {outcomes_url}",
    ),
}


class MessageTemplateInvalid(ValueError):
    """A clinic's text that cannot be used, saying what to change."""


def check_template(kind: str, channel: str, text: str) -> str:
    """The text, stripped, if it can stand for `kind` on `channel`; else MessageTemplateInvalid
    naming the placeholders allowed."""
    wording = WORDINGS.get(kind)
    if wording is None:
        raise MessageTemplateInvalid(f"Messages of kind {kind!r} have no text of the clinic's.")
    text = text.strip()
    if not text:
        raise MessageTemplateInvalid("Write the message, or keep the default text.")
    if len(text) > LONGEST[Channel(channel)]:
        raise MessageTemplateInvalid(
            f"At most {LONGEST[Channel(channel)]} characters ({len(text)} written)."
        )
    allowed = ", ".join(f"{{{name}}}" for name in wording.placeholders)
    try:
        fields = [
            (name, conversion, spec)
            for _, name, spec, conversion in string.Formatter().parse(text)
            if name is not None
        ]
    except ValueError:
        raise MessageTemplateInvalid(
            "A brace is not closed: placeholders are written {name}; a brace itself as {{ or }}."
        ) from None
    unknown = sorted({name for name, _, _ in fields if name not in wording.placeholders})
    if unknown:
        named = ", ".join(f"{{{name}}}" if name else "{}" for name in unknown)
        raise MessageTemplateInvalid(f"Unknown placeholder {named}; use {allowed}.")
    if any(conversion or spec for _, conversion, spec in fields):
        raise MessageTemplateInvalid(f"Write placeholders plainly, as {allowed}.")
    missing = sorted(wording.required - {name for name, _, _ in fields})
    if missing:
        raise MessageTemplateInvalid(
            "The message must say " + ", ".join(f"{{{name}}}" for name in missing) + "."
        )
    return text


class ClinicTexts:
    """The texts in use, each clinic's templates read once (per job run, or per page)."""

    def __init__(self) -> None:
        self._clinics: dict[int, dict[tuple[str, str], str]] = {}

    def template(self, clinic_id: int, kind: str, channel: str) -> str:
        if clinic_id not in self._clinics:
            rows = MessageTemplate.objects.filter(clinic_id=clinic_id)
            self._clinics[clinic_id] = {(t.kind, t.channel): t.text for t in rows}
        own = self._clinics[clinic_id].get((kind, channel))
        return own if own is not None else WORDINGS[kind].default(channel)

    def render(self, clinic_id: int, kind: str, channel: str, **values: object) -> str:
        return self.template(clinic_id, kind, channel).format(**values)

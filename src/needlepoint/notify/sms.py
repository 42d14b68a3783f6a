"""Text messages and their delivery through a pluggable backend (the SMS_BACKEND setting):

- `FileBackend` (the default): one file per text in SMS_FILE_PATH, as the e-mail file backend;
- `ConsoleBackend`: each text printed to standard output;
- `TwilioBackend`: Twilio's Messages API, configured from the environment (TWILIO_*);
- `MemoryBackend`: kept in `sms.outbox`, for tests.

A backend's `send` returns the provider's id of the message, or raises `SmsNotSent`: the
outbox then leaves the message pending and tries again on a later run.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import requests
from django.conf import settings
from django.utils.module_loading import import_string

TIMEOUT = 15  # seconds to wait for the provider


@dataclass(frozen=True)
class Sms:
    key: str  # the outbox key: the same text is the same message to the provider's logs
    to: str  # E.164
    body: str


class SmsNotSent(Exception):
    """The provider did not take the message (it may be taken on a later try)."""


class SmsBackend(Protocol):
    def send(self, sms: Sms) -> str: ...


def _text_id(sms: Sms) -> str:
    return hashlib.sha256(sms.key.encode()).hexdigest()[:16]


def _as_text(sms: Sms) -> str:
    return f"To: {sms.to}\nKey: {sms.key}\n\n{sms.body}\n"


class FileBackend:
    def __init__(self, directory: Path | None = None) -> None:
        self.directory = Path(directory or settings.SMS_FILE_PATH)

    def send(self, sms: Sms) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{_text_id(sms)}.txt"
        (self.directory / name).write_text(_as_text(sms), encoding="utf-8")
        return name


class ConsoleBackend:
    def send(self, sms: Sms) -> str:
        sys.stdout.write(_as_text(sms) + "-" * 40 + "\n")
        sys.stdout.flush()
        return _text_id(sms)


outbox: list[Sms] = []


class MemoryBackend:
    def send(self, sms: Sms) -> str:
        outbox.append(sms)
        return _text_id(sms)


class TwilioBackend:
    """POST /2010-04-01/Accounts/{sid}/Messages.json with HTTP basic auth (the account SID
    and auth token, or an API key SID and secret) and the form fields To, Body and From (or
    MessagingServiceSid). Twilio answers 201 with the message's `sid`; anything else is an
    error with a `code` and `message`."""

    def __init__(self) -> None:
        self.account = settings.TWILIO_ACCOUNT_SID
        self.auth = (settings.TWILIO_API_KEY or self.account, settings.TWILIO_AUTH_TOKEN)
        self.sender = (
            {"MessagingServiceSid": settings.TWILIO_MESSAGING_SERVICE_SID}
            if settings.TWILIO_MESSAGING_SERVICE_SID
            else {"From": settings.TWILIO_FROM}
        )
        self.url = (
            f"{settings.TWILIO_API_URL.rstrip('/')}/2010-04-01/Accounts/{self.account}"
            "/Messages.json"
        )

    def send(self, sms: Sms) -> str:
        try:
            response = requests.post(
                self.url,
                data={"To": sms.to, "Body": sms.body, **self.sender},
                auth=self.auth,
                timeout=TIMEOUT,
            )
        except requests.RequestException as error:
            raise SmsNotSent(f"Twilio not reached: {error}") from error
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        if response.status_code != 201 or not answer.get("sid"):
            raise SmsNotSent(
                f"Twilio answered {response.status_code}: "
                f"{answer.get('code', '')} {answer.get('message', response.reason)}".strip()
            )
        return str(answer["sid"])


def backend() -> SmsBackend:
    backend_class: type[SmsBackend] = import_string(settings.SMS_BACKEND)
    return backend_class()

"""The Twilio backend against a stand-in for Twilio's Messages API on 127.0.0.1, which checks
each request as Twilio does (basic auth, the form's fields) and answers as Twilio does; an
error answer leaves the text pending, and the next run sends it once."""

from __future__ import annotations

import base64
import json
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs

import pytest

from needlepoint.courses.models import Session
from needlepoint.notify.models import Channel, OutboxMessage
from tests.notify.test_mail import run

SID, TOKEN, SENDER = "AC" + "0" * 32, "stand-in-token", "+15005550006"
H = timedelta(hours=1)
Status = OutboxMessage.Status


class StandIn(BaseHTTPRequestHandler):
    """POST /2010-04-01/Accounts/{SID}/Messages.json, as Twilio checks and answers it."""

    received: ClassVar[list[dict[str, str]]] = []
    errors: ClassVar[list[tuple[int, int, str]]] = []  # (status, Twilio code, message) to answer

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, code: int, message: str) -> None:
        info = f"https://www.twilio.com/docs/errors/{code}"
        self._answer(
            status, {"code": code, "message": message, "more_info": info, "status": status}
        )

    def do_POST(self) -> None:
        if self.path != f"/2010-04-01/Accounts/{SID}/Messages.json":
            return self._error(404, 20404, "The requested resource was not found")
        expected = "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
        if self.headers.get("Authorization") != expected:
            return self._error(401, 20003, "Authenticate")
        if self.headers.get("Content-Type") != "application/x-www-form-urlencoded":
            return self._error(400, 20001, "Form-encoded parameters expected")
        length = int(self.headers.get("Content-Length", "0"))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        StandIn.received.append(form)
        if not form.get("To", "").startswith("+"):
            return self._error(400, 21211, f"The 'To' number {form.get('To')} is not valid.")
        if not (form.get("From") or form.get("MessagingServiceSid")):
            return self._error(400, 21603, "A 'From' or 'MessagingServiceSid' is required.")
        if not form.get("Body"):
            return self._error(400, 21602, "Message body is required.")
        if StandIn.errors:
            return self._error(*StandIn.errors.pop(0))
        sid = "SM" + uuid.uuid4().hex
        self._answer(
            201,
            {
                "sid": sid,
                "account_sid": SID,
                "to": form["To"],
                "from": form.get("From"),
                "body": form["Body"],
                "status": "queued",
                "num_segments": "1",
                "uri": f"/2010-04-01/Accounts/{SID}/Messages/{sid}.json",
            },
        )


@pytest.fixture
def twilio(settings) -> Iterator[type[StandIn]]:  # type: ignore[no-untyped-def]
    StandIn.received, StandIn.errors = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "needlepoint.notify.sms.TwilioBackend"
    settings.TWILIO_API_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = SID, TOKEN
    settings.TWILIO_API_KEY, settings.TWILIO_MESSAGING_SERVICE_SID = "", ""
    settings.TWILIO_FROM = SENDER
    yield StandIn
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_reminder_text_through_twilio_is_retried_after_an_error_and_sent_once(
    treated, texted, twilio
):
    now = Session.objects.get(course=treated.course, number=2).scheduled_at - 20 * H
    twilio.errors.append((429, 20429, "Too Many Requests"))
    assert run(now) == 1  # the e-mail
    text = OutboxMessage.objects.get(channel=Channel.SMS)
    assert (text.status, text.attempts) == (Status.PENDING, 1)
    assert text.last_error == "SmsNotSent: Twilio answered 429: 20429 Too Many Requests"
    assert run(now + timedelta(minutes=5)) == 1
    assert run(now + timedelta(minutes=10)) == 0
    text.refresh_from_db()
    assert (text.status, text.attempts, text.last_error) == (Status.SENT, 2, "")
    assert text.provider_id.startswith("SM")
    assert len(twilio.received) == 2
    form = twilio.received[-1]
    assert (form["To"], form["From"]) == ("+12125550199", SENDER)
    assert form["Body"] == text.body
    assert "MessagingServiceSid" not in form


def test_a_refused_sign_in_leaves_the_text_pending(treated, texted, twilio, settings):
    settings.TWILIO_AUTH_TOKEN = "wrong"
    now = Session.objects.get(course=treated.course, number=2).scheduled_at - 20 * H
    run(now)
    text = OutboxMessage.objects.get(channel=Channel.SMS)
    assert text.status == Status.PENDING
    assert "Twilio answered 401: 20003 Authenticate" in text.last_error
    assert twilio.received == []
    settings.TWILIO_AUTH_TOKEN, settings.TWILIO_FROM = TOKEN, ""
    settings.TWILIO_MESSAGING_SERVICE_SID = "MG" + "1" * 32
    run(now + timedelta(minutes=5))
    text.refresh_from_db()
    assert text.status == Status.SENT
    assert twilio.received[-1]["MessagingServiceSid"] == "MG" + "1" * 32

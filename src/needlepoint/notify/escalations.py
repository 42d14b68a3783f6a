"""Queueing the messages to a clinic about alerts left open past its escalation time: an
e-mail to its address and a text to its on-call number, when it has them (sent by
`outbox.mail_send_pending`)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from needlepoint.checkins.models import Alert
from needlepoint.notify import mail
from needlepoint.notify.models import Channel, MailKind, OnCallNumber
from needlepoint.notify.outbox import message_queue

logger = logging.getLogger(__name__)


def alert_escalations_queue(now: datetime | None = None) -> int:
    """Queue one e-mail and one text to the clinic for each alert still open past its
    escalation time."""
    now = now or timezone.now()
    alerts = Alert.objects.filter(
        status=Alert.Status.OPEN, escalated_at__isnull=True, created_at__lte=now
    ).select_related("clinic", "patient", "checkin")
    on_call = dict(OnCallNumber.objects.values_list("clinic_id", "phone"))
    queued = 0
    for alert in alerts:
        limit = timedelta(minutes=alert.clinic.alert_escalation_minutes)
        if alert.created_at + limit > now:
            continue
        minutes = int((now - alert.created_at).total_seconds() // 60)
        raised = alert.created_at.astimezone(ZoneInfo(alert.clinic.time_zone))
        addresses = {Channel.EMAIL: alert.clinic.email, Channel.SMS: on_call.get(alert.clinic_id)}
        if not any(addresses.values()):  # queued once the clinic has an address
            logger.warning(
                "alert %s is open past its time but %s has no e-mail address or on-call number",
                alert.pk,
                alert.clinic.name,
            )
            continue
        for channel, to in addresses.items():
            if to:
                queued += message_queue(
                    f"escalation:alert:{alert.pk}",
                    MailKind.ESCALATION,
                    mail.escalation(alert, minutes, raised, channel),
                    channel,
                    clinic=alert.clinic,
                    patient=alert.patient,
                    alert=alert,
                    to=to,
                    due_at=alert.created_at + limit,
                )
    return queued

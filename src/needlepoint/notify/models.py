"""The outbox of e-mails (one row per message, unique by idempotency key), patients' mail
preferences and their calendar feeds."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from needlepoint.checkins.models import Alert
from needlepoint.clinics.models import Clinic
from needlepoint.courses.models import Session
from needlepoint.patients.models import Patient


class MailKind(models.TextChoices):
    REMINDER = "reminder", "Session reminder"
    CHECKIN_PROMPT = "checkin_prompt", "Check-in prompt"
    MILESTONE = "milestone", "Aftercare milestone"
    ESCALATION = "escalation", "Alert escalation"


# Mail a patient may turn off; escalations go to the clinic and sign-in mail is essential.
NON_ESSENTIAL = (MailKind.REMINDER, MailKind.CHECKIN_PROMPT, MailKind.MILESTONE)


class OutboxMessage(models.Model):
    """One e-mail, queued once: `key` names what it is about (e.g. `reminder:session:42:…`),
    so a retried or overlapping job finds the row instead of sending again."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Not sent"

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=MailKind.choices)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, null=True, blank=True, related_name="outbox"
    )
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    alert = models.ForeignKey(
        Alert, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    unsubscribe_url = models.URLField(max_length=500, blank=True)
    due_at = models.DateTimeField(help_text="When the message became due.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["clinic", "patient", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"


class MailPreference(models.Model):
    """Which non-essential e-mails a patient wants; no row means all of them."""

    patient = models.OneToOneField(
        Patient, on_delete=models.CASCADE, primary_key=True, related_name="mail_preference"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    reminders = models.BooleanField("Session reminders", default=True)
    checkin_prompts = models.BooleanField("Check-in prompts", default=True)
    milestones = models.BooleanField("Aftercare updates", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    FIELDS = {
        MailKind.REMINDER: "reminders",
        MailKind.CHECKIN_PROMPT: "checkin_prompts",
        MailKind.MILESTONE: "milestones",
    }

    def __str__(self) -> str:
        return f"mail preferences of {self.patient_id}"

    def wants(self, kind: str) -> bool:
        field = self.FIELDS.get(MailKind(kind))
        return True if field is None else bool(getattr(self, field))


class CalendarFeed(models.Model):
    """A patient's secret calendar address. Only a digest of its token is stored; the token
    is derived from `nonce` with the server's secret key, so the portal can show it again."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="calendar_feeds")
    nonce = models.CharField(max_length=64)
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_read_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "patient"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_active_calendar_feed_per_patient",
            )
        ]

    def __str__(self) -> str:
        return f"calendar feed of {self.patient_id}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

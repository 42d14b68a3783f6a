"""The outbox of e-mails and text messages (one row per message and channel, unique by
idempotency key and channel), patients' preferences per channel, their consent to text
messages, the clinics' own message texts and the patients' calendar feeds."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from needlepoint.checkins.models import Alert
from needlepoint.clinics.models import Clinic
from needlepoint.courses.models import Session
from needlepoint.patients.models import Patient
from needlepoint.scheduling.models import Appointment


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "Text message"


class MailKind(models.TextChoices):
    REMINDER = "reminder", "Session reminder"
    CHECKIN_PROMPT = "checkin_prompt", "Check-in prompt"
    MILESTONE = "milestone", "Aftercare milestone"
    ESCALATION = "escalation", "Alert escalation"
    APPOINTMENT_BOOKED = "appointment_booked", "Booking confirmation"
    APPOINTMENT_REMINDER = "appointment_reminder", "Appointment reminder"
    OUTCOME_PROMPT = "outcome_prompt", "Outcome questions"


# Mail a patient may turn off; escalations go to the clinic and sign-in mail is essential.
NON_ESSENTIAL = (
    MailKind.REMINDER,
    MailKind.CHECKIN_PROMPT,
    MailKind.MILESTONE,
    MailKind.APPOINTMENT_BOOKED,
    MailKind.APPOINTMENT_REMINDER,
    MailKind.OUTCOME_PROMPT,
)


class OutboxMessage(models.Model):
    """One message on one channel, queued once: `key` names what it is about (e.g.
    `reminder:session:42:…`) and is the same on every channel, so a retried or overlapping
    job finds the row instead of sending again."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Not sent"

    key = models.CharField(max_length=200)
    channel = models.CharField(max_length=5, choices=Channel.choices, default=Channel.EMAIL)
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
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to = models.CharField(max_length=254, help_text="An e-mail address, or an E.164 number.")
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    unsubscribe_url = models.URLField(max_length=500, blank=True)
    due_at = models.DateTimeField(help_text="When the message became due.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    provider_id = models.CharField(
        max_length=64, blank=True, help_text="The SMS provider's id of the message, once taken."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "key", "channel"], name="one_outbox_message_per_key_and_channel"
            )
        ]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["clinic", "patient", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.key} by {self.channel} ({self.status})"


class MailPreference(models.Model):
    """Which non-essential messages a patient wants, per channel and kind; no row means all
    of them. Text messages also need the patient's consent (`SmsConsent`)."""

    patient = models.OneToOneField(
        Patient, on_delete=models.CASCADE, primary_key=True, related_name="mail_preference"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    reminders = models.BooleanField("Reminders and booking confirmations", default=True)
    checkin_prompts = models.BooleanField("Check-in prompts", default=True)
    milestones = models.BooleanField("Aftercare updates", default=True)
    sms_reminders = models.BooleanField("Reminders and booking confirmations by text", default=True)
    sms_checkin_prompts = models.BooleanField("Check-in prompts by text", default=True)
    sms_milestones = models.BooleanField("Aftercare updates by text", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    FIELDS = {
        (Channel.EMAIL, MailKind.REMINDER): "reminders",
        (Channel.EMAIL, MailKind.CHECKIN_PROMPT): "checkin_prompts",
        (Channel.EMAIL, MailKind.MILESTONE): "milestones",
        (Channel.SMS, MailKind.REMINDER): "sms_reminders",
        (Channel.SMS, MailKind.CHECKIN_PROMPT): "sms_checkin_prompts",
        (Channel.SMS, MailKind.MILESTONE): "sms_milestones",
        # Appointments' confirmations and reminders follow the patient's choice of reminders.
        (Channel.EMAIL, MailKind.APPOINTMENT_BOOKED): "reminders",
        (Channel.EMAIL, MailKind.APPOINTMENT_REMINDER): "reminders",
        (Channel.SMS, MailKind.APPOINTMENT_BOOKED): "sms_reminders",
        (Channel.SMS, MailKind.APPOINTMENT_REMINDER): "sms_reminders",
        # The outcome questions follow the patient's choice of check-in prompts.
        (Channel.EMAIL, MailKind.OUTCOME_PROMPT): "checkin_prompts",
        (Channel.SMS, MailKind.OUTCOME_PROMPT): "sms_checkin_prompts",
    }

    def __str__(self) -> str:
        return f"mail preferences of {self.patient_id}"

    def wants(self, kind: str, channel: str = Channel.EMAIL) -> bool:
        field = self.FIELDS.get((Channel(channel), MailKind(kind)))
        return True if field is None else bool(getattr(self, field))


class SmsConsent(models.Model):
    """A patient's consent to text messages at one mobile number: when and how it was given,
    and when and how it was withdrawn. Never edited otherwise; a new number is a new row."""

    class Method(models.TextChoices):
        PORTAL = "portal", "In the portal"
        IN_PERSON = "in_person", "In person at the clinic"
        PHONE_CALL = "phone_call", "On the phone"
        WRITTEN = "written", "On a signed form"

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="sms_consents")
    phone = models.CharField(max_length=16, help_text="The mobile number, E.164 (+14155550100).")
    given_at = models.DateTimeField()
    given_by = models.CharField(max_length=12, choices=Method.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.CharField(max_length=12, choices=Method.choices, blank=True)
    withdrawal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ("-given_at",)
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "patient"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_active_sms_consent_per_patient",
            )
        ]

    def __str__(self) -> str:
        return f"SMS consent of {self.patient_id} at {self.phone}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class OnCallNumber(models.Model):
    """The mobile a clinic's alert escalations are texted to, beside the e-mail to its address
    (E.164; set by a clinic admin)."""

    clinic = models.OneToOneField(
        Clinic, on_delete=models.CASCADE, primary_key=True, related_name="on_call_number"
    )
    phone = models.CharField(max_length=16)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"on-call number of clinic {self.clinic_id}"


class MessageTemplate(models.Model):
    """A clinic's own words for one kind of message on one channel, in place of the default
    (`notify.texts`); its placeholders are checked when saved. The warning signs, the
    instructions and the opt-out lines are added by the app and cannot be changed here."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=MailKind.choices)
    channel = models.CharField(max_length=5, choices=Channel.choices)
    text = models.TextField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("kind", "channel")
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "kind", "channel"], name="one_message_template_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} by {self.channel} at clinic {self.clinic_id}"


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

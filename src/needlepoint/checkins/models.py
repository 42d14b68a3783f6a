"""Patients' recovery check-ins, the alerts they raise, and adverse events."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from needlepoint.clinics.models import Clinic
from needlepoint.courses.models import Session
from needlepoint.domain.knowledge.model import Level
from needlepoint.patients.models import Patient

LEVEL_CHOICES = [(level.value, level.label) for level in Level]


class CheckIn(models.Model):
    """A patient's report after a session and its triage against the expected course."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="checkins")
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="checkins")
    reported_at = models.DateTimeField()
    symptoms = models.JSONField(help_text="Ratings 0-10 and flags, as the rules engine takes them.")
    note = models.TextField(blank=True)
    level = models.CharField(max_length=20, choices=LEVEL_CHOICES)
    # Without the level: that is `level`, stored once.
    triage = models.JSONField(help_text="The rules engine's reasons, expected course and advice.")

    class Meta:
        ordering = ("-reported_at",)
        indexes = [models.Index(fields=["patient", "reported_at"])]

    def __str__(self) -> str:
        return f"Check-in {self.reported_at:%Y-%m-%d %H:%M} ({self.level})"


class Alert(models.Model):
    """A check-in above `expected`, or one whose times did not add up (its triage's
    `anomalies`), for the clinic to act on."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        CONTACTED = "contacted", "Patient contacted"
        RESOLVED = "resolved", "Resolved"

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="alerts")
    # Its level is the check-in's (`checkin.level`), stored once there.
    checkin = models.OneToOneField(CheckIn, on_delete=models.PROTECT, related_name="alert")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the clinic was e-mailed about it being unacknowledged.",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["clinic", "status"])]

    def __str__(self) -> str:
        return f"{self.checkin.get_level_display()} alert ({self.get_status_display()})"


class AlertAction(models.Model):
    """Who did what about an alert, with their note."""

    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="actions")
    status = models.CharField(max_length=20, choices=Alert.Status.choices)
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("at",)

    def __str__(self) -> str:
        return f"{self.status} by {self.by_id}"


class AdverseEvent(models.Model):
    """A practitioner's record of an adverse event after a session (coded for reporting)."""

    class Kind(models.TextChoices):
        PIH = "pih", "Post-inflammatory hyperpigmentation"
        INFECTION = "infection", "Infection"
        HERPES = "herpes_reactivation", "Herpes simplex reactivation"
        ALLERGIC = "allergic_reaction", "Allergic or contact reaction"
        GRANULOMA = "granulomatous_reaction", "Granulomatous reaction"
        TRAM_TRACK = "tram_track_scarring", "Tram-track scarring"
        ACNE_FLARE = "acne_flare", "Acne flare or milia"
        BRUISING = "bruising", "Bruising"
        PROLONGED_ERYTHEMA = "prolonged_erythema", "Prolonged redness"
        OTHER = "other", "Other"

    class Severity(models.TextChoices):
        MILD = "mild", "Mild"
        MODERATE = "moderate", "Moderate"
        SEVERE = "severe", "Severe"

    class Outcome(models.TextChoices):  # FHIR R4 adverse-event-outcome
        RESOLVED = "resolved", "Resolved"
        RECOVERING = "recovering", "Recovering"
        ONGOING = "ongoing", "Ongoing"
        RESOLVED_WITH_SEQUELAE = "resolvedWithSequelae", "Resolved with sequelae"
        FATAL = "fatal", "Fatal"
        UNKNOWN = "unknown", "Unknown"

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="adverse_events")
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="adverse_events")
    alert = models.ForeignKey(
        Alert, on_delete=models.PROTECT, null=True, blank=True, related_name="adverse_events"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    serious = models.BooleanField(
        default=False, help_text="Led to hospital care, disability, or was life-threatening."
    )
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    onset = models.DateField()
    description = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-onset",)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_severity_display()})"

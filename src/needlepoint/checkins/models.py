"""Patients' recovery check-ins and the alerts they raise."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from needlepoint.clinics.models import CarriesParentClinic, Clinic
from needlepoint.courses.models import Session
from needlepoint.domain.knowledge.model.recovery import Level
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
        indexes = [models.Index(fields=["clinic", "patient", "reported_at"])]

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
        indexes = [
            models.Index(fields=["clinic", "status"]),
            models.Index(
                fields=["clinic", "-created_at"],
                condition=~models.Q(status="resolved"),
                name="alert_open_newest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.checkin.get_level_display()} alert ({self.get_status_display()})"


class AlertAction(CarriesParentClinic):
    """Who did what about an alert, with their note."""

    clinic_parent = "alert"

    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="actions")
    status = models.CharField(max_length=20, choices=Alert.Status.choices)
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("at",)

    def __str__(self) -> str:
        return f"{self.status} by {self.by_id}"

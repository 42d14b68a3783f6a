"""Adverse events: what a practitioner records about a treatment, for the record and for
reporting onwards."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from needlepoint.checkins.models import Alert
from needlepoint.clinics.models import Clinic
from needlepoint.courses.models import Session
from needlepoint.patients.models import Patient


class AdverseEvent(models.Model):
    """A practitioner's record of an adverse event after a session (coded for reporting),
    whatever brought it to light; `alert` when it was a check-in's."""

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

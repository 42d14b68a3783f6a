"""Intake versions (never overwritten) and the screening computed from each."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from needlepoint.clinics.models import CarriesParentClinic, Clinic, Staff
from needlepoint.domain.charting import ScreeningState
from needlepoint.domain.screening import Verdict
from needlepoint.patients.models import Patient


class Intake(models.Model):
    class Context(models.TextChoices):
        INITIAL = "initial", "Medical history"
        PRE_SESSION = "pre_session", "Before a session: anything changed?"

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="intakes")
    version = models.PositiveIntegerField()
    context = models.CharField(max_length=20, choices=Context.choices, default=Context.INITIAL)
    answers = models.JSONField(
        help_text="The answers as screened, keyed by question name (absent = unanswered); a"
        ' months_ago answer is the ISO date of the event or "never".'
    )
    answers_given = models.JSONField(
        default=dict,
        help_text="The answers exactly as received, e.g. the months from which the date in"
        " `answers` was computed.",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_by_role = models.CharField(max_length=20)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("patient", "-version")
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "patient", "version"], name="one_intake_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"Intake v{self.version} of {self.patient_id}"


# The verdicts that stop a session until a practitioner overrides them.
BLOCKING_VERDICTS = (Verdict.INCOMPLETE.value, Verdict.DEFER.value, Verdict.NOT_ELIGIBLE.value)


class Screening(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="screenings")
    intake = models.OneToOneField(Intake, on_delete=models.PROTECT, related_name="screening")
    verdict = models.CharField(
        max_length=30, choices=[(verdict.value, verdict.label) for verdict in Verdict]
    )
    findings = models.JSONField(help_text="The rules engine's findings, with their sources.")
    missing = models.JSONField(default=list)
    screened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-screened_at",)
        indexes = [
            models.Index(
                fields=["clinic", "-screened_at", "-id"],
                condition=models.Q(verdict__in=BLOCKING_VERDICTS),
                name="screening_blocking_newest",
            )
        ]

    def __str__(self) -> str:
        return f"{self.verdict} ({self.screened_at:%Y-%m-%d})"

    def unacknowledged(self) -> list[dict[str, object]]:
        """Findings that need a practitioner's acknowledgement and have none yet."""
        done = {ack.finding_code for ack in self.acknowledgements.all()}
        return [
            f for f in self.findings if f.get("requires_acknowledgement") and f["code"] not in done
        ]

    def gate_state(self) -> ScreeningState:
        """This screening as the session gate sees it."""
        return ScreeningState(
            verdict=Verdict(self.verdict),
            overridden=hasattr(self, "override"),
            unacknowledged=tuple(str(finding["code"]) for finding in self.unacknowledged()),
        )

    def blocks_treatment(self) -> bool:
        """A block stands until overridden; open acknowledgements block too."""
        return self.gate_state().blocks


class Acknowledgement(CarriesParentClinic):
    """A practitioner accepting a precaution (e.g. recent isotretinoin), with a note."""

    clinic_parent = "screening"

    screening = models.ForeignKey(
        Screening, on_delete=models.PROTECT, related_name="acknowledgements"
    )
    finding_code = models.CharField(max_length=60)
    note = models.TextField()
    practitioner = models.ForeignKey(Staff, on_delete=models.PROTECT)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "screening", "finding_code"],
                name="one_acknowledgement_per_finding",
            )
        ]

    def __str__(self) -> str:
        return f"{self.finding_code} acknowledged"


class Override(CarriesParentClinic):
    """A practitioner's reasoned exception to a blocking verdict."""

    clinic_parent = "screening"

    screening = models.OneToOneField(Screening, on_delete=models.PROTECT, related_name="override")
    reason = models.TextField()
    practitioner = models.ForeignKey(Staff, on_delete=models.PROTECT)
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"override of screening {self.screening_id}"

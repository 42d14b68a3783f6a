"""Scar assessments, course plans and treatment sessions with their charts."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from needlepoint.clinics.models import CarriesParentClinic, Clinic, Staff
from needlepoint.intakes.models import Screening
from needlepoint.patients.models import Patient


class Assessment(models.Model):
    """Scar counts per zone and the qualitative grade; scores as computed by the rules engine."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="assessments")
    qualitative_grade = models.PositiveSmallIntegerField()
    zones = models.JSONField(help_text="{zone: {goodman_baron: {...}, ecca: {...}}}")
    overall = models.JSONField(
        null=True,
        blank=True,
        help_text="{goodman_baron: {...}, ecca: {...}} when counted for the whole face",
    )
    scar_types = models.JSONField(
        default=list, blank=True, help_text="Morphological types present."
    )
    scores = models.JSONField(help_text="Goodman & Baron and ECCA with each row's contribution.")
    notes = models.TextField(blank=True)
    assessed_by = models.ForeignKey(Staff, on_delete=models.PROTECT)
    assessed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-assessed_at",)

    def __str__(self) -> str:
        return f"Assessment {self.assessed_at:%Y-%m-%d} (grade {self.qualitative_grade})"


class Course(models.Model):
    """A planned series of sessions, made from an assessment and edited by the practitioner."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        ACTIVE = "active", "In progress"
        COMPLETED = "completed", "Completed"
        STOPPED = "stopped", "Stopped"

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="courses")
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="courses")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    sessions_planned = models.PositiveSmallIntegerField()
    interval_weeks = models.PositiveSmallIntegerField()
    zones = models.JSONField(help_text="{zone: {depth_mm}}: the planned depth per zone")
    adjuncts = models.JSONField(
        default=list, blank=True, help_text="Adjunct codes chosen by the practitioner."
    )
    price_per_session = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3)
    plan = models.JSONField(help_text="The rules engine's course plan this course was made from.")
    first_session_at = models.DateTimeField()
    planned_by = models.ForeignKey(Staff, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"Course of {self.sessions_planned} sessions ({self.get_status_display()})"


# A session still to be done; the index of open sessions has this condition, word for word.
OPEN_SESSION_STATUSES = ("scheduled", "in_progress")


class Session(models.Model):
    """One treatment of a course: re-screening, then the chart; signed charts are locked."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        IN_PROGRESS = "in_progress", "In progress"
        SIGNED = "signed", "Signed"
        CANCELLED = "cancelled", "Cancelled"

    class Device(models.TextChoices):
        ROLLER = "roller", "Roller"
        PEN = "pen", "Motorised pen"
        STAMP = "stamp", "Stamp"
        RF = "rf_microneedling", "RF microneedling"

    class Endpoint(models.TextChoices):
        ERYTHEMA = "erythema", "Erythema"
        PINPOINT_BLEEDING = "pinpoint_bleeding", "Pinpoint bleeding"

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="sessions")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    number = models.PositiveSmallIntegerField()
    scheduled_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    screening = models.ForeignKey(
        Screening, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions"
    )
    # The chart
    anaesthetic = models.CharField(max_length=200, blank=True)
    numbing_applied_at = models.DateTimeField(null=True, blank=True)
    numbing_removed_at = models.DateTimeField(null=True, blank=True)
    device = models.CharField(max_length=20, choices=Device.choices, blank=True)
    device_id = models.CharField("device id", max_length=100, blank=True)
    cartridge_lot = models.ForeignKey(
        "safety.Lot",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cartridge_sessions",
    )
    product_lots = models.ManyToManyField("safety.Lot", blank=True, related_name="product_sessions")
    zones = models.JSONField(default=dict, blank=True, help_text="{zone: {depth_mm, passes}}")
    endpoint = models.CharField(max_length=20, choices=Endpoint.choices, blank=True)
    adjuncts = models.JSONField(default=list, blank=True)
    immediate_reactions = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    practitioner = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions"
    )
    start_review = models.JSONField(
        default=list,
        blank=True,
        help_text="What was open for the patient (alerts, adverse events, recalled lots, "
        "screening) when the practitioner reviewed it before starting.",
    )
    revision = models.PositiveIntegerField(
        default=0, help_text="Bumped on every save of the chart."
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="signed_sessions"
    )

    class Meta:
        ordering = ("scheduled_at",)
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "course", "number"], name="one_session_per_number"
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True)
                | models.Q(started_at__isnull=True)
                | models.Q(ended_at__gte=models.F("started_at")),
                name="session_ends_after_it_starts",
            ),
        ]
        # Lists of sessions by time order on (scheduled_at, id): with the id in the index a page
        # is its first rows, however many sessions share a time slot.
        indexes = [
            models.Index(fields=["clinic", "scheduled_at", "id"], name="session_by_time"),
            models.Index(
                fields=["clinic", "scheduled_at", "id"],
                condition=models.Q(status__in=OPEN_SESSION_STATUSES),
                name="session_open_by_time",
            ),
            models.Index(
                fields=["clinic", "screening"],
                condition=models.Q(status="scheduled", screening__isnull=False),
                name="session_rescreened_scheduled",
            ),
            models.Index(fields=["clinic", "cartridge_lot", "id"], name="session_cartridge_lot"),
        ]

    def __str__(self) -> str:
        return f"Session {self.number} ({self.scheduled_at:%Y-%m-%d})"

    @property
    def locked(self) -> bool:
        return self.status == self.Status.SIGNED


class Addendum(CarriesParentClinic):
    """A correction or note added to a signed chart; the chart itself never changes."""

    clinic_parent = "session"

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    at = models.DateTimeField(auto_now_add=True)
    draft = models.BooleanField(
        default=False,
        help_text="Kept from a save made while the chart was being signed; only its author "
        "sees it until they add it to the chart or discard it.",
    )

    class Meta:
        ordering = ("at",)
        verbose_name_plural = "addenda"

    def __str__(self) -> str:
        return f"Addendum to session {self.session_id}"

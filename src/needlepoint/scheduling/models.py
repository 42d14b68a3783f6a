"""The clinic's calendar: rooms, appointment types, practitioners' working hours and
closures, appointments and the time each holds of a practitioner or a room.

An appointment holds its time through `Reservation` rows, one per resource and stretch: a
microneedling appointment holds its room (or a numbing chair) for the numbing and the
treatment room and the practitioner for the procedure. On PostgreSQL an exclusion constraint
refuses two live reservations of one practitioner or room that overlap (migration 0002); on
SQLite the booking service checks inside its IMMEDIATE transaction, which no other writer
can enter meanwhile. An appointment of a course's session starts when the session is
scheduled: the services move both in one transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models

from needlepoint.clinics.models import Clinic, Staff
from needlepoint.courses.models import Session
from needlepoint.patients.models import Patient


class Room(models.Model):
    class Kind(models.TextChoices):
        TREATMENT = "treatment", "Treatment room"
        NUMBING = "numbing", "Numbing chair"
        CONSULTATION = "consultation", "Consultation room"

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TREATMENT)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(fields=["clinic", "name"], name="room_name_per_clinic")
        ]

    def __str__(self) -> str:
        return self.name


class AppointmentType(models.Model):
    """What an appointment is for and how long it takes; a microneedling type also reserves
    the numbing before its procedure."""

    class Kind(models.TextChoices):
        CONSULTATION = "consultation", "Consultation"
        MICRONEEDLING = "microneedling", "Microneedling session"
        REVIEW = "review", "Review"
        PHOTO_FOLLOW_UP = "photo_follow_up", "Photo follow-up"

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=100)
    minutes = models.PositiveSmallIntegerField(help_text="The procedure or visit itself.")
    numbing_minutes = models.PositiveSmallIntegerField(
        default=0, help_text="Reserved before the procedure for topical numbing."
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(fields=["clinic", "name"], name="appointment_type_per_clinic"),
            models.CheckConstraint(
                condition=models.Q(minutes__gt=0), name="appointment_type_takes_time"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class WorkingHours(models.Model):
    """One stretch of a practitioner's weekday in the clinic's wall-clock time (Monday 0);
    two stretches of a day leave a break between them."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField()
    starts = models.TimeField()
    ends = models.TimeField()

    class Meta:
        ordering = ("weekday", "starts")
        verbose_name_plural = "working hours"
        indexes = [models.Index(fields=["clinic", "staff", "weekday"], name="hours_by_staff")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weekday__lte=6, ends__gt=models.F("starts")),
                name="hours_within_a_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff_id}: {self.weekday} {self.starts}-{self.ends}"


class Closure(models.Model):
    """A time the clinic (no staff, no room), a practitioner or a room takes no bookings."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(
        Staff, on_delete=models.CASCADE, null=True, blank=True, related_name="closures"
    )
    room = models.ForeignKey(
        Room, on_delete=models.CASCADE, null=True, blank=True, related_name="closures"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ("starts_at",)
        indexes = [models.Index(fields=["clinic", "starts_at"], name="closure_by_time")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="closure_takes_time"
            )
        ]

    def __str__(self) -> str:
        return f"Closed {self.starts_at:%Y-%m-%d %H:%M}-{self.ends_at:%H:%M}"


# An appointment that still holds its time; the live reservations' index and the exclusion
# constraints hold these statuses, word for word.
LIVE_STATUSES = ("booked", "arrived", "in_progress", "completed")


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        ARRIVED = "arrived", "Arrived"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"
        NO_SHOW = "no_show", "Did not attend"

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="appointments")
    type = models.ForeignKey(AppointmentType, on_delete=models.PROTECT, related_name="+")
    practitioner = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="appointments")
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="appointments")
    numbing_room = models.ForeignKey(
        Room, on_delete=models.PROTECT, null=True, blank=True, related_name="numbing_appointments"
    )
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, null=True, blank=True, related_name="appointments"
    )
    starts_at = models.DateTimeField(help_text="When the patient is booked in (numbing first).")
    procedure_starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.BOOKED)
    notes = models.CharField(max_length=500, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    booked_at = models.DateTimeField(auto_now_add=True)
    revision = models.PositiveIntegerField(default=0, help_text="Bumped on every change.")

    class Meta:
        ordering = ("starts_at",)
        indexes = [
            models.Index(fields=["clinic", "starts_at"], name="appointment_by_time"),
            models.Index(fields=["clinic", "patient", "starts_at"], name="appointment_by_patient"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    procedure_starts_at__gte=models.F("starts_at"),
                    ends_at__gt=models.F("procedure_starts_at"),
                ),
                name="appointment_in_order",
            ),
            models.UniqueConstraint(
                fields=["clinic", "session"],
                condition=models.Q(status__in=LIVE_STATUSES),
                name="one_live_appointment_per_session",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.starts_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"

    @property
    def live(self) -> bool:
        return self.status in LIVE_STATUSES


# No reservation is longer (a type takes at most 480 minutes and 120 of numbing): a read of
# the reservations meeting a stretch of time bounds their start from below by it, so the
# index on (clinic, staff or room, starts_at) reads that stretch, not all the years before.
LONGEST_RESERVATION = timedelta(hours=12)


class ReservationQuerySet(models.QuerySet["Reservation"]):
    def meeting(self, starts_at: datetime, ends_at: datetime) -> ReservationQuerySet:
        """The live reservations that overlap [starts_at, ends_at)."""
        return self.filter(
            live=True,
            starts_at__lt=ends_at,
            starts_at__gt=starts_at - LONGEST_RESERVATION,
            ends_at__gt=starts_at,
        )


class Reservation(models.Model):
    """The time an appointment holds of one practitioner or one room."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="reservations"
    )
    staff = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    live = models.BooleanField(default=True, help_text="False once cancelled or not attended.")

    objects = ReservationQuerySet.as_manager()

    class Meta:
        ordering = ("starts_at",)
        indexes = [
            models.Index(
                fields=["clinic", "staff", "starts_at"],
                condition=models.Q(live=True),
                name="reservation_live_staff",
            ),
            models.Index(
                fields=["clinic", "room", "starts_at"],
                condition=models.Q(live=True),
                name="reservation_live_room",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(staff__isnull=True, room__isnull=False)
                | models.Q(staff__isnull=False, room__isnull=True),
                name="reservation_of_one_resource",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="reservation_takes_time",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.staff_id or self.room_id}: {self.starts_at:%Y-%m-%d %H:%M}-{self.ends_at:%H:%M}"
        )


class StaffCalendarFeed(models.Model):
    """A staff member's secret calendar address (their appointments as .ics). Only a digest
    of its token is stored; the token is derived from `nonce` with the server's secret key
    (`notify.tokens`), so the page can show it again until it is revoked."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="calendar_feeds")
    nonce = models.CharField(max_length=64)
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_read_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "staff"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_live_staff_feed",
            )
        ]

    def __str__(self) -> str:
        return f"calendar feed of staff {self.staff_id}"

"""The tenant (clinic) and its staff."""

from __future__ import annotations

import re
import zoneinfo
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from needlepoint.clinics.currencies import ISO_4217
from needlepoint.clinics.roles import STAFF_ROLES, Role

SLUG_FORMAT = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known IANA time zone (e.g. Europe/London).")


def validate_currency(value: str) -> None:
    if value not in ISO_4217:
        raise ValidationError(f"{value!r} is not an ISO 4217 currency code (e.g. USD, EUR).")


def validate_clinic_slug(value: str) -> None:
    """Lower-case letters and digits in words joined by single hyphens: the slug names the
    clinic in commands and in the identifiers of its exports."""
    if not SLUG_FORMAT.fullmatch(value):
        raise ValidationError(
            f"{value!r}: use lower-case letters and digits, words joined by hyphens "
            "(e.g. city-skin)."
        )


class Clinic(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=50, unique=True, validators=[validate_clinic_slug])
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    currency = models.CharField(max_length=3, default="USD", validators=[validate_currency])
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    latitude = models.DecimalField(
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text="Where the clinic is, in decimal degrees (north positive), for sunset times "
        "in aftercare. Empty: the time zone's city when known, else sunset is taken as 21:00.",
    )
    longitude = models.DecimalField(
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text="Decimal degrees, east positive (e.g. -74.0060 for New York).",
    )
    record_prefix = models.CharField(
        max_length=6,
        validators=[RegexValidator(r"^[A-Z0-9]{1,6}$", "Up to six capital letters or digits.")],
        help_text="Prefix of the clinic's patient record numbers.",
    )
    next_record_number = models.PositiveIntegerField(default=1, editable=False)
    alert_escalation_minutes = models.PositiveIntegerField(
        default=120,
        help_text="An alert not acknowledged within this many minutes is e-mailed to the clinic.",
    )
    require_two_factor = models.BooleanField(
        "require two-factor for all staff",
        default=False,
        help_text="Staff without an authenticator app set up are sent to set one up before "
        "any patient data is shown.",
    )
    record_retention_years = models.PositiveSmallIntegerField(
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="A patient's record is kept this many years after their last treatment "
        "before it may be erased (8: the UK's guidance for adults' records; check your "
        "country's rules, and keep children's records longer).",
    )
    settings = models.JSONField(
        default=dict,
        blank=True,
        help_text="Clinic overrides: prices, per-zone depth limits, aftercare windows, escalation.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("name",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="clinic_location_whole_and_on_earth",
                violation_error_message="Give both latitude and longitude, or neither.",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Staff(models.Model):
    """A user's membership of one clinic, with a role."""

    ROLE_CHOICES = [(role.value, role.label) for role in STAFF_ROLES]

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="staff")
    role = models.CharField(max_length=20, choices=ROLE_CHOICES)
    profession = models.CharField(max_length=100, blank=True)
    licence_number = models.CharField(max_length=60, blank=True)

    class Meta:
        verbose_name_plural = "staff"
        ordering = ("user__full_name",)
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role=Role.PRACTITIONER.value) | ~models.Q(licence_number=""),
                name="practitioner_has_licence",
                violation_error_message="A practitioner needs a licence number.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.clinic})"


class CarriesParentClinic(models.Model):
    """A row of patient data that reaches its clinic through a parent row (an addendum through
    its session) and carries the clinic itself too, so every tenant table filters and
    distributes by its own `clinic_id` (ADR 25). Saving takes the parent's clinic and refuses
    another one."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    clinic_parent: ClassVar[str]

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        parent_clinic_id = getattr(self, self.clinic_parent).clinic_id
        if self.clinic_id is None:
            self.clinic_id = parent_clinic_id
        elif self.clinic_id != parent_clinic_id:
            raise ValueError(
                f"{type(self).__name__} of clinic {self.clinic_id} under a {self.clinic_parent} "
                f"of clinic {parent_clinic_id}"
            )
        super().save(*args, **kwargs)

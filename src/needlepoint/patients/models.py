"""Patients: each belongs to one clinic and may have a portal account."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from needlepoint.clinics.models import Clinic

LANGUAGES = [
    ("en", "English"),
    ("es", "Spanish"),
    ("fr", "French"),
    ("de", "German"),
    ("it", "Italian"),
    ("pt", "Portuguese"),
    ("nl", "Dutch"),
    ("ar", "Arabic"),
    ("zh", "Chinese"),
    ("hi", "Hindi"),
    ("vi", "Vietnamese"),
    ("ko", "Korean"),
    ("ja", "Japanese"),
    ("tr", "Turkish"),
    ("pl", "Polish"),
]


class Sex(models.TextChoices):
    """Administrative sex, as FHIR's AdministrativeGender."""

    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


def validate_birth_date(value: date) -> None:
    if value > date.today():
        raise ValidationError("Date of birth cannot be in the future.")
    if value.year < 1900:
        raise ValidationError("Date of birth must be after 1900.")


class Patient(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients")
    record_number = models.CharField(max_length=20, editable=False)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(validators=[validate_birth_date])
    sex = models.CharField(max_length=10, choices=Sex.choices)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    fitzpatrick = models.PositiveSmallIntegerField(
        "Fitzpatrick skin type",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(6)],
        help_text="I (always burns) to VI (never burns); leave empty if not yet assessed.",
    )
    preferred_language = models.CharField(max_length=8, choices=LANGUAGES, default="en")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="patient",
        help_text="The patient's portal account, if invited.",
    )
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("family_name", "given_name")
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "record_number"], name="unique_record_number_per_clinic"
            ),
            models.CheckConstraint(
                condition=models.Q(fitzpatrick__isnull=True)
                | models.Q(fitzpatrick__gte=1, fitzpatrick__lte=6),
                name="fitzpatrick_1_to_6",
            ),
        ]
        indexes = [models.Index(fields=["clinic", "family_name", "given_name"])]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.record_number})"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

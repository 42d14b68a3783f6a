"""Patients: each belongs to one clinic and may have a portal account."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from needlepoint.clinics.models import Clinic
from needlepoint.domain.knowledge.model.common import SKIN_TYPES

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


# What restricting a record, or lifting the restriction, writes (nothing else may change).
RESTRICTION_FIELDS = frozenset({"restricted_at", "restriction_reason"})


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
        validators=[MinValueValidator(SKIN_TYPES.min), MaxValueValidator(SKIN_TYPES.max)],
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
    prospect = models.BooleanField(
        default=False,
        editable=False,
        help_text="Asked for a consultation on the clinic's public booking page; the front "
        "desk confirms their details before their first visit.",
    )
    restricted_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="Set while the record is restricted: read-only and left out of lists.",
    )
    restriction_reason = models.TextField(blank=True, editable=False)
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
                | models.Q(fitzpatrick__gte=SKIN_TYPES.min, fitzpatrick__lte=SKIN_TYPES.max),
                name="fitzpatrick_1_to_6",
            ),
        ]
        indexes = [models.Index(fields=["clinic", "family_name", "given_name"])]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.record_number})"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class ConsentKind(models.TextChoices):
    TREATMENT = "treatment", "Treatment"
    PHOTO = "photo", "Photo"


class PhotoUse(models.TextChoices):
    CLINICAL_RECORD = "clinical_record", "Clinical record"
    TEACHING = "teaching", "Teaching"
    MARKETING = "marketing", "Marketing"


class ConsentTemplate(models.Model):
    """One version of a clinic's consent text; never edited: a change is a new version."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="consent_templates")
    kind = models.CharField(max_length=10, choices=ConsentKind.choices)
    version = models.PositiveIntegerField(editable=False)
    title = models.CharField(max_length=200)
    body = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ("kind", "-version")
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "kind", "version"], name="unique_consent_template_version"
            ),
            models.UniqueConstraint(
                fields=["clinic", "kind"],
                condition=models.Q(active=True),
                name="one_active_consent_template_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class Consent(models.Model):
    """A patient's signature on one version of a consent template; revocable."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="consents")
    template = models.ForeignKey(ConsentTemplate, on_delete=models.PROTECT, related_name="consents")

    class Signer(models.TextChoices):
        PATIENT = "patient", "The patient"
        REPRESENTATIVE = "representative", "A parent, guardian or legal representative"

    signer = models.CharField(max_length=20, choices=Signer.choices, default=Signer.PATIENT)
    signer_relationship = models.CharField(
        max_length=100, blank=True, help_text="How a representative is related to the patient."
    )
    signed_name = models.CharField(
        max_length=200, help_text="The typed signature: the signer's full name."
    )
    signature_drawing = models.TextField(
        blank=True, help_text="The drawn signature as a PNG data URL, if one was drawn."
    )
    signed_at = models.DateTimeField()
    signed_ip = models.GenericIPAddressField(null=True, blank=True)
    photo_uses = models.JSONField(default=list, blank=True)
    terms = models.JSONField(
        default=dict,
        blank=True,
        help_text="A treatment consent's course and price as shown when it was signed.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    countersigned_by = models.ForeignKey(
        "clinics.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    countersigned_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)

    class Meta:
        ordering = ("-signed_at",)
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(signed_name=""), name="consent_has_typed_signature"
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True) | ~models.Q(revoked_reason=""),
                name="revoked_consent_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(signer="patient") | ~models.Q(signer_relationship=""),
                name="representative_states_relationship",
            ),
            models.CheckConstraint(
                condition=models.Q(countersigned_by__isnull=True, countersigned_at__isnull=True)
                | models.Q(countersigned_by__isnull=False, countersigned_at__isnull=False),
                name="countersignature_has_signer_and_time",
            ),
        ]
        indexes = [models.Index(fields=["clinic", "patient", "signed_at"])]

    def __str__(self) -> str:
        return f"{self.template} signed by {self.signed_name}"

    @property
    def uses_now(self) -> list[str]:
        """The photo uses still consented: those signed for, less any withdrawn since."""
        if self.revoked_at is not None:
            return []
        withdrawn = {use for r in self.revocations.all() for use in r.uses}
        return [use for use in self.photo_uses if use not in withdrawn]

    @property
    def uses_now_labels(self) -> list[str]:
        return [PhotoUse(use).label for use in self.uses_now]

    @property
    def photo_use_labels(self) -> list[str]:
        return [PhotoUse(use).label for use in self.photo_uses]


class ConsentRevocation(models.Model):
    """A withdrawal of a whole consent or, for photographs, of some of its uses."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="revocations")
    uses = models.JSONField(default=list, blank=True, help_text="The photo uses withdrawn.")
    reason = models.TextField()
    revoked_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("revoked_at", "id")

    def __str__(self) -> str:
        return f"revocation of {self.consent_id} at {self.revoked_at:%Y-%m-%d}"

    @property
    def use_labels(self) -> list[str]:
        return [PhotoUse(use).label for use in self.uses]


class PatientTombstone(models.Model):
    """What is left of an erased record: which it was and who erased it, when and why; the
    audit events about it stay in the trail, the content is gone."""

    id = models.UUIDField(primary_key=True, editable=False, help_text="The erased patient's id.")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    record_number = models.CharField(max_length=20)
    erased_at = models.DateTimeField()
    erased_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    reason = models.TextField()
    created_in_error = models.BooleanField(
        default=False, help_text="Erased before the retention period: created in error."
    )

    class Meta:
        ordering = ("-erased_at",)
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "record_number"], name="unique_erased_record_number_per_clinic"
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="erasure_has_reason"),
        ]

    def __str__(self) -> str:
        return f"erased record {self.record_number}"


class ConsultationRequest(models.Model):
    """A new patient's request for a consultation, from the clinic's public booking page: a
    preferred day and part of the day, for the front desk to book into the calendar. Requests
    never hold a slot, so a flood of them cannot block the calendar."""

    class Part(models.TextChoices):
        ANY = "any", "Any time"
        MORNING = "morning", "Morning"
        AFTERNOON = "afternoon", "Afternoon"
        EVENING = "evening", "Evening"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        BOOKED = "booked", "Booked"
        DECLINED = "declined", "Declined"

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="consultation_requests"
    )
    preferred_date = models.DateField()
    preferred_part = models.CharField(max_length=10, choices=Part.choices, default=Part.ANY)
    message = models.TextField(blank=True, max_length=1000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("created_at",)
        indexes = [models.Index(fields=["clinic", "status", "created_at"])]

    def __str__(self) -> str:
        return f"consultation request of {self.patient_id} for {self.preferred_date}"

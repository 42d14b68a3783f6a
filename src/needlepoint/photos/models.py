"""Photos: attached to a session or a check-in (never floating), with the pose, the consent
in force when they were taken and the photo pipeline's analysis. Archived, never deleted."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from needlepoint.checkins.models import CheckIn
from needlepoint.clinics.models import Clinic
from needlepoint.courses.models import Session
from needlepoint.imaging import POSES
from needlepoint.patients.models import Consent, Patient

POSE_CHOICES = [(pose, pose.replace("_", " ").capitalize()) for pose in POSES]


class Photo(models.Model):
    class Attachment(models.TextChoices):
        SESSION = "session", "Session"
        CHECKIN = "checkin", "Check-in"

    class Source(models.TextChoices):
        UPLOAD = "upload", "Uploaded file"
        CAMERA = "camera", "Camera in the browser"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="photos")
    attachment = models.CharField(max_length=10, choices=Attachment.choices)
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, null=True, blank=True, related_name="photos"
    )
    checkin = models.ForeignKey(
        CheckIn, on_delete=models.PROTECT, null=True, blank=True, related_name="photos"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.UPLOAD)
    sample = models.BooleanField(
        default=False,
        help_text="Sample data: made by the demo from a public-domain portrait, not a patient's "
        "photo; labelled so on every page that shows it.",
    )
    pose = models.CharField(
        max_length=20,
        choices=POSE_CHOICES,
        blank=True,
        help_text="From the analysis, or as the practitioner confirmed it; empty if unknown.",
    )
    pose_confirmed = models.BooleanField(
        default=False, help_text="The practitioner named the pose when uploading."
    )
    captured_at = models.DateTimeField(
        help_text="The camera's capture time (EXIF) when the file had one, else the upload time."
    )
    captured_at_from_camera = models.BooleanField(default=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(
        max_length=64,
        unique=True,
        editable=False,
        help_text="Random internal name of the stored photo (orientation applied, metadata "
        "removed) in the photo directory.",
    )
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, help_text="Of the stored file.")
    source_format = models.CharField(max_length=10, help_text="jpeg, png or heif as uploaded.")
    metadata_removed = models.JSONField(
        default=list, blank=True, help_text="What the upload carried and was dropped (exif, gps…)."
    )
    consent = models.ForeignKey(
        Consent,
        on_delete=models.PROTECT,
        related_name="photos",
        help_text="The photo consent in force when the photo was taken.",
    )
    consent_uses = models.JSONField(help_text="The photo uses consented at that moment.")
    analysis = models.JSONField(help_text="The photo pipeline's analysis (its JSON).")
    landmarks = models.JSONField(
        null=True,
        blank=True,
        help_text="The face's 478 landmarks [x, y, depth] in the stored photo's pixels, so "
        "photos line up without being measured again; empty when no face was found.",
    )
    quality = models.JSONField(help_text="The quality gate's checks and instructions.")
    quality_passed = models.BooleanField()
    kept_despite_quality = models.BooleanField(
        default=False, help_text="The practitioner kept a photo that failed the quality gate."
    )
    archived = models.BooleanField(default=False)
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_reason = models.TextField(blank=True)

    class Meta:
        ordering = ("captured_at", "uploaded_at")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(attachment="session", session__isnull=False, checkin__isnull=True)
                    | models.Q(attachment="checkin", session__isnull=True, checkin__isnull=False)
                ),
                name="photo_attached_to_one_session_or_checkin",
            ),
            models.CheckConstraint(
                condition=models.Q(pose="") | models.Q(pose__in=POSES),
                name="photo_pose_known",
            ),
            models.CheckConstraint(
                condition=models.Q(kept_despite_quality=False) | models.Q(quality_passed=False),
                name="photo_kept_only_when_failed",
            ),
            models.CheckConstraint(
                condition=models.Q(archived=False) | models.Q(archived_at__isnull=False),
                name="photo_archived_has_time",
            ),
        ]
        indexes = [models.Index(fields=["clinic", "patient", "captured_at"])]

    def __str__(self) -> str:
        return f"Photo {self.pose or 'pose unknown'} {self.captured_at:%Y-%m-%d}"

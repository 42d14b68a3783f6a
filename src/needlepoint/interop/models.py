"""A Bulk Data export (`$export`): who asked for which of the clinic's records, how far the
background job is, and the NDJSON files it wrote (under `settings.BULK_EXPORT_DIR`)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from needlepoint.clinics.models import Clinic


class BulkExport(models.Model):
    class Level(models.TextChoices):
        SYSTEM = "system", "The whole clinic"
        PATIENT = "patient", "Every patient's records"
        GROUP = "group", "The records of a Group's patients"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Expired"  # its files removed once kept for long enough

    # The key is in the status and file URLs: random, so one export's URL tells nothing of
    # another's (the clinic is checked all the same).
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    level = models.CharField(max_length=10, choices=Level.choices)
    group = models.CharField(max_length=64, blank=True)  # the Group's id, at the group level
    types = models.JSONField(default=list)  # the types asked for; empty: every type
    since = models.DateTimeField(null=True, blank=True)
    request_url = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveIntegerField(default=0)  # resources written so far
    files = models.JSONField(default=list)  # [{"type": "Patient", "count": 12}, ...]
    error = models.TextField(blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)  # the manifest's transactionTime
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["clinic", "status"], name="bulk_export_clinic_status")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} export {self.pk} ({self.status})"

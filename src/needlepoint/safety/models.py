"""The audit trail: append-only, hash-chained events."""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.db import models


class AppendOnlyError(Exception):
    """Audit events are never changed or deleted."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be updated")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("audit events cannot be deleted")


class AuditEvent(models.Model):
    """Who did what to which record, when; each event's MAC covers the one before it in its
    clinic's chain (`hash` holds the MAC, or the SHA-256 of an event from before the key)."""

    at = models.DateTimeField(db_index=True)
    actor_user_id = models.BigIntegerField(null=True, blank=True)
    actor_email = models.CharField(max_length=254, blank=True)
    role = models.CharField(max_length=20, blank=True)
    clinic_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects: ClassVar[models.Manager[AuditEvent]] = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ("id",)
        indexes = [models.Index(fields=["clinic_id", "object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id} by {self.actor_email}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be deleted")


class AuditChainHead(models.Model):
    """One row per chain (a clinic's, or the system's) holding its latest MAC; locking it
    orders the chain's writers, and writers of other chains do not wait for it."""

    chain = models.CharField(max_length=40, unique=True)
    last_hash = models.CharField(max_length=64)
    last_event_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"audit chain {self.chain} at event #{self.last_event_id}"


class LotKind(models.TextChoices):
    CARTRIDGE = "cartridge", "Needle cartridge"
    PRODUCT = "product", "Product"


class Lot(models.Model):
    """A batch of needle cartridges or of a product, with its expiry and recall status."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="lots")
    kind = models.CharField(max_length=10, choices=LotKind.choices)
    manufacturer = models.CharField(max_length=200)
    product_name = models.CharField(max_length=200)
    lot_number = models.CharField(max_length=60)
    expiry_date = models.DateField()
    received_at = models.DateField("received on", null=True, blank=True)
    recalled_at = models.DateTimeField(null=True, blank=True)
    recall_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("expiry_date", "lot_number")
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "kind", "lot_number"],
                name="unique_lot_number_per_clinic_and_kind",
                violation_error_message="This clinic already has a lot with this number.",
            ),
            models.CheckConstraint(
                condition=models.Q(recalled_at__isnull=True) | ~models.Q(recall_reason=""),
                name="recalled_lot_has_reason",
                violation_error_message="A recall needs a reason.",
            ),
        ]
        # The list reads a clinic's lots in expiry order from here; a search filters these rows
        # (a clinic has hundreds of lots, not the hundred thousands a trigram index is for).
        indexes = [
            models.Index(fields=["clinic", "expiry_date", "lot_number"], name="lot_by_expiry")
        ]

    def __str__(self) -> str:
        return f"{self.lot_number} ({self.product_name})"

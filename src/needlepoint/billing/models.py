"""A clinic's price list and legal details, quotes of courses, the packages patients accept,
their payments and refunds, and invoices and credit notes.

Amounts are `Decimal` in the clinic's currency, stored to three places (enough for every
currency's minor unit) and rounded by `domain.billing`. An issued invoice or credit note never
changes: saving it again or deleting it is refused, and a mistake is corrected by a credit
note. Document numbers come from a counter row per clinic and series, locked in the
transaction that issues the document, so they run without gaps or duplicates.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from needlepoint.clinics.models import Clinic
from needlepoint.courses.models import Course
from needlepoint.patients.models import Patient


def money_field(**kwargs: Any) -> models.DecimalField:  # type: ignore[type-arg]
    return models.DecimalField(max_digits=14, decimal_places=3, **kwargs)


def percent_field(**kwargs: Any) -> models.DecimalField:  # type: ignore[type-arg]
    """A percentage to three places (a tax rate of 8.875%)."""
    return models.DecimalField(max_digits=6, decimal_places=3, **kwargs)


class BillingProfile(models.Model):
    """What a clinic's quotes and invoices say of it and charge: its legal details, its tax,
    its adjunct prices (a session's price is its course's) and the defaults of a quote."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    legal_name = models.CharField(max_length=200, blank=True)
    legal_address = models.TextField(blank=True)
    tax_id = models.CharField("tax id", max_length=60, blank=True)
    tax_label = models.CharField(max_length=30, default="Tax", help_text="e.g. VAT, GST")
    tax_percent = percent_field(default=0, help_text="Tax on sessions, in percent.")
    adjunct_prices = models.JSONField(
        default=dict,
        blank=True,
        help_text='{adjunct code: {"amount": "120.00", "tax_percent": "20"}}: per session.',
    )
    package_discount_percent = percent_field(
        default=0, help_text="The discount a new quote offers for the whole course."
    )
    quote_valid_days = models.PositiveSmallIntegerField(default=30)
    invoice_footer = models.TextField(
        blank=True, help_text="Printed at the foot of invoices and receipts (payment terms, bank)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["clinic"], name="one_billing_profile")]

    def __str__(self) -> str:
        return f"Billing of {self.clinic}"


class Quote(models.Model):
    """A price for a course, as its patient sees and accepts it. `digest` fingerprints what
    was shown (lines, totals, validity); acceptance records who, when, from where and which
    digest, as a consent does: the patient in the portal, or the member of staff who took it
    in person."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        WITHDRAWN = "withdrawn", "Replaced by a newer quote"

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="quotes")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="quotes")
    version = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    currency = models.CharField(max_length=3)
    sessions = models.PositiveSmallIntegerField()
    discount_percent = percent_field()
    lines = models.JSONField(help_text="The priced lines, as shown.")
    gross = money_field()
    discount = money_field()
    tax = money_field()
    total = money_field()
    valid_until = models.DateField(help_text="The last day (clinic-local) it may be accepted.")
    digest = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_ip = models.GenericIPAddressField(null=True, blank=True)
    accepted_user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ("-version",)
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "course", "version"], name="one_quote_per_version"
            ),
            models.UniqueConstraint(
                fields=["clinic", "course"],
                condition=models.Q(status="accepted"),
                name="one_accepted_quote_per_course",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="accepted") | models.Q(accepted_at__isnull=False),
                name="accepted_quote_has_its_acceptance",
            ),
        ]

    def __str__(self) -> str:
        return f"Quote {self.version} of course {self.course_id}"


class Package(models.Model):
    """The sessions a patient bought with an accepted quote, and what it charges. Sessions
    used are the course's signed sessions, counted when read (never stored twice)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="packages")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="packages")
    quote = models.ForeignKey(Quote, on_delete=models.PROTECT, related_name="+")
    sessions_bought = models.PositiveSmallIntegerField()
    currency = models.CharField(max_length=3)
    total = money_field(help_text="What the package charges, tax included.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(fields=["clinic", "course"], name="one_package_per_course")
        ]

    def __str__(self) -> str:
        return f"Package of {self.sessions_bought} sessions (course {self.course_id})"


class Payment(models.Model):
    """Money received for a package (a deposit or a payment) or paid back (a refund), with
    the reference of the card terminal's slip or the bank transfer; never card data."""

    class Kind(models.TextChoices):
        DEPOSIT = "deposit", "Deposit"
        PAYMENT = "payment", "Payment"
        REFUND = "refund", "Refund"

    class Method(models.TextChoices):
        CASH = "cash", "Cash"
        CARD = "card", "Card (clinic terminal)"
        BANK_TRANSFER = "bank_transfer", "Bank transfer"

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="payments")
    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    method = models.CharField(max_length=20, choices=Method.choices)
    amount = money_field(help_text="Above zero; a refund's amount is what was paid back.")
    currency = models.CharField(max_length=3)
    reference = models.CharField(max_length=100, blank=True)
    note = models.TextField(blank=True)
    receipt_number = models.PositiveIntegerField()
    received_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("received_at", "pk")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_above_zero"),
            models.UniqueConstraint(fields=["clinic", "receipt_number"], name="one_receipt_number"),
        ]
        indexes = [models.Index(fields=["clinic", "received_at"], name="payment_by_time")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.currency}"


class Invoice(models.Model):
    """An invoice of a package, or a credit note cancelling one, as issued: its lines, totals,
    the clinic's legal details and the patient's as they were. Never changed once issued."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", "Invoice"
        CREDIT_NOTE = "credit_note", "Credit note"

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="invoices")
    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="invoices")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    number = models.PositiveIntegerField()
    credits = models.ForeignKey(
        "self", on_delete=models.RESTRICT, null=True, blank=True, related_name="credit_notes"
    )
    reason = models.TextField(blank=True, help_text="Why a credit note cancels its invoice.")
    currency = models.CharField(max_length=3)
    lines = models.JSONField()
    gross = money_field()
    discount = money_field()
    tax = money_field()
    total = money_field(help_text="Below zero on a credit note.")
    seller = models.JSONField(help_text="The clinic's legal details when issued.")
    buyer = models.JSONField(help_text="The patient's name, record number and address.")
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("issued_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "kind", "number"], name="one_invoice_per_number"
            ),
            models.UniqueConstraint(
                fields=["clinic", "credits"],
                condition=models.Q(credits__isnull=False),
                name="one_credit_note_per_invoice",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="invoice", credits__isnull=True)
                | models.Q(kind="credit_note", credits__isnull=False),
                name="credit_note_credits_an_invoice",
            ),
        ]
        indexes = [models.Index(fields=["clinic", "issued_at"], name="invoice_by_time")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("An issued invoice never changes; issue a credit note instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("An issued invoice is kept; issue a credit note instead.")


class DocumentCounter(models.Model):
    """The next number of a clinic's series (invoices, credit notes, receipts): locked and
    moved in the transaction that issues the document."""

    class Series(models.TextChoices):
        INVOICE = "invoice", "Invoice"
        CREDIT_NOTE = "credit_note", "Credit note"
        RECEIPT = "receipt", "Receipt"

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    series = models.CharField(max_length=12, choices=Series.choices)
    next_number = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "series"], name="one_counter_per_series")
        ]

    def __str__(self) -> str:
        return f"{self.series} #{self.next_number} of clinic {self.clinic_id}"

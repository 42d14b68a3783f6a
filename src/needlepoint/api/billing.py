"""/api/v1: a course's quotes and package, its payments, refunds, invoices and credit notes.
Amounts are decimal strings in the clinic's currency."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field, field_serializer

from needlepoint.api.auth import request_actor
from needlepoint.api.schemas import ERRORS, Strict
from needlepoint.billing import selectors, services
from needlepoint.billing.models import Invoice, Payment, Quote
from needlepoint.billing.selectors import CourseBilling, PackageSummary
from needlepoint.domain.billing import round_money

router = Router(tags=["billing"])


class InCurrency(Schema):
    """Amounts in `currency`, written to its minor unit (the domain's one rounding)."""

    currency: str

    def rounded(self, amount: Decimal) -> str:
        return str(round_money(amount, self.currency))


class LineOut(Schema):
    code: str = Field(description="`session` or an adjunct's code")
    description: str
    quantity: int
    unit_price: Decimal
    tax_percent: Decimal
    gross: Decimal
    discount: Decimal
    net: Decimal
    tax: Decimal
    total: Decimal


class QuoteOut(InCurrency):
    id: int
    course_id: int
    version: int
    status: str
    sessions: int
    discount_percent: Decimal
    lines: list[LineOut]
    gross: Decimal
    discount: Decimal
    tax: Decimal
    total: Decimal
    valid_until: date = Field(description="The last clinic-local day it may be accepted")
    digest: str = Field(description="SHA-256 of what the quote shows; accepting names it")
    accepted_at: datetime | None

    @field_serializer("gross", "discount", "tax", "total")
    def money(self, amount: Decimal) -> str:
        return self.rounded(amount)


class PaymentOut(InCurrency):
    id: int
    kind: str
    method: str
    amount: Decimal
    reference: str
    note: str
    receipt_number: int
    received_at: datetime

    @field_serializer("amount")
    def money(self, amount: Decimal) -> str:
        return self.rounded(amount)


class InvoiceOut(InCurrency):
    id: int
    kind: str
    number: int
    credits_id: int | None
    lines: list[LineOut]
    gross: Decimal
    discount: Decimal
    tax: Decimal
    total: Decimal
    issued_at: datetime

    @field_serializer("gross", "discount", "tax", "total")
    def money(self, amount: Decimal) -> str:
        return self.rounded(amount)


class PackageOut(InCurrency):
    id: int
    course_id: int
    patient_id: uuid.UUID
    sessions_bought: int
    sessions_used: int = Field(description="The course's signed sessions")
    sessions_remaining: int
    charged: Decimal
    paid: Decimal
    refunded: Decimal
    due: Decimal
    payments: list[PaymentOut]
    invoices: list[InvoiceOut]

    @field_serializer("charged", "paid", "refunded", "due")
    def money(self, amount: Decimal) -> str:
        return self.rounded(amount)


class CourseBillingOut(Schema):
    course_id: int
    quotes: list[QuoteOut]
    package: PackageOut | None


def _package(summary: PackageSummary) -> dict[str, Any]:
    package, usage, balance = summary.package, summary.usage, summary.balance
    return {
        "id": package.pk, "course_id": package.course_id, "patient_id": package.patient_id,
        "sessions_bought": usage.bought, "sessions_used": usage.used,
        "sessions_remaining": usage.remaining, "currency": package.currency,
        "charged": balance.charged, "paid": balance.paid, "refunded": balance.refunded,
        "due": balance.due, "payments": summary.payments, "invoices": summary.invoices,
    }  # fmt: skip


def _course(billing: CourseBilling) -> dict[str, Any]:
    return {
        "course_id": billing.course.pk,
        "quotes": billing.quotes,
        "package": _package(billing.package) if billing.package else None,
    }


@router.get(
    "/courses/{course_id}/billing",
    response={200: CourseBillingOut, **ERRORS},
    summary="A course's quotes and its package: sessions used, balance, payments, invoices",
)
def course_billing_read(request: HttpRequest, course_id: int) -> dict[str, Any]:
    return _course(selectors.access_course_billing(request_actor(request), course_id))


class QuoteIn(Strict):
    discount_percent: Decimal | None = Field(None, ge=0, le=100, max_digits=6, decimal_places=3)
    valid_days: int | None = Field(None, ge=1, le=365)


@router.post(
    "/courses/{course_id}/quotes",
    response={201: QuoteOut, **ERRORS},
    summary="Quote a course (replaces its open quote); front desk and clinic admins",
)
def quote_create(request: HttpRequest, course_id: int, payload: QuoteIn) -> Status[Quote]:
    quote = services.quote_create(request_actor(request), course_id, **payload.dict())
    return Status(201, quote)


class AcceptIn(Strict):
    digest: str = Field(description="The digest of the quote as shown to the patient")


@router.post(
    "/quotes/{quote_id}/accept",
    response={201: PackageOut, **ERRORS},
    summary="The patient accepts their quote (or staff record it, given in person): the "
    "package is made",
)
def quote_accept(request: HttpRequest, quote_id: int, payload: AcceptIn) -> Status[dict[str, Any]]:
    actor = request_actor(request)
    package = services.quote_accept(
        actor, quote_id, digest=payload.digest, ip=request.META.get("REMOTE_ADDR"),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )  # fmt: skip
    summary = selectors.course_billing(package.course).package
    assert summary is not None  # just made
    return Status(201, _package(summary))


AMOUNT = Field(gt=0, max_digits=14, decimal_places=3)


class PaymentIn(Strict):
    kind: Literal["deposit", "payment"] = "payment"
    method: Literal["cash", "card", "bank_transfer"]
    amount: Decimal = AMOUNT
    reference: str = Field("", max_length=100, description="Never a card number")
    note: str = Field("", max_length=500)
    received_at: datetime | None = None


class RefundIn(Strict):
    method: Literal["cash", "card", "bank_transfer"]
    amount: Decimal = AMOUNT
    reference: str = Field("", max_length=100)
    note: str = Field(max_length=500, description="Why the money is refunded")
    received_at: datetime | None = None


@router.post(
    "/packages/{package_id}/payments",
    response={201: PaymentOut, **ERRORS},
    summary="Record a deposit or payment (never more than is due)",
)
def payment_record(request: HttpRequest, package_id: int, payload: PaymentIn) -> Status[Payment]:
    return Status(
        201, services.payment_record(request_actor(request), package_id, **payload.dict())
    )


@router.post(
    "/packages/{package_id}/refunds",
    response={201: PaymentOut, **ERRORS},
    summary="Record a refund (never more than was paid and not refunded)",
)
def refund_record(request: HttpRequest, package_id: int, payload: RefundIn) -> Status[Payment]:
    return Status(201, services.refund_record(request_actor(request), package_id, **payload.dict()))


@router.post(
    "/packages/{package_id}/invoices",
    response={201: InvoiceOut, **ERRORS},
    summary="Issue the package's invoice, numbered in the clinic's series",
)
def invoice_issue(request: HttpRequest, package_id: int) -> Status[Invoice]:
    return Status(201, services.invoice_issue(request_actor(request), package_id))


class CreditNoteIn(Strict):
    reason: str = Field(min_length=1, max_length=500)


@router.post(
    "/invoices/{invoice_id}/credit-notes",
    response={201: InvoiceOut, **ERRORS},
    summary="Cancel an invoice in full by a credit note",
)
def credit_note_issue(
    request: HttpRequest, invoice_id: int, payload: CreditNoteIn
) -> Status[Invoice]:
    note = services.credit_note_issue(request_actor(request), invoice_id, reason=payload.reason)
    return Status(201, note)

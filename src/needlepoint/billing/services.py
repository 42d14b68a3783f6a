"""Writes of a clinic's money, one transaction each, audited on the patient they concern.

A course is quoted (`quote_create`: its sessions at the course's price, its adjuncts at the
clinic's prices, the package discount and the clinic's tax), the patient accepts the quote in
the portal (`quote_accept`, which makes the package), front desk records deposits, payments
and refunds against the package (`payment_record`, `refund_record`: the package row is locked,
so two people recording at once can never take more than is due or refund more than was
paid), and issues its invoice (`invoice_issue`) or cancels one by a credit note
(`credit_note_issue`). Numbers come from the clinic's counter row for the series, locked in
the same transaction: a rolled-back document leaves no gap.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from needlepoint.billing.models import (
    BillingProfile,
    DocumentCounter,
    Invoice,
    Package,
    Payment,
    Quote,
)
from needlepoint.billing.selectors import (
    billing_profile,
    course_billing,
    invoice_in_scope,
    package_balance,
    package_in_scope,
    quote_in_scope,
)
from needlepoint.clinics.actors import Actor
from needlepoint.clinics.knowledge import clinic_knowledge, validation_error
from needlepoint.clinics.models import Clinic
from needlepoint.clinics.roles import Permission, Role
from needlepoint.courses.selectors import course_in_scope
from needlepoint.domain import billing
from needlepoint.domain.errors import InvalidInput
from needlepoint.safety.audit import audit_record

PROFILE_FIELDS = (
    "legal_name", "legal_address", "tax_id", "tax_label", "tax_percent", "adjunct_prices",
    "package_discount_percent", "quote_valid_days", "invoice_footer",
)  # fmt: skip


def _checked(check: Any, *args: Any) -> Any:
    """A domain check at the edge: its refusal is a validation error on the field it names."""
    try:
        return check(*args)
    except InvalidInput as error:
        raise validation_error(error) from None


def _adjunct_prices(clinic: Clinic, prices: dict[str, Any]) -> dict[str, dict[str, str]]:
    adjuncts = {rule.code for rule in clinic_knowledge(clinic).adjuncts}
    unknown = sorted(set(prices) - adjuncts)
    if unknown:
        raise ValidationError({"adjunct_prices": f"Not an adjunct: {', '.join(unknown)}."})
    cleaned = {}
    for code, price in prices.items():
        amount = Decimal(str(price["amount"]))
        if amount < 0:
            raise ValidationError({f"adjunct_prices.{code}": "A price cannot be below zero."})
        if billing.round_money(amount, clinic.currency) != amount:
            places = billing.minor_unit(clinic.currency)
            raise ValidationError(
                {f"adjunct_prices.{code}": f"{clinic.currency} prices have {places} decimals."}
            )
        tax = _checked(billing.check_percent, Decimal(str(price.get("tax_percent", 0))), code)
        cleaned[code] = {"amount": str(amount), "tax_percent": str(tax)}
    return cleaned


@transaction.atomic
def billing_profile_update(actor: Actor, **fields: Any) -> BillingProfile:
    """The clinic's legal details, tax and price list (clinic admins)."""
    actor.require(Permission.STAFF_MANAGE)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError(f"Not a billing setting: {', '.join(sorted(unknown))}.")
    profile = billing_profile(actor.clinic)
    if "adjunct_prices" in fields:
        fields["adjunct_prices"] = _adjunct_prices(actor.clinic, fields["adjunct_prices"])
    for name in ("tax_percent", "package_discount_percent"):
        if name in fields:
            _checked(billing.check_percent, Decimal(fields[name]), name)
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.full_clean(exclude=["clinic"])
    profile.save()
    audit_record(
        actor,
        "billing.settings_update",
        "clinic",
        actor.clinic.pk,
        detail={"fields": sorted(fields)},
    )
    return profile


def _price_items(profile: BillingProfile, course: Any) -> list[billing.PriceLine]:
    items = [
        billing.PriceLine(
            "session", "Microneedling session", course.sessions_planned,
            Decimal(course.price_per_session), profile.tax_percent,
        )
    ]  # fmt: skip
    knowledge = clinic_knowledge(profile.clinic)
    labels = {rule.code: rule.code.replace("_", " ") for rule in knowledge.adjuncts}
    unpriced = [code for code in course.adjuncts if code not in profile.adjunct_prices]
    if unpriced:
        raise ValidationError(
            f"Set a price for {', '.join(labels.get(c, c) for c in unpriced)} in the billing "
            "settings before quoting this course."
        )
    for code in course.adjuncts:
        price = profile.adjunct_prices[code]
        items.append(
            billing.PriceLine(
                code, labels.get(code, code).capitalize() + " (per session)",
                course.sessions_planned, Decimal(price["amount"]), Decimal(price["tax_percent"]),
            )
        )  # fmt: skip
    return items


def _line_json(line: billing.Line) -> dict[str, Any]:
    return {
        "code": line.code, "description": line.description, "quantity": line.quantity,
        "unit_price": str(line.unit_price), "tax_percent": str(line.tax_percent),
        "gross": str(line.gross), "discount": str(line.discount), "net": str(line.net),
        "tax": str(line.tax), "total": str(line.total),
    }  # fmt: skip


def quote_digest(quote: Quote) -> str:
    """SHA-256 of what a quote shows: the version the patient accepts is named by it."""
    content = {
        "course": quote.course_id, "version": quote.version, "currency": quote.currency,
        "sessions": quote.sessions, "discount_percent": str(quote.discount_percent),
        "lines": quote.lines, "total": str(quote.total), "tax": str(quote.tax),
        "valid_until": quote.valid_until.isoformat(),
    }  # fmt: skip
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


@transaction.atomic
def quote_create(
    actor: Actor,
    course_id: object,
    *,
    discount_percent: Decimal | None = None,
    valid_days: int | None = None,
) -> Quote:
    """Quote a course: its sessions at the course's price, each adjunct at the clinic's price
    for every session, less the package discount, plus tax. An earlier open quote of the
    course is withdrawn; a course whose quote was accepted is not quoted again."""
    course = course_in_scope(actor, course_id, Permission.BILLING_RECORD)
    current = course_billing(course)
    if current.package is not None:
        raise ValidationError("This course's quote was accepted; its package is in place.")
    profile = billing_profile(actor.clinic)
    if course.currency != actor.clinic.currency:
        raise ValidationError(
            f"The course is priced in {course.currency}, the clinic bills in "
            f"{actor.clinic.currency}; plan the course again at the clinic's price."
        )
    discount = profile.package_discount_percent if discount_percent is None else discount_percent
    days = profile.quote_valid_days if valid_days is None else valid_days
    if not 1 <= days <= 365:
        raise ValidationError({"valid_days": "A quote is valid from 1 to 365 days."})
    totals = _checked(
        lambda: billing.price_lines(
            _price_items(profile, course), currency=course.currency,
            discount_percent=Decimal(discount),
        )
    )  # fmt: skip
    Quote.objects.filter(clinic=actor.clinic, course=course, status=Quote.Status.OPEN).update(
        status=Quote.Status.WITHDRAWN
    )
    quote = Quote(
        clinic=actor.clinic,
        patient=course.patient,
        course=course,
        version=max((q.version for q in current.quotes), default=0) + 1,
        currency=course.currency,
        sessions=course.sessions_planned,
        discount_percent=totals.discount_percent,
        lines=[_line_json(line) for line in totals.lines],
        gross=totals.gross,
        discount=totals.discount,
        tax=totals.tax,
        total=totals.total,
        valid_until=actor.today + timedelta(days=days),
        created_by=actor.user,
    )
    quote.digest = quote_digest(quote)
    quote.save()
    audit_record(
        actor,
        "quote.create",
        "patient",
        course.patient_id,
        detail={"course": course.pk, "quote": quote.pk, "total": str(quote.total)},
    )
    return quote


@transaction.atomic
def quote_accept(
    actor: Actor, quote_id: object, *, digest: str, ip: str | None, user_agent: str = ""
) -> Package:
    """The patient accepts the quote they were shown (named by its `digest`), before it
    expires: in the portal, or in person at the desk, where front desk or a clinic admin
    records it. Kept with who recorded it, when and from where; the package is made."""
    permission = (
        Permission.QUOTE_ACCEPT if actor.role is Role.PATIENT else Permission.BILLING_RECORD
    )
    actor.require(permission)
    quote = quote_in_scope(actor, quote_id, permission)
    quote = Quote.objects.select_for_update().get(clinic=actor.clinic, pk=quote.pk)
    if quote.status != Quote.Status.OPEN:
        raise ValidationError("This quote is no longer open: a newer one replaced it, or it "
                              "was accepted already.")  # fmt: skip
    if quote.valid_until < actor.today:
        raise ValidationError(
            f"This quote expired on {quote.valid_until:%d %b %Y}; ask the clinic for a new one."
        )
    if digest != quote.digest:
        raise ValidationError("The quote changed since it was shown; read it again to accept.")
    quote.status = Quote.Status.ACCEPTED
    quote.accepted_at = timezone.now()
    quote.accepted_by = actor.user
    quote.accepted_ip = ip or None
    quote.accepted_user_agent = user_agent[:300]
    quote.save()
    package = Package.objects.create(
        clinic=actor.clinic,
        patient_id=quote.patient_id,
        course_id=quote.course_id,
        quote=quote,
        sessions_bought=quote.sessions,
        currency=quote.currency,
        total=quote.total,
    )
    audit_record(
        actor,
        "quote.accept",
        "patient",
        quote.patient_id,
        detail={
            "quote": quote.pk,
            "digest": quote.digest,
            "package": package.pk,
            "in_person": actor.role is not Role.PATIENT,
        },
    )
    return package


def next_number(clinic: Clinic, series: str) -> int:
    """The series' next number, its counter row locked until the caller's transaction ends."""
    counter, _ = DocumentCounter.objects.select_for_update().get_or_create(
        clinic=clinic, series=series
    )
    number = counter.next_number
    counter.next_number = number + 1
    counter.save(update_fields=["next_number"])
    return number


def _locked_package(actor: Actor, package_id: object) -> Package:
    package = package_in_scope(actor, package_id, Permission.BILLING_RECORD)
    return (
        Package.objects.select_for_update()
        .select_related("patient", "course")
        .get(clinic=actor.clinic, pk=package.pk)
    )


def _reference(method: str, reference: str) -> str:
    reference = reference.strip()
    if method not in Payment.Method.values:
        raise ValidationError({"method": f"Choose from: {', '.join(Payment.Method.values)}."})
    if method != Payment.Method.CASH and not reference:
        raise ValidationError(
            {"reference": "Give the terminal slip's or the bank transfer's reference."}
        )
    if billing.looks_like_card_number(reference):
        raise ValidationError(
            {"reference": "That looks like a card number: card data is never stored. Give the "
             "terminal slip's transaction reference instead."}
        )  # fmt: skip
    return reference


def _money_row(
    actor: Actor, package: Package, kind: str, method: str, amount: Decimal,
    reference: str, note: str, received_at: datetime | None,
) -> Payment:  # fmt: skip
    payment = Payment.objects.create(
        clinic=actor.clinic,
        patient=package.patient,
        package=package,
        kind=kind,
        method=method,
        amount=amount,
        currency=package.currency,
        reference=reference,
        note=note.strip(),
        receipt_number=next_number(actor.clinic, DocumentCounter.Series.RECEIPT),
        received_at=received_at or timezone.now(),
        recorded_by=actor.user,
    )
    audit_record(
        actor,
        f"{kind}.record",
        "patient",
        package.patient_id,
        detail={
            "package": package.pk,
            "payment": payment.pk,
            "amount": str(amount),
            "method": method,
        },
    )
    return payment


@transaction.atomic
def payment_record(
    actor: Actor,
    package_id: object,
    *,
    amount: Decimal,
    method: str,
    reference: str = "",
    kind: str = Payment.Kind.PAYMENT,
    note: str = "",
    received_at: datetime | None = None,
) -> Payment:
    """A deposit or payment towards a package: never more than is still due."""
    package = _locked_package(actor, package_id)
    if kind not in (Payment.Kind.DEPOSIT, Payment.Kind.PAYMENT):
        raise ValidationError({"kind": "Record a deposit or a payment (refunds: refund_record)."})
    reference = _reference(method, reference)
    _checked(billing.check_payment, Decimal(amount), package_balance(package))
    return _money_row(actor, package, kind, method, Decimal(amount), reference, note, received_at)


@transaction.atomic
def refund_record(
    actor: Actor,
    package_id: object,
    *,
    amount: Decimal,
    method: str,
    reference: str = "",
    note: str,
    received_at: datetime | None = None,
) -> Payment:
    """Money paid back on a package, with why: never more than was paid and not refunded."""
    package = _locked_package(actor, package_id)
    if not note.strip():
        raise ValidationError({"note": "Say why the money is refunded."})
    reference = _reference(method, reference)
    _checked(billing.check_refund, Decimal(amount), package_balance(package))
    return _money_row(
        actor, package, Payment.Kind.REFUND, method, Decimal(amount), reference, note, received_at
    )


def seller_details(clinic: Clinic) -> dict[str, str]:
    """The clinic as its documents name it: its legal name (else its name) and address."""
    profile = billing_profile(clinic)
    return {
        "legal_name": profile.legal_name or clinic.name,
        "address": profile.legal_address or clinic.address,
        "tax_id": profile.tax_id, "tax_label": profile.tax_label, "phone": clinic.phone,
        "email": clinic.email, "footer": profile.invoice_footer,
    }  # fmt: skip


def _invoice_seller(clinic: Clinic) -> dict[str, str]:
    """An invoice needs the clinic's legal name and address, entered for the purpose."""
    if not billing_profile(clinic).legal_name.strip() or not seller_details(clinic)["address"]:
        raise ValidationError(
            "Fill in the clinic's legal name and address in the billing settings before "
            "issuing an invoice."
        )
    return seller_details(clinic)


def _buyer(package: Package) -> dict[str, str]:
    patient = package.patient
    return {
        "name": f"{patient.given_name} {patient.family_name}",
        "record_number": patient.record_number,
        "address": patient.address,
    }


@transaction.atomic
def invoice_issue(actor: Actor, package_id: object) -> Invoice:
    """The package's invoice: the accepted quote's lines and totals, numbered in the clinic's
    invoice series. A package has one invoice at a time; a credit note cancels it first."""
    package = _locked_package(actor, package_id)
    issued = Invoice.objects.filter(clinic=actor.clinic, package=package)
    credited = issued.filter(kind=Invoice.Kind.CREDIT_NOTE).values("credits_id")
    if issued.filter(kind=Invoice.Kind.INVOICE).exclude(pk__in=credited).exists():
        raise ValidationError(
            "This package has an invoice; issue a credit note for it before invoicing again."
        )
    quote = package.quote
    invoice = Invoice.objects.create(
        clinic=actor.clinic, patient=package.patient, package=package,
        kind=Invoice.Kind.INVOICE,
        number=next_number(actor.clinic, DocumentCounter.Series.INVOICE),
        currency=package.currency, lines=quote.lines, gross=quote.gross,
        discount=quote.discount, tax=quote.tax, total=quote.total,
        seller=_invoice_seller(actor.clinic), buyer=_buyer(package),
        issued_at=timezone.now(), issued_by=actor.user,
    )  # fmt: skip
    audit_record(
        actor,
        "invoice.issue",
        "patient",
        package.patient_id,
        detail={"invoice": invoice.pk, "number": invoice.number, "total": str(invoice.total)},
    )
    return invoice


def _negated(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    amounts = ("gross", "discount", "net", "tax", "total")
    return [{**line, **{k: str(-Decimal(line[k])) for k in amounts}} for line in lines]


@transaction.atomic
def credit_note_issue(actor: Actor, invoice_id: object, *, reason: str) -> Invoice:
    """Cancel an invoice in full by a credit note (its lines and totals negated), numbered in
    the clinic's credit-note series; the invoice itself never changes."""
    invoice = invoice_in_scope(actor, invoice_id, Permission.BILLING_RECORD)
    package = _locked_package(actor, invoice.package_id)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the invoice is cancelled."})
    if invoice.kind != Invoice.Kind.INVOICE:
        raise ValidationError("A credit note cancels an invoice, not another credit note.")
    if Invoice.objects.filter(clinic=actor.clinic, credits=invoice).exists():
        raise ValidationError("This invoice has been cancelled by a credit note already.")
    note = Invoice.objects.create(
        clinic=actor.clinic, patient=package.patient, package=package,
        kind=Invoice.Kind.CREDIT_NOTE, credits=invoice, reason=reason.strip(),
        number=next_number(actor.clinic, DocumentCounter.Series.CREDIT_NOTE),
        currency=invoice.currency, lines=_negated(invoice.lines), gross=-invoice.gross,
        discount=-invoice.discount, tax=-invoice.tax, total=-invoice.total,
        seller=_invoice_seller(actor.clinic), buyer=invoice.buyer,
        issued_at=timezone.now(), issued_by=actor.user,
    )  # fmt: skip
    audit_record(
        actor,
        "credit_note.issue",
        "patient",
        package.patient_id,
        detail={"invoice": invoice.pk, "credit_note": note.pk, "number": note.number},
    )
    return note

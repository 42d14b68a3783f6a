"""Invoices, credit notes and receipts as PDFs: the clinic's legal details as they were when
the document was issued, the patient, the lines and totals, clinic-local times. Staff who
read billing, or the patient for their own documents; each download is audited."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.template import Context

from needlepoint.billing.models import Invoice, Payment
from needlepoint.billing.selectors import access_invoice, access_receipt, document_number
from needlepoint.billing.services import seller_details
from needlepoint.clinics.actors import Actor
from needlepoint.domain.billing import format_money
from needlepoint.reports.handouts import ENGINE, render_pdf

AMOUNTS = ("unit_price", "gross", "discount", "net", "tax", "total")


def _moment(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local.day} {local:%b %Y, %H:%M}"


def _money(amount: Any, currency: str) -> str:
    return format_money(Decimal(amount), currency)


def invoice_html(invoice: Invoice) -> str:
    clinic, currency = invoice.clinic, invoice.currency
    series = "credit_note" if invoice.kind == Invoice.Kind.CREDIT_NOTE else "invoice"
    context = {
        "title": invoice.get_kind_display(),
        "number": document_number(clinic, series, invoice.number),
        "credits": document_number(clinic, "invoice", invoice.credits.number)
        if invoice.credits
        else "",
        "issued": _moment(invoice.issued_at, ZoneInfo(clinic.time_zone)),
        "seller": invoice.seller,
        "buyer": invoice.buyer,
        "lines": [
            {**line, **{k: _money(line[k], currency) for k in AMOUNTS}} for line in invoice.lines
        ],
        "totals": {k: _money(getattr(invoice, k), currency) for k in AMOUNTS[1:] if k != "net"},
        "reason": invoice.reason,
        "currency": currency,
        "zone": clinic.time_zone,
    }
    return ENGINE.get_template("reports/billing_document.html").render(Context(context))


def receipt_html(payment: Payment, course: str) -> str:
    clinic = payment.clinic
    zone = ZoneInfo(clinic.time_zone)
    patient = payment.patient
    context = {
        "title": "Refund receipt" if payment.kind == Payment.Kind.REFUND else "Receipt",
        "number": document_number(clinic, "receipt", payment.receipt_number),
        "issued": _moment(payment.recorded_at, zone),
        "seller": seller_details(clinic),
        "buyer": {
            "name": f"{patient.given_name} {patient.family_name}",
            "record_number": patient.record_number,
            "address": patient.address,
        },
        "payment": {
            "kind": payment.get_kind_display(),
            "amount": _money(payment.amount, payment.currency),
            "method": payment.get_method_display().lower(),
            "reference": payment.reference,
            "received": _moment(payment.received_at, zone),
            "note": payment.note,
            "course": course,
        },
        "currency": payment.currency,
        "zone": clinic.time_zone,
    }
    return ENGINE.get_template("reports/billing_document.html").render(Context(context))


def access_invoice_pdf(actor: Actor, invoice_id: object) -> tuple[str, bytes]:
    """An invoice or credit note as (file name, PDF)."""
    invoice = access_invoice(actor, invoice_id)
    series = "credit_note" if invoice.kind == Invoice.Kind.CREDIT_NOTE else "invoice"
    name = document_number(invoice.clinic, series, invoice.number)
    return f"{name}.pdf", render_pdf(invoice_html(invoice))


def access_receipt_pdf(actor: Actor, payment_id: object) -> tuple[str, bytes]:
    """A payment's or refund's receipt as (file name, PDF)."""
    payment = access_receipt(actor, payment_id)
    package = payment.package
    course = f"Package of {package.sessions_bought} sessions (course {package.course_id})."
    name = document_number(payment.clinic, "receipt", payment.receipt_number)
    return f"{name}.pdf", render_pdf(receipt_html(payment, course))

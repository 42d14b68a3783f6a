"""Billing pages: the clinic's price list, a patient's quotes, packages, payments and invoices
(front desk and clinic admins record, practitioners read), the portal's own billing page where
a patient accepts a quote, and the invoice and receipt PDFs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from needlepoint.billing import selectors, services
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.roles import Permission, allows
from needlepoint.courses.selectors import course_in_scope
from needlepoint.reports.billing_documents import access_invoice_pdf, access_receipt_pdf
from needlepoint.web.forms.billing import (
    BillingSettingsForm,
    CreditNoteForm,
    PaymentForm,
    QuoteForm,
    RefundForm,
)
from needlepoint.web.forms.shared import submit
from needlepoint.web.views.access import Actor, client_ip, with_actor


@with_actor(Permission.STAFF_MANAGE)
def billing_settings(request: HttpRequest, actor: Actor) -> HttpResponse:
    profile = selectors.billing_profile(actor.clinic)
    form = BillingSettingsForm(
        clinic_knowledge(actor.clinic), request.POST or None, instance=profile
    )
    if request.method == "POST":
        saved = submit(form, lambda **_: services.billing_profile_update(actor, **form.settings()))
        if saved is not None:
            messages.success(request, "Billing settings saved.")
            return redirect("billing-settings")
    return render(request, "billing/settings.html", {"form": form})


def _patient_page(
    request: HttpRequest,
    actor: Actor,
    patient_id: object,
    refused: forms.Form | None = None,
) -> HttpResponse:
    """The patient's billing page, a course at a time with its forms; a `refused` form is shown
    in its place with its errors and what was entered."""
    billing = selectors.access_patient_billing(actor, patient_id)

    def form(kind: type[forms.Form], prefix: str) -> forms.Form:
        return refused if refused is not None and refused.prefix == prefix else kind(prefix=prefix)

    rows = []
    for course in billing.courses:
        row: dict[str, Any] = {"billing": course}
        row["quote_form"] = form(QuoteForm, f"quote-{course.course.pk}")
        if course.package:
            pk = course.package.package.pk
            row["payment_form"] = form(PaymentForm, f"payment-{pk}")
            row["refund_form"] = form(RefundForm, f"refund-{pk}")
            live = course.package.live_invoice
            if live:
                row["credit_form"] = form(CreditNoteForm, f"credit-{live.pk}")
            row["invoice_form"] = form(forms.Form, f"invoice-{pk}")
        elif course.open_quote:
            row["accept_form"] = form(forms.Form, f"accept-{course.open_quote.pk}")
        rows.append(row)
    context = {
        "billing": billing,
        "patient": billing.patient,
        "rows": rows,
        "may_record": allows(actor.role, Permission.BILLING_RECORD),
    }
    return render(request, "billing/patient.html", context, status=422 if refused else 200)


@with_actor(Permission.BILLING_READ)
def patient_billing(request: HttpRequest, actor: Actor, patient_id: str) -> HttpResponse:
    return _patient_page(request, actor, patient_id)


def _act(
    request: HttpRequest,
    actor: Actor,
    patient_id: object,
    form: forms.Form,
    service: Callable[..., Any],
    done: str,
) -> HttpResponse:
    """Run a billing service on a posted form; back to the patient's page, with the form's
    errors when refused."""
    if submit(form, service) is None:
        return _patient_page(request, actor, patient_id, form)
    messages.success(request, done)
    return redirect("patient-billing", patient_id=patient_id)


@require_POST
@with_actor(Permission.BILLING_RECORD)
def quote_create(request: HttpRequest, actor: Actor, course_id: int) -> HttpResponse:
    course = course_in_scope(actor, course_id, Permission.BILLING_RECORD)
    form = QuoteForm(request.POST, prefix=f"quote-{course_id}")
    return _act(
        request, actor, course.patient_id, form,
        lambda **data: services.quote_create(actor, course_id, **data),
        "Quote made: the patient can accept it in the portal.",
    )  # fmt: skip


def _package(actor: Actor, package_id: int) -> Any:
    return selectors.package_in_scope(actor, package_id, Permission.BILLING_RECORD)


@require_POST
@with_actor(Permission.BILLING_RECORD)
def payment_record(request: HttpRequest, actor: Actor, package_id: int) -> HttpResponse:
    package = _package(actor, package_id)
    form = PaymentForm(request.POST, prefix=f"payment-{package_id}")
    return _act(
        request, actor, package.patient_id, form,
        lambda **data: services.payment_record(actor, package_id, **data), "Payment recorded.",
    )  # fmt: skip


@require_POST
@with_actor(Permission.BILLING_RECORD)
def refund_record(request: HttpRequest, actor: Actor, package_id: int) -> HttpResponse:
    package = _package(actor, package_id)
    form = RefundForm(request.POST, prefix=f"refund-{package_id}")
    return _act(
        request, actor, package.patient_id, form,
        lambda **data: services.refund_record(actor, package_id, **data), "Refund recorded.",
    )  # fmt: skip


@require_POST
@with_actor(Permission.BILLING_RECORD)
def invoice_issue(request: HttpRequest, actor: Actor, package_id: int) -> HttpResponse:
    package = _package(actor, package_id)
    form = forms.Form(request.POST, prefix=f"invoice-{package_id}")
    return _act(
        request, actor, package.patient_id, form,
        lambda: services.invoice_issue(actor, package_id), "Invoice issued.",
    )  # fmt: skip


@require_POST
@with_actor(Permission.BILLING_RECORD)
def credit_note_issue(request: HttpRequest, actor: Actor, invoice_id: int) -> HttpResponse:
    invoice = selectors.invoice_in_scope(actor, invoice_id, Permission.BILLING_RECORD)
    form = CreditNoteForm(request.POST, prefix=f"credit-{invoice_id}")
    return _act(
        request, actor, invoice.patient_id, form,
        lambda **data: services.credit_note_issue(actor, invoice_id, **data),
        "Credit note issued: the invoice is cancelled.",
    )  # fmt: skip


@require_POST
@with_actor(Permission.BILLING_RECORD)
def quote_accept_in_person(request: HttpRequest, actor: Actor, quote_id: int) -> HttpResponse:
    quote = selectors.quote_in_scope(actor, quote_id, Permission.BILLING_RECORD)
    form = forms.Form(request.POST, prefix=f"accept-{quote_id}")
    return _act(
        request, actor, quote.patient_id, form,
        lambda: services.quote_accept(
            actor, quote_id, digest=request.POST.get("digest", ""), ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        ),
        "Acceptance recorded: the package is set up.",
    )  # fmt: skip


def _pdf(name: str, pdf: bytes) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@with_actor(Permission.BILLING_READ)
def invoice_pdf(request: HttpRequest, actor: Actor, invoice_id: int) -> HttpResponse:
    return _pdf(*access_invoice_pdf(actor, invoice_id))


@with_actor(Permission.BILLING_READ)
def receipt_pdf(request: HttpRequest, actor: Actor, payment_id: int) -> HttpResponse:
    return _pdf(*access_receipt_pdf(actor, payment_id))


@with_actor(patients=True)
def portal_billing(request: HttpRequest, actor: Actor) -> HttpResponse:
    billing = selectors.access_patient_billing(actor, actor.patient_id)
    return render(request, "billing/portal.html", {"billing": billing, "patient": billing.patient})


@require_POST
@with_actor(Permission.QUOTE_ACCEPT, patients=True)
def portal_quote_accept(request: HttpRequest, actor: Actor, quote_id: int) -> HttpResponse:
    form = forms.Form(request.POST)
    package = submit(
        form,
        lambda: services.quote_accept(
            actor, quote_id, digest=request.POST.get("digest", ""), ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        ),
    )  # fmt: skip
    if package is None:
        for error in form.non_field_errors():
            messages.error(request, str(error))
    else:
        messages.success(request, "Thank you: the quote is accepted and your package is set up.")
    return redirect("portal-billing")


@with_actor(patients=True)
def portal_invoice_pdf(request: HttpRequest, actor: Actor, invoice_id: int) -> HttpResponse:
    return _pdf(*access_invoice_pdf(actor, invoice_id))


@with_actor(patients=True)
def portal_receipt_pdf(request: HttpRequest, actor: Actor, payment_id: int) -> HttpResponse:
    return _pdf(*access_receipt_pdf(actor, payment_id))

"""Reads of a clinic's money: scoped to the actor's clinic (a patient to their own rows) and
audited as reads of the patient they concern."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from needlepoint.billing.models import BillingProfile, Invoice, Package, Payment, Quote
from needlepoint.clinics.actors import Actor
from needlepoint.clinics.models import Clinic
from needlepoint.clinics.records import record_in_scope
from needlepoint.clinics.roles import Permission
from needlepoint.courses.models import Course, Session
from needlepoint.courses.selectors import course_in_scope
from needlepoint.domain.billing import Balance, Usage, balance
from needlepoint.patients.models import Patient
from needlepoint.patients.selectors import patient_in_scope
from needlepoint.safety.audit import audit_read

SERIES_PREFIX = {"invoice": "INV", "credit_note": "CN", "receipt": "RC"}


def document_number(clinic: Clinic, series: str, number: int) -> str:
    """How a document's number is printed: the clinic's prefix, the series and the number."""
    return f"{clinic.record_prefix}-{SERIES_PREFIX[series]}-{number:06d}"


def billing_profile(clinic: Clinic) -> BillingProfile:
    """The clinic's billing profile (its defaults until an admin saves one)."""
    found = BillingProfile.objects.filter(clinic=clinic).first()
    return found or BillingProfile(clinic=clinic)


def quote_in_scope(actor: Actor, quote_id: object, permission: Permission) -> Quote:
    return record_in_scope(
        actor, Quote.objects.select_related("course", "patient"), quote_id, permission=permission
    )


def package_in_scope(actor: Actor, package_id: object, permission: Permission) -> Package:
    return record_in_scope(
        actor,
        Package.objects.select_related("course", "patient", "quote"),
        package_id,
        permission=permission,
    )


def invoice_in_scope(actor: Actor, invoice_id: object, permission: Permission) -> Invoice:
    return record_in_scope(
        actor,
        Invoice.objects.select_related("patient", "credits"),
        invoice_id,
        permission=permission,
    )


def payment_in_scope(actor: Actor, payment_id: object, permission: Permission) -> Payment:
    return record_in_scope(
        actor, Payment.objects.select_related("patient", "package"), payment_id,
        permission=permission,
    )  # fmt: skip


def sessions_used(package: Package) -> Usage:
    """The package's sessions: those bought, and the course's signed sessions."""
    used = Session.objects.filter(
        clinic_id=package.clinic_id, course_id=package.course_id, status=Session.Status.SIGNED
    ).count()
    return Usage(package.sessions_bought, used)


def package_balance(package: Package) -> Balance:
    amounts = Payment.objects.filter(clinic_id=package.clinic_id, package=package)
    paid: list[Decimal] = []
    refunded: list[Decimal] = []
    for kind, amount in amounts.values_list("kind", "amount"):
        (refunded if kind == Payment.Kind.REFUND else paid).append(amount)
    return balance(package.total, paid, refunded, package.currency)


@dataclass(frozen=True)
class PackageSummary:
    package: Package
    usage: Usage
    balance: Balance
    payments: list[Payment]
    invoices: list[Invoice]

    @property
    def live_invoice(self) -> Invoice | None:
        """The package's invoice no credit note has cancelled."""
        credited = {i.credits_id for i in self.invoices if i.credits_id}
        live = [i for i in self.invoices if i.kind == "invoice" and i.pk not in credited]
        return live[-1] if live else None


def _summary(package: Package) -> PackageSummary:
    mine = {"clinic_id": package.clinic_id, "package": package}
    return PackageSummary(
        package,
        sessions_used(package),
        package_balance(package),
        list(Payment.objects.filter(**mine).select_related("recorded_by")),
        list(Invoice.objects.filter(**mine)),
    )


@dataclass(frozen=True)
class CourseBilling:
    course: Course
    quotes: list[Quote]
    package: PackageSummary | None

    @property
    def open_quote(self) -> Quote | None:
        return next((q for q in self.quotes if q.status == Quote.Status.OPEN), None)


def course_billing(course: Course) -> CourseBilling:
    quotes = list(Quote.objects.filter(clinic_id=course.clinic_id, course=course))
    package = Package.objects.filter(clinic_id=course.clinic_id, course=course).first()
    return CourseBilling(course, quotes, _summary(package) if package else None)


def access_course_billing(actor: Actor, course_id: object) -> CourseBilling:
    """A course's quotes and package (its usage, balance, payments and invoices)."""
    course = course_in_scope(actor, course_id, actor.record_permission(Permission.BILLING_READ))
    audit_read(actor, "billing.course", "patient", course.patient_id, detail={"course": course.pk})
    return course_billing(course)


@dataclass(frozen=True)
class PatientBilling:
    patient: Patient
    courses: list[CourseBilling]

    @property
    def due(self) -> dict[str, Decimal]:
        """What the patient owes over their packages, per currency."""
        owed: dict[str, Decimal] = {}
        for course in self.courses:
            if course.package:
                current = course.package.balance
                owed[current.currency] = owed.get(current.currency, Decimal(0)) + current.due
        return owed


def access_patient_billing(actor: Actor, patient_id: object) -> PatientBilling:
    """A patient's courses with their quotes and packages, the latest course first."""
    patient = patient_in_scope(actor, patient_id, actor.record_permission(Permission.BILLING_READ))
    courses = Course.objects.filter(clinic_id=patient.clinic_id, patient=patient).order_by(
        "-created_at", "-pk"
    )
    audit_read(actor, "billing.patient", "patient", patient.pk)
    return PatientBilling(patient, [course_billing(course) for course in courses])


def access_invoice(actor: Actor, invoice_id: object) -> Invoice:
    invoice = invoice_in_scope(actor, invoice_id, actor.record_permission(Permission.BILLING_READ))
    audit_read(actor, "invoice.read", "patient", invoice.patient_id, detail={"invoice": invoice.pk})
    return invoice


def access_receipt(actor: Actor, payment_id: object) -> Payment:
    payment = payment_in_scope(actor, payment_id, actor.record_permission(Permission.BILLING_READ))
    audit_read(actor, "receipt.read", "patient", payment.patient_id, detail={"payment": payment.pk})
    return payment


@dataclass(frozen=True)
class CourseTerms:
    """What a treatment consent is given for: the course and its price, as quoted."""

    course: Course
    quote: Quote | None  # the accepted quote, else the open one

    @property
    def total(self) -> Decimal:
        """The quote's total, or sessions x price before one is made."""
        if self.quote is not None:
            return Decimal(self.quote.total)
        return Decimal(self.course.sessions_planned * self.course.price_per_session)

    def as_signed(self) -> dict[str, object]:
        """What a signed consent keeps of them: the course, its price and the quote."""
        course, quote = self.course, self.quote
        return {
            "course": course.pk,
            "sessions_planned": course.sessions_planned,
            "interval_weeks": course.interval_weeks,
            "zones": {zone: planned.get("depth_mm") for zone, planned in course.zones.items()},
            "adjuncts": list(course.adjuncts),
            "price_per_session": str(course.price_per_session),
            "currency": course.currency,
            "total": str(self.total),
            "quote": None if quote is None else {"id": quote.pk, "version": quote.version,
                                                 "status": quote.status},
        }  # fmt: skip

    @property
    def digest(self) -> str:
        """Names the terms shown, so a signature is refused if they changed meanwhile."""
        shown = json.dumps(self.as_signed(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(shown.encode()).hexdigest()


def access_course_terms(actor: Actor, patient_id: object) -> CourseTerms | None:
    """The patient's latest course still planned or in progress, with its quote; None when
    there is none."""
    patient = patient_in_scope(actor, patient_id, actor.record_permission(Permission.BILLING_READ))
    course = (
        Course.objects.filter(
            clinic_id=patient.clinic_id,
            patient=patient,
            status__in=[Course.Status.PLANNED, Course.Status.ACTIVE],
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if course is None:
        return None
    quotes = Quote.objects.filter(clinic_id=course.clinic_id, course=course)
    quote = (
        quotes.filter(status=Quote.Status.ACCEPTED).first()
        or quotes.filter(status=Quote.Status.OPEN).first()
    )
    audit_read(actor, "course.terms", "patient", patient.pk, detail={"course": course.pk})
    return CourseTerms(course, quote)

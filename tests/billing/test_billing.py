"""Quotes, acceptance, packages, payments, refunds, invoices and credit notes: the money of a
course, scoped to its clinic and patient and audited."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from needlepoint.billing import selectors, services
from needlepoint.billing.models import Invoice, Quote
from needlepoint.clinics.records import OutOfScope
from needlepoint.courses.models import Session
from needlepoint.records.services import patient_erase
from needlepoint.safety.models import AuditEvent
from tests.billing.conftest import plan_course
from tests.conftest import as_actor
from tests.factories import PatientFactory, UserFactory


def test_a_quote_prices_sessions_and_adjuncts_less_the_discount_plus_tax(quote, clinic):
    session, subcision = quote.lines
    assert (session["quantity"], session["gross"], session["discount"]) == (4, "1400.00", "140.00")
    # 1260 x 8.88% = 111.888: rounded once, at the line
    assert session["tax"] == "111.89"
    assert (subcision["code"], subcision["net"], subcision["tax"]) == (
        "subcision",
        "432.00",
        "0.00",
    )
    assert quote.total == Decimal("1803.89")
    assert quote.valid_until == as_actor(quote.created_by.staff).today + timedelta(days=30)
    assert len(quote.digest) == 64


def test_a_new_quote_replaces_the_open_one_and_an_unpriced_adjunct_is_named(
    front_desk, admin, course, quote
):
    newer = services.quote_create(as_actor(front_desk), course.pk, discount_percent=Decimal(0))
    quote.refresh_from_db()
    assert (quote.status, newer.version, newer.total) == (
        Quote.Status.WITHDRAWN,
        2,
        Decimal("2004.32"),
    )
    services.billing_profile_update(as_actor(admin), adjunct_prices={})
    with pytest.raises(ValidationError, match="Set a price for subcision"):
        services.quote_create(as_actor(front_desk), course.pk)


def test_the_patient_accepts_the_version_shown_and_the_package_is_made(
    portal_patient, quote, front_desk
):
    patient = as_actor(portal_patient)
    with pytest.raises(ValidationError, match="changed since it was shown"):
        services.quote_accept(patient, quote.pk, digest="0" * 64, ip=None)
    with pytest.raises(PermissionDenied):
        services.quote_accept(
            as_actor(quote.course.planned_by), quote.pk, digest=quote.digest, ip=None
        )
    package = services.quote_accept(
        patient, quote.pk, digest=quote.digest, ip="203.0.113.9", user_agent="Firefox"
    )
    quote.refresh_from_db()
    assert (quote.status, quote.accepted_by, quote.accepted_ip) == (
        Quote.Status.ACCEPTED, portal_patient.user, "203.0.113.9",
    )  # fmt: skip
    assert (package.sessions_bought, package.total) == (4, Decimal("1803.89"))
    with pytest.raises(ValidationError, match="no longer open"):
        services.quote_accept(patient, quote.pk, digest=quote.digest, ip=None)
    with pytest.raises(ValidationError, match="accepted"):
        services.quote_create(as_actor(front_desk), quote.course_id)
    event = AuditEvent.objects.filter(action="quote.accept").get()
    assert event.detail["digest"] == quote.digest


def test_front_desk_records_an_acceptance_given_in_person(front_desk, quote):
    package = services.quote_accept(
        as_actor(front_desk), quote.pk, digest=quote.digest, ip="192.0.2.10"
    )
    quote.refresh_from_db()
    assert (quote.accepted_by, package.sessions_bought) == (front_desk.user, 4)
    assert AuditEvent.objects.get(action="quote.accept").detail["in_person"] is True


def test_an_expired_quote_cannot_be_accepted(portal_patient, quote):
    Quote.objects.filter(pk=quote.pk).update(valid_until=quote.valid_until - timedelta(days=31))
    with pytest.raises(ValidationError, match="expired"):
        services.quote_accept(as_actor(portal_patient), quote.pk, digest=quote.digest, ip=None)


def test_payments_refunds_balance_and_receipts(front_desk, package):
    desk = as_actor(front_desk)
    deposit = services.payment_record(
        desk, package.pk, kind="deposit", amount=Decimal(500), method="cash"
    )
    card = services.payment_record(
        desk, package.pk, amount=Decimal("1000.00"), method="card", reference="AUTH 482913"
    )
    with pytest.raises(ValidationError, match=r"303.89 USD still due"):
        services.payment_record(desk, package.pk, amount=Decimal(400), method="cash")
    with pytest.raises(ValidationError, match="card number"):
        services.payment_record(
            desk, package.pk, amount=Decimal(1), method="card", reference="4111 1111 1111 1111"
        )
    with pytest.raises(ValidationError, match="reference"):
        services.payment_record(desk, package.pk, amount=Decimal(1), method="bank_transfer")
    with pytest.raises(ValidationError, match="decimal places"):
        services.payment_record(desk, package.pk, amount=Decimal("1.005"), method="cash")
    services.refund_record(desk, package.pk, amount=Decimal(200), method="cash", note="Goodwill")
    with pytest.raises(ValidationError, match=r"1,300\.00 USD paid and not refunded"):
        services.refund_record(desk, package.pk, amount=Decimal(1301), method="cash", note="x")
    current = selectors.package_balance(package)
    assert (current.paid, current.refunded, current.due) == (
        Decimal(1500), Decimal(200), Decimal("503.89"),
    )  # fmt: skip
    assert (deposit.receipt_number, card.receipt_number) == (1, 2)
    assert AuditEvent.objects.filter(action__in=["deposit.record", "payment.record"]).count() == 2


def test_sessions_used_are_the_course_signed_sessions(package, course):
    Session.objects.filter(course=course, number__in=[1, 2]).update(status="signed")
    usage = selectors.sessions_used(package)
    assert (usage.bought, usage.used, usage.remaining) == (4, 2, 2)


def test_an_invoice_is_numbered_immutable_and_cancelled_by_a_credit_note(
    front_desk, admin, package
):
    desk = as_actor(front_desk)
    first = services.invoice_issue(desk, package.pk)
    assert (first.number, first.total, first.seller["legal_name"]) == (
        1, Decimal("1803.89"), "Demo Skin Clinic LLC",
    )  # fmt: skip
    with pytest.raises(ValidationError, match="has an invoice"):
        services.invoice_issue(desk, package.pk)
    with pytest.raises(ValueError, match="never changes"):
        first.save()
    note = services.credit_note_issue(desk, first.pk, reason="Wrong address")
    assert (note.kind, note.number, note.total, note.lines[0]["total"]) == (
        "credit_note", 1, Decimal("-1803.89"), "-1371.89",
    )  # fmt: skip
    with pytest.raises(ValidationError, match="already"):
        services.credit_note_issue(desk, first.pk, reason="again")
    again = services.invoice_issue(desk, package.pk)
    assert again.number == 2
    assert Invoice.objects.filter(kind="invoice").count() == 2
    assert selectors.course_billing(package.course).package.live_invoice == again


def test_invoicing_needs_the_clinic_legal_details(admin, front_desk, package):
    services.billing_profile_update(as_actor(admin), legal_name="")
    with pytest.raises(ValidationError, match="legal name"):
        services.invoice_issue(as_actor(front_desk), package.pk)


def test_a_clinic_sees_only_its_own_money_and_a_patient_only_theirs(
    package, other_practitioner, practitioner, clinic
):
    with pytest.raises(OutOfScope):
        selectors.access_course_billing(as_actor(other_practitioner), package.course_id)
    with pytest.raises(PermissionDenied):
        services.payment_record(
            as_actor(practitioner), package.pk, amount=Decimal(1), method="cash"
        )
    stranger = PatientFactory(clinic=clinic, user=UserFactory())
    with pytest.raises(OutOfScope):
        selectors.access_course_billing(as_actor(stranger), package.course_id)
    seen = selectors.access_course_billing(as_actor(practitioner), package.course_id)
    assert seen.package.package == package
    assert AuditEvent.objects.filter(action="billing.course").exists()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_two_people_invoicing_at_once_get_consecutive_numbers(
    front_desk, admin, practitioner, clinic, course
):
    """Each thread opens its own connection; the counter row serialises them."""
    services.billing_profile_update(
        as_actor(admin), legal_name="Clinic LLC", legal_address="1 Road",
        adjunct_prices={"subcision": {"amount": "100", "tax_percent": "0"}},
    )  # fmt: skip
    packages = []
    for patient in [
        course.patient,
        *(PatientFactory(clinic=clinic, user=UserFactory()) for _ in range(3)),
    ]:
        planned = course if patient == course.patient else plan_course(practitioner, patient)
        quote = services.quote_create(as_actor(front_desk), planned.pk)
        packages.append(
            services.quote_accept(as_actor(patient), quote.pk, digest=quote.digest, ip=None)
        )
    barrier, numbers, errors = threading.Barrier(len(packages)), [], []

    def issue(package_id: int) -> None:
        try:
            barrier.wait()
            numbers.append(services.invoice_issue(as_actor(front_desk), package_id).number)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(p.pk,)) for p in packages]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == [1, 2, 3, 4]
    assert connection.vendor == "postgresql"


def test_erasing_a_record_created_in_error_takes_its_money_rows(admin, front_desk, package):
    invoice = services.invoice_issue(as_actor(front_desk), package.pk)
    services.credit_note_issue(as_actor(front_desk), invoice.pk, reason="Created in error")
    services.payment_record(as_actor(front_desk), package.pk, amount=Decimal(10), method="cash")
    patient_erase(as_actor(admin), package.patient_id, "Duplicate record", created_in_error=True)
    assert not Invoice.objects.exists()
    assert not Quote.objects.exists()


def test_a_patient_records_no_money_on_their_own_package(portal_patient, package):
    patient = as_actor(portal_patient)
    with pytest.raises(PermissionDenied):
        services.payment_record(patient, package.pk, amount=Decimal(1), method="cash")
    with pytest.raises(PermissionDenied):
        services.invoice_issue(patient, package.pk)
    assert selectors.access_course_billing(patient, package.course_id).package is not None

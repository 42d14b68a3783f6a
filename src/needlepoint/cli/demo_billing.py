"""The demo clinic's billing: its legal details, tax and adjunct prices, and the money of a few
demo courses (Maya accepted her quote in the portal, paid a deposit and was invoiced; Daniel
accepted his at the desk and paid a deposit; Aisha's quote waits). Made once: seeding again
changes nothing."""

from __future__ import annotations

from decimal import Decimal

from needlepoint.accounts.models import User
from needlepoint.billing import services
from needlepoint.billing.models import BillingProfile, Quote
from needlepoint.cli.demo_people import demo_patient
from needlepoint.clinics.actors import Actor, actor_for
from needlepoint.clinics.models import Clinic

FRONT_DESK = "frontdesk@demo.needlepoint.test"
ADMIN = "admin@demo.needlepoint.test"
PROFILE = {
    "legal_name": "Demo Clinic Dermatology PLLC",
    "legal_address": "200 Park Avenue South, Suite 1100\nNew York, NY 10003",
    "tax_id": "EIN 12-3456789",
    "tax_label": "Sales tax",
    "tax_percent": Decimal("8.875"),
    "package_discount_percent": Decimal(10),
    "quote_valid_days": 30,
    "invoice_footer": "Payable within 14 days. Bank transfer: Demo Bank, account 000123456.",
    "adjunct_prices": {
        code: {"amount": amount, "tax_percent": "8.875"}
        for code, amount in (
            ("subcision", "150.00"),
            ("tca_cross", "120.00"),
            ("prp", "250.00"),
            ("vascular_laser", "300.00"),
            ("chemical_peel", "120.00"),
        )
    },
}


def _actor(email: str) -> Actor:
    actor = actor_for(User.objects.get(email=email))
    assert actor is not None
    return actor


def seed_billing(clinic: Clinic) -> None:
    if not BillingProfile.objects.filter(clinic=clinic).exists():
        services.billing_profile_update(_actor(ADMIN), **PROFILE)
    desk = _actor(FRONT_DESK)
    for given, accepted_by in (("Maya", "portal"), ("Daniel", "desk"), ("Aisha", "")):
        patient = demo_patient(clinic, given)
        course = patient.courses.first() if patient else None
        if course is None or Quote.objects.filter(clinic=clinic, course=course).exists():
            continue
        assert patient is not None
        quote = services.quote_create(desk, course.pk)
        if not accepted_by:
            continue
        accepting = actor_for(patient.user) if accepted_by == "portal" and patient.user else desk
        assert accepting is not None
        package = services.quote_accept(accepting, quote.pk, digest=quote.digest, ip=None)
        services.payment_record(
            desk, package.pk, kind="deposit", amount=Decimal(500), method="card",
            reference="TERMINAL 0042 AUTH 318842",
        )  # fmt: skip
        if accepted_by == "portal":
            services.invoice_issue(desk, package.pk)

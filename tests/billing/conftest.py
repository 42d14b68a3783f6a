"""A portal patient's course with the clinic's billing set up, built through the services."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from needlepoint.billing import services
from needlepoint.clinics.models import Staff
from needlepoint.courses.models import Course
from needlepoint.courses.services import assessment_record, course_create
from needlepoint.intakes.answers import intake_from_json
from needlepoint.intakes.services import intake_record
from needlepoint.patients.models import Patient
from tests.clinical_data import CLEAR, counts
from tests.conftest import as_actor


@pytest.fixture
def billing_set_up(admin):  # type: ignore[no-untyped-def]
    return services.billing_profile_update(
        as_actor(admin),
        legal_name="Demo Skin Clinic LLC",
        legal_address="12 Main Street\nNew York, NY 10001",
        tax_id="EIN 12-3456789",
        tax_label="Sales tax",
        tax_percent=Decimal("8.88"),
        adjunct_prices={"subcision": {"amount": "120.00", "tax_percent": "0"}},
        package_discount_percent=Decimal("10"),
        invoice_footer="Payable within 14 days.",
    )


def plan_course(practitioner: Staff, patient: Patient) -> Course:
    """A screened, assessed patient's course of four sessions with subcision."""
    actor = as_actor(practitioner)
    intake_record(actor, patient.pk, intake_from_json(actor, CLEAR))
    assessment = assessment_record(actor, patient.pk, counts(3), scar_types=["boxcar", "rolling"])
    return course_create(
        actor,
        assessment.pk,
        sessions_planned=4,
        interval_weeks=6,
        zones={"left_cheek": {"depth_mm": 1.5}, "right_cheek": {"depth_mm": 1.5}},
        adjuncts=["subcision"],
        price_per_session=Decimal(350),
        first_session_at=datetime.now(ZoneInfo("America/New_York")) + timedelta(days=1),
    )


@pytest.fixture
def course(practitioner, portal_patient):  # type: ignore[no-untyped-def]
    return plan_course(practitioner, portal_patient)


@pytest.fixture
def quote(front_desk, course, billing_set_up):  # type: ignore[no-untyped-def]
    return services.quote_create(as_actor(front_desk), course.pk)


@pytest.fixture
def package(portal_patient, quote):  # type: ignore[no-untyped-def]
    return services.quote_accept(
        as_actor(portal_patient), quote.pk, digest=quote.digest, ip="203.0.113.9"
    )

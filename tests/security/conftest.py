"""The records both sides of the authorisation matrix read: one clinic's of each kind."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from needlepoint.billing import services as billing
from needlepoint.checkins.services import checkin_submit
from needlepoint.courses.models import Assessment
from needlepoint.intakes.answers import intake_from_json
from needlepoint.intakes.models import Screening
from needlepoint.patients.consultations import consultation_request
from needlepoint.photos.services import photo_upload
from needlepoint.records.self_booking import selectors as booking_selectors
from needlepoint.records.self_booking import services as booking_services
from tests.clinical_data import reported, treated_session
from tests.conftest import as_actor
from tests.intake_answers import CLEAR
from tests.photos.helpers import close_up, photo_consent


@pytest.fixture
def world(admin: Any, practitioner: Any, front_desk: Any, portal_patient: Any,
          other_practitioner: Any, other_patient: Any,
          portal_calendar: Any) -> dict[str, Any]:  # fmt: skip
    """One clinic's records of each kind, and another clinic's patient and session."""
    actor = as_actor(practitioner)
    session = treated_session(actor, portal_patient.pk)
    appointment = _appointment(portal_patient, session.course.sessions.get(number=2))
    consent = photo_consent(admin, portal_patient)
    photo = photo_upload(actor, close_up(), "cheek.jpg", session_id=session.pk, keep_anyway=True)
    checkin = checkin_submit(as_actor(portal_patient), reported({"bleeding": True}))
    other_session = treated_session(as_actor(other_practitioner), other_patient.pk)
    money = _money(admin, front_desk, portal_patient, session.course_id)
    ids = {
        "patient_id": portal_patient.pk,
        "session_id": session.pk,
        "course_id": session.course_id,
        "lot_id": session.cartridge_lot_id,
        "consent_id": consent.pk,
        "template_id": consent.template_id,
        "screening_id": Screening.objects.filter(intake__patient=portal_patient).first().pk,
        "assessment_id": Assessment.objects.get(patient=portal_patient).pk,
        "checkin_id": checkin.pk,
        "appointment_id": appointment.pk,
        "alert_id": checkin.alert.pk,
        "photo_id": photo.pk,
        "staff_id": front_desk.pk,
        "kind": consent.template.kind,
        "timepoint": "pre_session",
        "session_number": 2,
        "slug": portal_patient.clinic.slug,
        "practitioner_id": appointment.practitioner_id,
        "type_id": appointment.type_id,
        "room_id": appointment.room_id,
        "request_id": consultation_request(
            portal_patient.clinic,
            client="matrix",
            preferred_date=date.today() + timedelta(days=7),
            given_name="New",
            family_name="Prospect",
            date_of_birth=date(1990, 1, 1),
            email="prospect@example.test",
        ).pk,
    }
    ids |= money
    return {"ids": ids, "other_session": other_session, "other_patient": other_patient}


def _money(admin: Any, front_desk: Any, patient: Any, course_id: int) -> dict[str, Any]:
    """The course quoted, accepted by the patient, part paid and invoiced."""
    prices = {code: {"amount": "100.00"} for code in ("subcision", "tca_cross", "prp")}
    prices |= {code: {"amount": "100.00"} for code in ("vascular_laser", "chemical_peel")}
    billing.billing_profile_update(
        as_actor(admin), legal_name="Demo Clinic LLC", legal_address="1 Main St",
        adjunct_prices=prices,
    )  # fmt: skip
    desk = as_actor(front_desk)
    quote = billing.quote_create(desk, course_id)
    package = billing.quote_accept(as_actor(patient), quote.pk, digest=quote.digest, ip=None)
    payment = billing.payment_record(desk, package.pk, amount=Decimal(100), method="cash")
    invoice = billing.invoice_issue(desk, package.pk)
    return {
        "quote_id": quote.pk, "package_id": package.pk, "payment_id": payment.pk,
        "invoice_id": invoice.pk,
    }  # fmt: skip


def _appointment(patient: Any, session: Any) -> Any:
    """The patient's next session, booked in the portal at the first time offered."""
    actor = as_actor(patient)
    start = min(booking_selectors.access_offer(actor, session_id=session.pk).slots)
    answers = intake_from_json(actor, CLEAR)
    return booking_services.self_book(actor, session.pk, start, answers).appointment

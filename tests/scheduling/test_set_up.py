"""Rooms and appointment types taken out of use: offered for no new booking, kept by the
appointments booked with them, and put back in use; clinic admins only."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from needlepoint.clinics.models import Staff
from needlepoint.scheduling import selectors, services
from needlepoint.scheduling.models import Appointment
from tests.conftest import as_actor, signed_in
from tests.factories import UserFactory
from tests.scheduling.conftest import MONDAY, at


def _book(actor, calendar, practitioner, patient, room):  # type: ignore[no-untyped-def]
    return services.appointment_book(
        actor,
        patient_id=patient.pk,
        type_id=calendar["consultation"].pk,
        practitioner_id=practitioner.pk,
        room_id=room.pk,
        starts_at=at(MONDAY, 10),
    ).appointment


def test_a_room_out_of_use_is_not_offered_and_its_bookings_stay(
    calendar, admin, front_desk, practitioner, patient
):
    room = calendar["room"]
    booked = _book(as_actor(front_desk), calendar, practitioner, patient, room)
    response = signed_in(admin).post(f"/calendar/settings/rooms/{room.pk}/in-use/", {"active": "0"})
    assert response.status_code == 302
    actor = as_actor(admin)
    assert room not in selectors.rooms(actor)
    assert room in selectors.rooms(actor, retired=True)
    assert Appointment.objects.get(pk=booked.pk).room == room
    settings_page = signed_in(admin).get("/calendar/settings/").content.decode()
    assert "Put back in use" in settings_page
    services.in_use_set(actor, "room", room.pk, active=True)
    assert room in selectors.rooms(actor)


def test_a_type_out_of_use_is_not_offered(calendar, admin):
    actor = as_actor(admin)
    consultation = calendar["consultation"]
    services.in_use_set(actor, "type", consultation.pk, active=False)
    assert consultation not in selectors.appointment_types(actor)


def test_only_clinic_admins_of_the_clinic_change_the_set_up(
    calendar, front_desk, other_practitioner
):
    with pytest.raises(PermissionDenied):
        services.in_use_set(as_actor(front_desk), "room", calendar["room"].pk, active=False)
    room = calendar["room"]
    assert (
        signed_in(front_desk).post(f"/calendar/settings/rooms/{room.pk}/in-use/").status_code == 403
    )
    room.refresh_from_db()
    assert room.active


def test_another_clinics_room_is_refused(calendar, other_clinic):
    other_admin = Staff.objects.create(
        user=UserFactory(email="admin@other.test"), clinic=other_clinic, role="clinic_admin"
    )
    with pytest.raises(ValidationError):
        services.in_use_set(as_actor(other_admin), "room", calendar["room"].pk, active=False)
    calendar["room"].refresh_from_db()
    assert calendar["room"].active

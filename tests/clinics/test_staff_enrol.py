"""A clinic admin adds a member with a password; an enrolment without one makes an account
that cannot sign in; an e-mail address is one account's."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from needlepoint.clinics.services import staff_create, staff_enrol
from needlepoint.safety.models import AuditEvent
from tests.conftest import as_actor
from tests.factories import StaffFactory


def test_a_member_added_by_an_admin_signs_in_with_their_password_and_is_audited(db: Any) -> None:
    admin = as_actor(StaffFactory(role="clinic_admin"))
    member = staff_create(
        admin,
        email=" New.Nurse@Example.test ",
        full_name="New Nurse",
        role="front_desk",
        password="a-long-pass-phrase-1",
    )
    assert member.user.email == "new.nurse@example.test"
    assert member.user.check_password("a-long-pass-phrase-1")
    event = AuditEvent.objects.get(action="staff.create")
    assert event.detail == {"email": "new.nurse@example.test", "role": "front_desk"}


def test_an_enrolment_without_a_password_cannot_sign_in_and_an_address_is_one_account(
    db: Any,
) -> None:
    other = StaffFactory()
    member = staff_enrol(
        other.clinic, email="moved@example.test", full_name="M", role="front_desk", password=None
    )
    assert not member.user.has_usable_password()
    with pytest.raises(ValidationError, match="already exists"):
        staff_enrol(
            other.clinic, email=other.user.email, full_name="Twin", role="front_desk", password=None
        )

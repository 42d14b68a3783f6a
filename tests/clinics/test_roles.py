"""Roles: what a clinic admin, a practitioner, front desk and a patient may do."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from needlepoint.clinics import services
from needlepoint.clinics.models import Staff
from needlepoint.clinics.roles import GRANTS, Permission, Role, allows
from tests.conftest import as_actor, signed_in
from tests.factories import PASSWORD


def test_only_clinic_admins_manage_staff_and_read_the_audit_log():
    for role in Role:
        expected = role is Role.CLINIC_ADMIN
        assert allows(role, Permission.STAFF_MANAGE) is expected
        assert allows(role, Permission.AUDIT_READ) is expected


def test_patients_read_their_record_and_report_on_themselves_only():
    assert GRANTS[Role.PATIENT] == {
        Permission.PATIENT_READ,
        Permission.INTAKE_RECORD,
        Permission.CONSENT_RECORD,
        Permission.CHECKIN_SUBMIT,
        Permission.QUOTE_ACCEPT,
        Permission.APPOINTMENT_SELF_BOOK,  # their own, in the portal
    }


def test_clinical_decisions_and_charting_are_for_practitioners_only():
    for permission in (
        Permission.SCREENING_DECIDE,
        Permission.SESSION_CHART,
        Permission.ALERT_MANAGE,
    ):
        assert [role for role in Role if allows(role, permission)] == [Role.PRACTITIONER]


def test_front_desk_sees_no_clinical_records():
    assert not allows(Role.FRONT_DESK, Permission.CLINICAL_READ)


@pytest.mark.parametrize("url", ["/staff/", "/staff/new/", "/audit/"])
@pytest.mark.parametrize("member", ["practitioner", "front_desk"])
def test_admin_pages_are_forbidden_to_other_roles(request, url, member):
    assert signed_in(request.getfixturevalue(member)).get(url).status_code == 403


def test_admin_adds_a_practitioner_who_can_then_sign_in(admin, client):
    response = signed_in(admin).post(
        "/staff/new/",
        {
            "email": "New.Doc@Example.test",
            "full_name": "New Doc",
            "role": "practitioner",
            "profession": "Dermatologist",
            "licence_number": "MD-99",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 302
    member = Staff.objects.get(user__email="new.doc@example.test")
    assert (member.clinic, member.role, member.licence_number) == (
        admin.clinic,
        "practitioner",
        "MD-99",
    )
    login = client.post(
        "/accounts/login/", {"username": "new.doc@example.test", "password": PASSWORD}
    )
    assert login.status_code == 302


def test_practitioner_needs_a_licence_number(admin):
    response = signed_in(admin).post(
        "/staff/new/",
        {"email": "x@example.test", "full_name": "X", "role": "practitioner", "password": PASSWORD},
    )
    assert response.status_code == 200
    assert "A practitioner needs a licence number." in response.content.decode()
    assert not Staff.objects.filter(user__email="x@example.test").exists()


def test_duplicate_email_is_refused_next_to_the_field(admin, practitioner):
    response = signed_in(admin).post(
        "/staff/new/",
        {
            "email": practitioner.user.email,
            "full_name": "Dup",
            "role": "front_desk",
            "password": PASSWORD,
        },
    )
    assert "already exists" in response.content.decode()


def test_admin_cannot_edit_another_clinics_staff(admin, other_practitioner):
    assert signed_in(admin).get(f"/staff/{other_practitioner.pk}/edit/").status_code == 404


def test_admin_deactivates_a_member_who_then_loses_access(admin, front_desk):
    services.staff_update(
        as_actor(admin),
        front_desk.pk,
        is_active=False,
        full_name=front_desk.user.full_name,
        role="front_desk",
        profession="",
        licence_number="",
    )
    front_desk.user.refresh_from_db()
    assert front_desk.user.is_active is False


def test_admin_cannot_deactivate_themselves(admin):
    with pytest.raises(ValidationError):
        services.staff_update(
            as_actor(admin),
            admin.pk,
            is_active=False,
            role="clinic_admin",
            full_name="A",
            profession="",
            licence_number="",
        )

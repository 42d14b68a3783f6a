"""Two-factor services: enrolment confirmed by a code, sign-in codes used once, recovery codes,
the admin's reset, and what a session owes before it reaches patient data; all audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from needlepoint.clinics.two_factor import (
    RECOVERY_CODE_COUNT,
    enrolment_device,
    has_two_factor,
    recovery_codes_renew,
    two_factor_enrol,
    two_factor_reset,
    two_factor_step,
    two_factor_verify,
)
from needlepoint.safety.models import AuditEvent
from tests.conftest import as_actor
from tests.two_factor import app_code, enrol


def _actions(member) -> list[str]:  # type: ignore[no-untyped-def]
    return list(
        AuditEvent.objects.filter(object_type="staff", object_id=str(member.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def _wrong(device: TOTPDevice) -> str:
    return f"{(int(app_code(device)) + 1) % 1_000_000:06d}"


def test_enrolment_is_active_only_once_a_code_confirms_it(practitioner, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the right code straight after a wrong one
    actor = as_actor(practitioner)
    device = enrolment_device(actor)
    assert enrolment_device(actor) == device  # the page shows the same key until confirmed
    with pytest.raises(ValidationError):
        two_factor_enrol(actor, _wrong(device))
    assert not has_two_factor(practitioner.user)
    confirmed, codes = two_factor_enrol(actor, app_code(device))
    assert confirmed.pk == device.pk
    assert has_two_factor(practitioner.user)
    assert len(set(codes)) == RECOVERY_CODE_COUNT
    assert _actions(practitioner) == ["security.two_factor_failed", "staff.two_factor_enrol"]
    with pytest.raises(ValidationError):
        two_factor_enrol(actor, app_code(device, 1))  # a second enrolment needs a reset


def test_a_sign_in_code_works_once(practitioner):
    device, _ = enrol(practitioner)
    actor, code = as_actor(practitioner), app_code(device)
    assert two_factor_verify(actor, code) == device
    with pytest.raises(ValidationError):
        two_factor_verify(actor, code)
    assert _actions(practitioner)[-2:] == ["staff.two_factor_verify", "security.two_factor_failed"]


def test_after_a_wrong_code_even_the_right_one_waits(practitioner):
    device, _ = enrol(practitioner)
    actor = as_actor(practitioner)
    with pytest.raises(ValidationError):
        two_factor_verify(actor, _wrong(device))
    with pytest.raises(ValidationError):
        two_factor_verify(actor, app_code(device))  # django-otp's throttle: a second, doubling
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    assert two_factor_verify(actor, app_code(device)) == device


def test_a_recovery_code_works_once_and_the_event_counts_those_left(practitioner):
    _, codes = enrol(practitioner)
    actor = as_actor(practitioner)
    used = two_factor_verify(actor, f" {codes[0].upper()} ")
    assert isinstance(used, StaticDevice)
    with pytest.raises(ValidationError):
        two_factor_verify(actor, codes[0])
    event = AuditEvent.objects.filter(action="staff.two_factor_verify").get()
    assert event.detail == {"with": "recovery_code", "recovery_codes_left": RECOVERY_CODE_COUNT - 1}


def test_new_recovery_codes_replace_the_old(practitioner, settings):
    settings.OTP_STATIC_THROTTLE_FACTOR = 0  # a right code straight after a wrong one
    _, old = enrol(practitioner)
    actor = as_actor(practitioner)
    new = recovery_codes_renew(actor)
    with pytest.raises(ValidationError):
        two_factor_verify(actor, old[0])
    assert isinstance(two_factor_verify(actor, new[0]), StaticDevice)
    assert "staff.recovery_codes_renew" in _actions(practitioner)


def test_codes_are_refused_without_a_confirmed_device(practitioner):
    actor = as_actor(practitioner)
    device = enrolment_device(actor)
    with pytest.raises(ValidationError):
        two_factor_verify(actor, app_code(device))
    with pytest.raises(ValidationError):
        recovery_codes_renew(actor)


def test_a_clinic_admin_resets_a_members_two_factor_in_their_clinic_only(
    admin, practitioner, front_desk, other_practitioner
):
    enrol(practitioner)
    with pytest.raises(PermissionDenied):
        two_factor_reset(as_actor(front_desk), practitioner.pk)
    with pytest.raises(Http404):
        two_factor_reset(as_actor(admin), other_practitioner.pk)
    two_factor_reset(as_actor(admin), practitioner.pk)
    assert not TOTPDevice.objects.filter(user=practitioner.user).exists()
    assert not StaticDevice.objects.filter(user=practitioner.user).exists()
    event = AuditEvent.objects.get(action="staff.two_factor_reset")
    assert (event.actor_email, event.object_id) == (admin.user.email, str(practitioner.pk))
    assert event.detail["had_app"] is True


def test_what_a_session_owes(practitioner, portal_patient):
    clinic, actor = practitioner.clinic, as_actor(practitioner)
    assert two_factor_step(actor, verified=False) is None
    clinic.require_two_factor = True
    clinic.save()
    actor = as_actor(practitioner)
    assert two_factor_step(actor, verified=False) == "enrol"
    assert two_factor_step(as_actor(portal_patient), verified=False) is None  # staff only
    enrol(practitioner)
    clinic.require_two_factor = False
    clinic.save()
    actor = as_actor(practitioner)
    assert two_factor_step(actor, verified=False) == "verify"  # enrolled: always a code
    assert two_factor_step(actor, verified=True) is None

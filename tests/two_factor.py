"""Two-factor helpers for tests: the code an authenticator app would show, an enrolled member."""

from __future__ import annotations

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from needlepoint.clinics.models import Staff
from needlepoint.clinics.two_factor import enrolment_device, two_factor_enrol
from tests.conftest import as_actor


def app_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The app's code now (or `steps_ahead` periods on, which the device's tolerance accepts:
    a code is used once, so a second code within one period must be the next one)."""
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{value:0{device.digits}d}"


def enrol(member: Staff) -> tuple[TOTPDevice, list[str]]:
    """Turn on two-factor for `member`; the device accepts a fresh code afterwards."""
    actor = as_actor(member)
    device, codes = two_factor_enrol(actor, app_code(enrolment_device(actor)))
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    return device, codes

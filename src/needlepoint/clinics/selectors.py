"""Reads of clinic data, always scoped to the actor's clinic."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.models import Staff
from needlepoint.clinics.records import OutOfScope
from needlepoint.clinics.roles import Permission


def staff_list(actor: Actor) -> QuerySet[Staff]:
    """The clinic's staff, each with `two_factor`: whether they have an authenticator app."""
    actor.require(Permission.STAFF_MANAGE)
    app = TOTPDevice.objects.filter(user=OuterRef("user"), confirmed=True)
    return (
        Staff.objects.filter(clinic=actor.clinic)
        .select_related("user")
        .annotate(two_factor=Exists(app))
    )


def staff_member(actor: Actor, staff_id: int) -> Staff:
    member = staff_list(actor).filter(pk=staff_id).first()
    if member is None:
        raise OutOfScope("staff member", staff_id, object_type="staff")
    return member

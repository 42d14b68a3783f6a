"""Reads of clinic data, always scoped to the actor's clinic."""

from __future__ import annotations

from django.db.models import QuerySet

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.models import Staff
from needlepoint.clinics.records import OutOfScope
from needlepoint.clinics.roles import Permission


def staff_list(actor: Actor) -> QuerySet[Staff]:
    actor.require(Permission.STAFF_MANAGE)
    return Staff.objects.filter(clinic=actor.clinic).select_related("user")


def staff_member(actor: Actor, staff_id: int) -> Staff:
    member = staff_list(actor).filter(pk=staff_id).first()
    if member is None:
        raise OutOfScope("staff member", staff_id, object_type="staff")
    return member

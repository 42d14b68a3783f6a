"""A change to a staff member or a clinic marks the cached users of its API tokens stale."""

from __future__ import annotations

from needlepoint.accounts.tokens import forget_token_users
from needlepoint.clinics.models import Clinic, Staff


def forget_member_tokens(sender: type, instance: Staff, **_: object) -> None:
    forget_token_users([instance.user_id])


def forget_clinic_tokens(
    sender: type, instance: Clinic, created: bool = False, **_: object
) -> None:
    if not created:
        forget_token_users(instance.staff.values_list("user_id", flat=True))

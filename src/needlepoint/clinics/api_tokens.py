"""Staff members' personal API tokens, created and revoked with an audit event; the CLI (an
operator on the host, no actor) and the member's own token page both come through here."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from needlepoint.accounts.models import ApiToken
from needlepoint.accounts.tokens import token_create, token_revoke
from needlepoint.clinics.actors import Actor
from needlepoint.clinics.models import Staff
from needlepoint.safety.audit import audit_record


def api_token_list(member: Staff) -> QuerySet[ApiToken]:
    return member.user.api_tokens.all()


@transaction.atomic
def api_token_create(member: Staff, label: str = "", *, by: Actor | None) -> tuple[ApiToken, str]:
    """A new token for `member`; the raw value is returned once."""
    created, raw = token_create(member.user, label)
    audit_record(
        by,
        "token.create",
        "api_token",
        created.pk,
        clinic_id=member.clinic_id,
        detail={"email": member.user.email, "prefix": created.prefix},
    )
    return created, raw


@transaction.atomic
def api_token_revoke(member: Staff, prefix: str | None = None, *, by: Actor | None) -> int:
    """Revoke the member's active tokens (all, or the one starting with `prefix`); how many."""
    count = token_revoke(member.user, prefix)
    if count:
        audit_record(
            by,
            "token.revoke",
            "api_token",
            "",
            clinic_id=member.clinic_id,
            detail={"email": member.user.email, "prefix": prefix or "*", "count": count},
        )
    return count

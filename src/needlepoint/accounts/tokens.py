"""Creating, checking and revoking personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from needlepoint.accounts.models import ApiToken, User

TOKEN_PREFIX = "np_"  # noqa: S105 - a marker, not a secret
# How fresh a token's last use is kept: at most one write a minute per token, not one a request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_create(user: User, label: str = "") -> tuple[ApiToken, str]:
    """A new token for `user`; the raw value is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, label=label, prefix=raw[:10], digest=_digest(raw))
    return token, raw


def token_user(raw: str, related: Sequence[str] = ()) -> User | None:
    """The active user behind a raw token, or None when it is unknown or revoked; `related`
    names the user's relations to load with it."""
    token = (
        ApiToken.objects.select_related(*("user", *(f"user__{name}" for name in related)))
        .filter(digest=_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def token_revoke(user: User, prefix: str | None = None) -> int:
    """Revoke the user's active tokens (all, or those starting with `prefix`); returns how many."""
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    if prefix:
        tokens = tokens.filter(prefix__startswith=prefix[:10])
    return tokens.update(revoked_at=timezone.now())

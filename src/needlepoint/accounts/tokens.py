"""Creating, checking and revoking personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from needlepoint.accounts.models import ApiToken, User

TOKEN_PREFIX = "np_"  # noqa: S105 - a marker, not a secret
# How fresh a token's last use is kept: at most one write a minute per token, not one a request.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# A token's user (with the relations asked for) is kept in the cache this long, so a request
# with a known token reads no row. A change to the token, the user, their staff membership or
# clinic marks the token's entry stale instead (for as long), and a stale entry is read from
# the database and never cached: a reader that read the old rows just before the change
# cannot put them back (`cache.add` does not replace the mark).
CACHED_FOR = LAST_USED_RESOLUTION
_STALE = "stale"


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_create(user: User, label: str = "") -> tuple[ApiToken, str]:
    """A new token for `user`; the raw value is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, label=label, prefix=raw[:10], digest=_digest(raw))
    return token, raw


def _cache_key(digest: str) -> str:
    return f"token-user:{digest}"


def token_user(raw: str, related: Sequence[str] = ()) -> User | None:
    """The active user behind a raw token, or None when it is unknown or revoked; `related`
    names the user's relations to load with it (kept with it in the cache)."""
    digest = _digest(raw)
    key = _cache_key(digest)
    cached = cache.get(key)
    if isinstance(cached, User):
        return cached
    token = (
        ApiToken.objects.select_related(*("user", *(f"user__{name}" for name in related)))
        .defer("user__password")
        .filter(digest=digest, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    if cached is None:
        cache.add(key, token.user, CACHED_FOR.total_seconds())
    return token.user


def forget_token_users(user_ids: Iterable[int]) -> None:
    """Mark the users' tokens stale in the cache, at once and again when the caller's
    transaction commits (a mark older than a long transaction may have expired by then)."""
    digests = ApiToken.objects.filter(user_id__in=list(user_ids)).values_list("digest", flat=True)
    stale = dict.fromkeys(map(_cache_key, digests), _STALE)
    if stale:
        cache.set_many(stale, CACHED_FOR.total_seconds())
        transaction.on_commit(lambda: cache.set_many(stale, CACHED_FOR.total_seconds()))


@transaction.atomic
def token_revoke(user: User, prefix: str | None = None) -> int:
    """Revoke the user's active tokens (all, or those starting with `prefix`); returns how many."""
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    if prefix:
        tokens = tokens.filter(prefix__startswith=prefix[:10])
    count = tokens.update(revoked_at=timezone.now())
    forget_token_users([user.pk])
    return count


def forget_changed_user(sender: type, instance: User, created: bool = False, **_: object) -> None:
    """A user saved or deleted (deactivated, renamed, a new password): their tokens' entries
    are stale. A new user has no tokens."""
    if not created:
        forget_token_users([instance.pk])

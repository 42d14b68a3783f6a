"""Counting attempts per key in fixed windows, in Django's cache (Redis when REDIS_URL is
set, else files in the data directory), for sign-in and API rate limits."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    """At most `count` attempts per `seconds` for one key of `scope`."""

    scope: str
    count: int
    seconds: int


def throttle_hit(limit: Limit, key: str) -> int:
    """Count one attempt for `key`; 0 while within the limit, else the seconds to wait.

    Keys are hashed, so the cache holds no e-mail address, client address or token."""
    now = int(time.time())
    window = now // limit.seconds
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    name = f"throttle:{limit.scope}:{digest}:{window}"
    cache.add(name, 0, timeout=limit.seconds + 1)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=limit.seconds + 1)
        count = 1
    if count <= limit.count:
        return 0
    return (window + 1) * limit.seconds - now

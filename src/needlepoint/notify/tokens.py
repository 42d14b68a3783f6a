"""The secrets in links: calendar feed tokens and one-click unsubscribe tokens.

A feed token is an HMAC of the feed's random nonce under the server's secret key: the
database holds the nonce and the token's SHA-256 digest, never the token, yet the portal can
show the link again. Rotating SECRET_KEY ends every shown link (patients renew theirs).
"""

from __future__ import annotations

import base64
import hashlib
import secrets

from django.core import signing
from django.utils.crypto import salted_hmac

FEED_SALT = "needlepoint.notify.calendar-feed"
UNSUBSCRIBE_SALT = "needlepoint.notify.unsubscribe"


def new_nonce() -> str:
    return secrets.token_urlsafe(32)


def feed_token(nonce: str) -> str:
    digest = salted_hmac(FEED_SALT, nonce, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def unsubscribe_token(patient_id: object) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(patient_id))


def unsubscribe_patient_id(token: str) -> str | None:
    """The patient id a token was signed for, or None when it was not signed by us."""
    try:
        return signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None

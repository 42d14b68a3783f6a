"""The audit key: the secret the audit chain's HMACs are made with, kept out of the database.

It comes from `NEEDLEPOINT_AUDIT_KEY`, else from a file in the data directory created with
mode 0600 the first time the chain needs it. Whoever can write the database but not read
the key cannot rewrite the chain; a backup of the database alone does not carry the key.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

KEY_ENV = "NEEDLEPOINT_AUDIT_KEY"
KEY_FILE = "audit-key"
MIN_KEY_LENGTH = 32


class AuditKeyError(ImproperlyConfigured):
    """The audit key is missing where the chain needs it, or too weak."""


def key_path(data_dir: Path) -> Path:
    """Where the audit key file lives in a data directory (when the environment gives none)."""
    return data_dir / KEY_FILE


def key_id(key: bytes) -> str:
    """A short fingerprint naming a key without revealing it."""
    return hmac.new(key, b"needlepoint audit key id", hashlib.sha256).hexdigest()[:16]


def load_key(data_dir: Path, *, create: bool) -> bytes:
    """The key from the environment, else from the data directory's key file.

    With `create`, a missing file is made (random, mode 0600); without it a missing key is
    an error, so that a lost key is noticed instead of silently replaced.
    """
    configured = os.environ.get(KEY_ENV, "").strip()
    if configured:
        if len(configured) < MIN_KEY_LENGTH:
            raise AuditKeyError(f"{KEY_ENV} must be at least {MIN_KEY_LENGTH} characters")
        return configured.encode()
    path = key_path(data_dir)
    if not path.exists():
        if not create:
            raise AuditKeyError(
                f"the audit trail has events but its key is missing: set {KEY_ENV} "
                f"or restore the key file {path} from its backup"
            )
        _create_key_file(path)
    return path.read_text().strip().encode()


def _create_key_file(path: Path) -> None:
    """Write a fresh key next to `path`, then link it into place: two processes starting at
    once end up with the same key, and no one reads a half-written file."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_hex(32) + "\n")
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        temporary.unlink()

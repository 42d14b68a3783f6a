"""External services for tests: required under CI=true, otherwise skipped with a reason."""

from __future__ import annotations

import os
import socket

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require(available: bool, what: str) -> None:
    """Fail under CI when a needed service is missing; skip with a clear message otherwise."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required when CI=true but is not available", pytrace=False)
    pytest.skip(f"{what} is not available here (set CI=true to make this a failure)")

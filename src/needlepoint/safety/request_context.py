"""The id of the request (or command) being served, for correlating audit events and logs."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

_request_id: ContextVar[str] = ContextVar("request_id", default="")
_VALID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


def new_request_id(offered: str | None = None) -> str:
    """Use a well-formed id offered by a proxy, else a fresh one."""
    return offered if offered and _VALID.match(offered) else uuid.uuid4().hex


def set_request_id(value: str) -> None:
    _request_id.set(value)


def current_request_id() -> str:
    return _request_id.get()

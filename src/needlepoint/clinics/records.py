"""Record ids from URLs and requests: a guessed or malformed id is a 404, never an error."""

from __future__ import annotations

from django.http import Http404

MAX_KEY = 2**63 - 1  # the largest id the databases store


class OutOfScope(Http404):
    """No such record within the actor's clinic and role: answered 404 like any unknown id,
    and recorded by the shells as a refused access (a security event for the clinic)."""

    def __init__(self, what: str, key: object, *, object_type: str = "") -> None:
        super().__init__(f"No such {what}.")
        self.object_type, self.key = object_type or what, str(key)


def record_key(value: object, what: str = "record") -> int:
    try:
        key = int(str(value))
    except ValueError:
        raise Http404(f"No such {what}.") from None
    if not 0 < key <= MAX_KEY:
        raise Http404(f"No such {what}.")
    return key

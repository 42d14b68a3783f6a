"""The demo clinics (with every mapped type, see tests/interop/conftest.py) and clients of
/fhir/R4/ holding a token of one of their staff."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from needlepoint.accounts.models import User
from needlepoint.accounts.tokens import token_create
from tests.interop.conftest import Demo, demo  # noqa: F401 (the fixture)

BASE = "/fhir/R4"


class Fhir:
    """A client of /fhir/R4/ with one user's bearer token."""

    def __init__(self, email: str | None) -> None:
        headers = {}
        if email is not None:
            _, raw = token_create(User.objects.get(email=email))
            headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
        self.client = Client(**headers)

    def get(self, path: str, **headers: Any) -> Any:
        url = path if path.startswith("http") else f"{BASE}/{path}"
        return self.client.get(url, **headers)

    def read(self, path: str, status: int = 200, **headers: Any) -> dict[str, Any]:
        response = self.get(path, **headers)
        assert response.status_code == status, (path, response.status_code, response.content)
        assert response["Content-Type"].startswith("application/fhir+json")
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture
def fhir(demo: Demo) -> Callable[[str | None], Fhir]:  # noqa: F811
    """`fhir("admin")`: a client as the demo's admin; `fhir(None)` without a token."""
    emails = {
        "admin": "admin@demo.needlepoint.test",
        "practitioner": "practitioner@demo.needlepoint.test",
        "front_desk": "frontdesk@demo.needlepoint.test",
        "northside": "practitioner@northside.needlepoint.test",
        "maya": "patient@demo.needlepoint.test",  # Maya's portal account
    }
    return lambda who: Fhir(None if who is None else emails[who])

"""The demo clinics (with every mapped type, see tests/interop/conftest.py) and clients of
/fhir/R4/ holding a token of one of their staff."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from needlepoint.accounts.models import User
from needlepoint.accounts.tokens import token_create
from needlepoint.clinics.models import Staff
from needlepoint.courses.models import Course
from needlepoint.patients.models import Patient
from tests.factories import StaffFactory
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


def patients_moved_to_a_new_practitioner(demo: Demo, *given_names: str) -> Staff:  # noqa: F811
    """A second practitioner of the demo clinic, now the planner of these patients' courses."""
    staff = StaffFactory(clinic=demo.clinic, role="practitioner", licence_number="GMC-7700")
    patients = Patient.objects.filter(clinic=demo.clinic, given_name__in=given_names)
    assert patients.count() == len(given_names)
    assert Course.objects.filter(patient__in=patients).update(planned_by=staff)
    return staff

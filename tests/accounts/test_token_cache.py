"""A bearer token's user is cached, and every change that bears on it is seen at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from needlepoint.accounts.tokens import forget_token_users, token_create, token_revoke
from needlepoint.clinics import services
from needlepoint.clinics.actors import actor_for


@pytest.fixture
def raw(practitioner) -> str:  # type: ignore[no-untyped-def]
    return token_create(practitioner.user)[1]


def _get(raw: str, path: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        status = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(path).status_code
    return status, [q["sql"] for q in queries if "accounts_apitoken" in q["sql"]]


def test_a_known_token_reads_no_token_row(raw, patient):
    status, first = _get(raw, f"/api/v1/patients/{patient.pk}")
    assert status == 200
    assert first
    status, again = _get(raw, f"/api/v1/patients/{patient.pk}")
    assert status == 200
    assert again == []


def test_revoking_refuses_the_cached_token_at_once(raw, practitioner, patient):
    assert _get(raw, f"/api/v1/patients/{patient.pk}")[0] == 200
    assert token_revoke(practitioner.user) == 1
    assert _get(raw, f"/api/v1/patients/{patient.pk}")[0] == 401


def test_deactivating_the_member_refuses_the_cached_token_at_once(raw, admin, practitioner):
    assert _get(raw, "/api/v1/patients")[0] == 200
    services.staff_update(actor_for(admin.user), practitioner.pk, is_active=False)
    assert _get(raw, "/api/v1/patients")[0] == 401


def test_a_member_moved_to_another_clinic_no_longer_reads_the_first(
    raw, practitioner, patient, other_clinic
):
    assert _get(raw, f"/api/v1/patients/{patient.pk}")[0] == 200
    practitioner.clinic = other_clinic
    practitioner.save()
    assert _get(raw, f"/api/v1/patients/{patient.pk}")[0] == 404


def test_a_role_change_is_seen_at_once(raw, practitioner):
    assert _get(raw, "/api/v1/alerts")[0] == 200
    practitioner.role = "front_desk"
    practitioner.save()
    assert _get(raw, "/api/v1/alerts")[0] == 403


def test_a_stale_entry_is_read_from_the_database_and_not_cached_again(raw, practitioner):
    _get(raw, "/api/v1/patients")
    forget_token_users([practitioner.user.pk])
    # A reader that read the rows before the change cannot put them back for its TTL.
    assert _get(raw, "/api/v1/patients")[1]
    assert _get(raw, "/api/v1/patients")[1]

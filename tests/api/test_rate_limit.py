"""The API's rate limit: per token, 429 problem+json with Retry-After past it."""

from __future__ import annotations

import pytest
from django.test import Client

from needlepoint.accounts.tokens import token_create
from needlepoint.api.auth import THROTTLE


@pytest.fixture
def three_a_minute(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(THROTTLE, "num_requests", 3)
    monkeypatch.setattr(THROTTLE, "duration", 60)


def _bearer(member) -> Client:  # type: ignore[no-untyped-def]
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(member.user)[1]}")


def test_a_token_past_its_rate_gets_429_with_retry_after(practitioner, three_a_minute):
    client = _bearer(practitioner)
    assert [client.get("/api/v1/patients").status_code for _ in range(3)] == [200] * 3
    refused = client.get("/api/v1/patients")
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["status"] == 429
    assert 0 < int(refused["Retry-After"]) <= 60


def test_the_limit_is_per_token(practitioner, three_a_minute):
    busy, other = _bearer(practitioner), _bearer(practitioner)
    for _ in range(3):
        busy.get("/api/v1/patients")
    assert busy.get("/api/v1/patients").status_code == 429
    assert other.get("/api/v1/patients").status_code == 200


def test_unauthenticated_calls_are_refused_before_they_are_counted(practitioner, three_a_minute):
    for _ in range(5):
        assert Client().get("/api/v1/patients").status_code == 401
    assert _bearer(practitioner).get("/api/v1/patients").status_code == 200

"""Schemathesis against the OpenAPI document, as a practitioner of a seeded clinic: no
generated request, valid or not, gets a server error, a status its operation does not
document, or an error that is not problem JSON. Examples are bounded to keep the suite fast;
the failures of every operation are collected, so one run reports them all."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import content_type_conformance, status_code_conformance

from needlepoint.accounts.tokens import token_create
from needlepoint.config.wsgi import application
from tests.clinical_data import treated_session
from tests.conftest import as_actor

CHECKS = [schemathesis.checks.not_a_server_error, status_code_conformance, content_type_conformance]
# Derandomized: the same requests every run, so a failure reproduces and the suite never flakes.
EXAMPLES = settings(
    max_examples=2,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def connection_kept() -> Iterator[None]:
    """Requests go straight to the WSGI application, which closes the database connection as
    a request starts and ends (and with it the test's transaction on PostgreSQL); Django's test
    client keeps it open the same way."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.mark.usefixtures("connection_kept")
def test_the_api_keeps_its_documented_contract(practitioner: Any, patient: Any) -> None:
    session = treated_session(as_actor(practitioner), patient.pk)
    _, token = token_create(practitioner.user, "schemathesis")
    headers = {"Authorization": f"Bearer {token}"}
    known = {"patient_id": str(patient.pk), "session_id": session.pk}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    calls: list[str] = []
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        ids = {name: value for name, value in known.items() if f"{{{name}}}" in operation.path}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @EXAMPLES
            @given(case=operation.as_strategy(mode, path_parameters=ids or None))
            def run(case: Any) -> None:
                calls.append(case.operation.label)
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                run()
            except (AssertionError, FailureGroup) as failure:  # reported together below
                failures.append(f"{operation.label} ({mode}): {failure}")
    assert len(set(calls)) == len(list(schema.get_all_operations()))  # every operation ran
    assert failures == [], f"{len(failures)} failing of {len(calls)} requests"

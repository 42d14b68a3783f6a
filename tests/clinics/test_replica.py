"""Reports read from the replica when one is configured (`DATABASE_REPLICA_URL`), and from
the primary otherwise; their audit events, like every write, go to the primary."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext

from needlepoint.adverse_events.selectors import access_adverse_events
from needlepoint.clinics.replica import REPLICA, reporting_database
from needlepoint.safety.models import AuditEvent
from needlepoint.safety.selectors import audit_log
from tests.conftest import as_actor


@pytest.fixture
def replica() -> Iterator[None]:
    """A second database alias on the test database, as a replica would be (data committed
    by the test is what it reads)."""
    connections.settings[REPLICA] = {**connections[DEFAULT_DB_ALIAS].settings_dict}
    connections[REPLICA].connect()  # opened here: the test case admits only its own aliases
    yield
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


def test_without_a_replica_reports_read_the_primary() -> None:
    assert reporting_database() == DEFAULT_DB_ALIAS


@pytest.mark.django_db(transaction=True)
def test_reports_read_the_replica_and_audit_on_the_primary(replica: None, admin: Any) -> None:
    actor = as_actor(admin)
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
    ):
        assert access_adverse_events(actor) == []
        events = list(audit_log(actor)[:5])
    read = [q["sql"] for q in on_replica.captured_queries]
    assert any('FROM "adverse_events_adverseevent"' in sql for sql in read)
    assert any('FROM "safety_auditevent"' in sql for sql in read)
    assert not any(sql.startswith(("INSERT", "UPDATE", "DELETE")) for sql in read)
    written = [q["sql"] for q in on_primary.captured_queries]
    assert not any('FROM "adverse_events_adverseevent"' in sql for sql in written)
    assert any(sql.startswith('INSERT INTO "safety_auditevent"') for sql in written)
    assert events[0].action == "adverse_event.list"
    assert AuditEvent.objects.filter(action="adverse_event.list").count() == 1

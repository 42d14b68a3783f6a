"""Adverse events move between the apps in the migration state and their table is renamed:
a recorded event reads the same before and after, both ways."""

from __future__ import annotations

from typing import Any

from django.apps.registry import Apps
from django.db import connection
from django.utils import timezone

from needlepoint.adverse_events.models import AdverseEvent
from needlepoint.adverse_events.services import adverse_event_record
from needlepoint.clinics.actors import Actor
from tests.clinical_data import treated_session
from tests.conftest import as_actor

LATEST = ("adverse_events", "0002_adverse_event_own_table")
BEFORE = [("checkins", "0003_checkin_triage_without_level"), ("adverse_events", None)]


def _stored(apps: Apps, app: str) -> dict[str, Any]:
    return dict(apps.get_model(app, "AdverseEvent").objects.values().get())


def _record(actor: Actor, session_id: int) -> AdverseEvent:
    return adverse_event_record(
        actor,
        session_id,
        kind="bruising",
        severity="mild",
        serious=False,
        outcome="recovering",
        onset=timezone.localdate(timezone=actor.zone),
        description="Bruise under the left eye",
    )


def test_an_adverse_event_survives_the_move_and_its_reverse(migrate, practitioner, patient):
    actor = as_actor(practitioner)
    session = treated_session(actor, patient.pk)
    first = _record(actor, session.pk)
    recorded = _stored(migrate(LATEST), "adverse_events")

    before = migrate(*BEFORE)
    assert "checkins_adverseevent" in connection.introspection.table_names()
    assert _stored(before, "checkins") == recorded

    after = migrate(LATEST)
    tables = connection.introspection.table_names()
    assert "adverse_events_adverseevent" in tables
    assert "checkins_adverseevent" not in tables
    assert _stored(after, "adverse_events") == recorded
    assert _record(actor, session.pk).pk > first.pk  # the renamed table's keys carry on

"""Adverse events are recorded by a practitioner about a session, within time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from needlepoint.adverse_events.services import adverse_event_record
from tests.clinical_data import treated_session
from tests.conftest import as_actor


@pytest.fixture
def session(practitioner, patient):  # type: ignore[no-untyped-def]
    return treated_session(as_actor(practitioner), patient.pk)


def test_adverse_event_onset_cannot_be_in_the_future(practitioner, session):
    with pytest.raises(ValidationError) as error:
        adverse_event_record(
            as_actor(practitioner),
            session.pk,
            kind="bruising",
            severity="mild",
            serious=False,
            outcome="resolved",
            onset=timezone.localdate() + timedelta(days=3),
            description="x",
        )
    assert "onset" in error.value.message_dict

"""A patient who has been screened and assessed, ready for a course plan."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from needlepoint.courses import services
from needlepoint.intakes.answers import intake_from_json
from needlepoint.intakes.services import intake_record
from tests.clinical_data import CLEAR, counts
from tests.conftest import as_actor


@pytest.fixture
def screened(practitioner, patient):  # type: ignore[no-untyped-def]
    return intake_record(
        as_actor(practitioner), patient.pk, intake_from_json(as_actor(practitioner), CLEAR)
    )


@pytest.fixture
def assessment(practitioner, patient, screened):  # type: ignore[no-untyped-def]
    return services.assessment_record(
        as_actor(practitioner),
        patient.pk,
        counts(3),
        scar_types=["boxcar", "rolling"],
    )


@pytest.fixture
def first_session_at(clinic) -> datetime:  # type: ignore[no-untyped-def]
    return datetime.now(ZoneInfo(clinic.time_zone)).replace(microsecond=0) + timedelta(hours=1)


@pytest.fixture
def course(practitioner, assessment, first_session_at):  # type: ignore[no-untyped-def]
    return services.course_create(
        as_actor(practitioner),
        assessment.pk,
        sessions_planned=4,
        interval_weeks=6,
        zones={"left_cheek": {"depth_mm": 1.5}, "right_cheek": {"depth_mm": 1.5}},
        adjuncts=["subcision"],
        price_per_session=350,
        first_session_at=first_session_at,
    )

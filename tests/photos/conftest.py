"""Photos are written to a fresh directory per test; a patient with a treated session and a
photo consent for the clinical record."""

from __future__ import annotations

import pytest

from tests.clinical_data import treated_session
from tests.conftest import as_actor
from tests.photos.helpers import photo_consent


@pytest.fixture(autouse=True)
def photo_dir(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.PHOTO_DIR = tmp_path / "photos"
    return settings.PHOTO_DIR


@pytest.fixture
def session(practitioner, patient):  # type: ignore[no-untyped-def]
    return treated_session(as_actor(practitioner), patient.pk)


@pytest.fixture
def consent(admin, patient):  # type: ignore[no-untyped-def]
    return photo_consent(admin, patient)

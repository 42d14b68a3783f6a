"""Fixtures for the photo pipeline: the bundled astronaut photo (scikit-image ships it, so
nothing is downloaded) and its analysis, computed once per test session."""

from __future__ import annotations

import pytest
from bench.synthetic import astronaut
from PIL import Image

from needlepoint.imaging import Analysis, analyze
from needlepoint.imaging.landmarks import model_available


@pytest.fixture(scope="session", autouse=True)
def _landmark_model() -> None:
    # Never skip: the project's install (scripts/bootstrap) provides the model.
    assert model_available(), "the face-landmark model is missing: run scripts/bootstrap"


@pytest.fixture(scope="session")
def face() -> Image.Image:
    """The astronaut photo enlarged 4x (2048 x 2048, the face about 360 px wide)."""
    return astronaut(4)


@pytest.fixture(scope="session")
def face_analysis(face: Image.Image) -> Analysis:
    return analyze(face)

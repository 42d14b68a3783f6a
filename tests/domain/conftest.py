"""Shared fixtures for the pure domain tests (no database)."""

from __future__ import annotations

import pytest

from needlepoint.domain.knowledge import Knowledge, load_knowledge


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge()

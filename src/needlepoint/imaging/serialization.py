"""Results to JSON-ready values (what the CLI prints and the API will return)."""

from __future__ import annotations

from typing import Protocol


class _HasJson(Protocol):
    def to_json(self) -> dict[str, object]: ...


def to_json(result: _HasJson) -> dict[str, object]:
    """The JSON shape of an Analysis, Comparison, Series or QualityReport."""
    return result.to_json()

"""The typed form of analytics.toml: the minimum sample of a claim and the depth bands."""

from __future__ import annotations

from dataclasses import dataclass

from needlepoint.domain.knowledge.model.common import Confidence
from needlepoint.domain.statistics import SampleRule


@dataclass(frozen=True)
class DepthBand:
    """Depths above the previous band's `up_to_mm`, up to and including this one's."""

    code: str
    label: str
    up_to_mm: float
    sources: tuple[str, ...]
    confidence: Confidence


@dataclass(frozen=True)
class Method:
    """How an interval is computed, and the sources of the method."""

    method: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class AnalyticsRules:
    courses: SampleRule
    sessions: SampleRule
    sample_confidence: Confidence  # of the two minimum samples
    depth_bands: tuple[DepthBand, ...]
    rate_interval: Method
    mean_interval: Method

    def band_of(self, depth_mm: float | None) -> DepthBand | None:
        """The band a depth falls in; None for no depth (0) or none charted."""
        if depth_mm is None or depth_mm <= 0:
            return None
        return next((band for band in self.depth_bands if depth_mm <= band.up_to_mm), None)

    def band_range(self, code: str) -> tuple[float, float]:
        """The depths (above, up to and including) of the band `code` (KeyError if none)."""
        above = 0.0
        for band in self.depth_bands:
            if band.code == code:
                return above, band.up_to_mm
            above = band.up_to_mm
        raise KeyError(code)

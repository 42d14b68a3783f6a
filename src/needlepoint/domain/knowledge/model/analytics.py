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
    depth_bands: tuple[DepthBand, ...]
    rate_interval: Method
    mean_interval: Method

"""The typed form of zones.toml: each facial zone's depths and passes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from needlepoint.domain.knowledge.model.common import Confidence, Range


@dataclass(frozen=True)
class Zone:
    """A facial zone: the depth range proposed for each qualitative grade, the passes, the
    knowledge's maximum depth (`max_depth_mm`) and the clinic's depth limit (`depth_limit_mm`,
    by default the maximum; a plan never goes deeper than either)."""

    name: str
    label: str
    thin: bool
    depth_by_grade: Mapping[int, Range[float]]
    passes: Range[int]
    max_depth_mm: float
    depth_limit_mm: float
    sources: tuple[str, ...]
    confidence: Confidence
    note: str | None = None

    @property
    def deepest_mm(self) -> float:
        """The deepest a plan or a chart may go: the stricter of the maximum and the limit."""
        return min(self.max_depth_mm, self.depth_limit_mm)

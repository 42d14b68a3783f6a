"""The photo pipeline's figures as the API returns them (`imaging` writes them as JSON; a
zone's figures are the pipeline's own `ZoneMetrics`)."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field

from needlepoint.imaging.analysis import ZoneMetrics


class QualityCheckOut(Schema):
    passed: bool
    value: int | float | str
    limit: int | float | str
    instruction: str | None


class QualityOut(Schema):
    passed: bool
    instructions: list[str]
    checks: dict[str, QualityCheckOut]


class ImageSizeOut(Schema):
    width: int
    height: int


class HeadPoseOut(Schema):
    yaw_deg: float
    pitch_deg: float
    roll_deg: float


class AnalysisOut(Schema):
    """Without a face, `reason` says why and the figures are empty."""

    face_found: bool
    pose: str | None
    quality: QualityOut | None
    zones: dict[str, ZoneMetrics]
    image: ImageSizeOut
    reason: str | None = None
    head_pose: HeadPoseOut | None = None
    reference_zone: str | None = None
    calibrated: bool | None = None
    basis: dict[str, str] | None = Field(None, description="What each figure is")


class TransformOut(Schema):
    scale: float
    rotation_deg: float
    tx: float
    ty: float
    rms_px: float
    maps: str


class ZoneChangeOut(Schema):
    delta_L: float
    delta_a: float
    delta_b: float
    delta_ita: float
    delta_a_vs_reference: float | None
    delta_spot_count: int
    delta_spot_area_fraction: float


class PairQualityOut(Schema):
    baseline: bool | None
    followup: bool | None

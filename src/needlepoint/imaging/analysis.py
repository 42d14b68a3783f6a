"""analyze, compare, align and series: the pipeline's entry points.

analyze: decode (with ingest's checks) -> landmarks on a downscaled copy (long side 1024) ->
the face cropped from the full photo and resampled so that the face is 512 px wide (the
"face frame": metrics then mean the same at any camera resolution or distance) -> quality
gate -> per zone: CIELAB means, ITA, redness relative to the reference zone, dark spots.
Only the face crop is converted to CIELAB, never the whole frame.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image

from needlepoint.imaging.align import Similarity, estimate_similarity, warp_onto
from needlepoint.imaging.colour import (
    ColourCorrection,
    a_relative_to_reference,
    dark_spots,
    ita_degrees,
    linear_to_lab,
    srgb_to_linear,
)
from needlepoint.imaging.errors import ImageRejected, NoFaceFound, PoseMismatch
from needlepoint.imaging.ingest import DecodedPhoto, IngestedImage, IngestLimits, open_image
from needlepoint.imaging.landmarks import FaceLandmarks, HeadPose, detect_faces, head_pose
from needlepoint.imaging.quality import DEFAULT_QUALITY, QualityLimits, QualityReport, assess
from needlepoint.imaging.zones import ZONES, ZONES_BY_POSE, face_mask, zone_masks

ByteArray = npt.NDArray[np.uint8]
FloatArray = npt.NDArray[np.float64]
ImageInput = DecodedPhoto | IngestedImage | Image.Image | bytes | str | os.PathLike[str]


@dataclass(frozen=True)
class AnalysisSettings:
    """How the metrics are measured. Lengths in millimetres assume the face is
    `face_width_mm` wide between the face-edge landmarks at cheek level (an adult average);
    they set sizes relative to the face, not true sizes."""

    detect_long_side: int = 1024
    face_frame_width_px: int = 512
    face_width_mm: float = 140.0
    spot_delta_l: float = 5.0
    spot_min_diameter_mm: float = 1.0
    spot_background_radius_mm: float = 5.0
    clip_high: int = 250
    clip_low: int = 5
    reference_zone: str = "forehead"
    quality: QualityLimits = DEFAULT_QUALITY

    @property
    def px_per_mm(self) -> float:
        return self.face_frame_width_px / self.face_width_mm

    @property
    def spot_min_area_px(self) -> int:
        radius = self.spot_min_diameter_mm / 2 * self.px_per_mm
        return max(1, math.ceil(math.pi * radius**2))

    def basis(self) -> dict[str, object]:
        """What each metric is and the settings used: shown with the figures."""
        return {
            "colour_space": "CIELAB, D65 white, 2-degree observer, from sRGB",
            "L_a_b": "means over the zone's pixels, clipped pixels (any channel >= "
            f"{self.clip_high} or all <= {self.clip_low}) left out",
            "ita_deg": "arctan((L* - 50) / b*) in degrees, from the zone's mean L* and b*; "
            "ita_spread_deg: interquartile range of the per-pixel ITA",
            "a_vs_reference": f"a* of the zone relative to the {self.reference_zone} of the "
            "same photo after dividing out the lighting (channel ratios placed on a fixed "
            "skin colour): cancels brightness and colour-temperature changes",
            "spots": f"regions at least {self.spot_delta_l} L* darker than the surrounding "
            f"skin (mean within {self.spot_background_radius_mm} mm), at least "
            f"{self.spot_min_diameter_mm} mm across; spot_area_fraction: their share of the "
            "zone's pixels",
            "scale": f"face resampled to {self.face_frame_width_px} px across; mm assume a "
            f"face {self.face_width_mm} mm wide",
            "not_a_diagnosis": "figures for documentation and comparison of photos of the "
            "same patient; they are not a diagnosis or a scar grade",
        }


DEFAULT_SETTINGS = AnalysisSettings()


@dataclass(frozen=True)
class ZoneMetrics:
    L: float
    a: float
    b: float
    ita_deg: float
    ita_spread_deg: float
    a_vs_reference: float | None
    spot_count: int
    spot_area_fraction: float
    pixels: int
    excluded_pixels: int

    def to_json(self) -> dict[str, object]:
        return {
            "L": round(self.L, 2),
            "a": round(self.a, 2),
            "b": round(self.b, 2),
            "ita_deg": round(self.ita_deg, 2),
            "ita_spread_deg": round(self.ita_spread_deg, 2),
            "a_vs_reference": None
            if self.a_vs_reference is None
            else round(self.a_vs_reference, 2),
            "spot_count": self.spot_count,
            "spot_area_fraction": round(self.spot_area_fraction, 5),
            "pixels": self.pixels,
            "excluded_pixels": self.excluded_pixels,
        }


@dataclass(frozen=True)
class Analysis:
    """The measurement of one photo. When `face_found` is false, `reason` says why and the
    other fields are empty."""

    face_found: bool
    reason: str | None
    pose: str | None
    head_pose: HeadPose | None
    quality: QualityReport | None
    zones: dict[str, ZoneMetrics]
    image_size: tuple[int, int]
    reference_zone: str
    calibrated: bool
    landmarks: FaceLandmarks | None = field(default=None, repr=False)
    settings: AnalysisSettings = field(default=DEFAULT_SETTINGS, repr=False)

    def to_json(self) -> dict[str, object]:
        result: dict[str, object] = {
            "face_found": self.face_found,
            "pose": self.pose,
            "quality": None if self.quality is None else self.quality.to_json(),
            "zones": {name: metrics.to_json() for name, metrics in self.zones.items()},
            "image": {"width": self.image_size[0], "height": self.image_size[1]},
        }
        if not self.face_found:
            result["reason"] = self.reason
            return result
        assert self.head_pose is not None
        result["head_pose"] = {
            "yaw_deg": round(self.head_pose.yaw, 1),
            "pitch_deg": round(self.head_pose.pitch, 1),
            "roll_deg": round(self.head_pose.roll, 1),
        }
        result["reference_zone"] = self.reference_zone
        result["calibrated"] = self.calibrated
        result["basis"] = self.settings.basis()
        return result

    @classmethod
    def from_json(cls, data: dict[str, Any], landmarks: FaceLandmarks | None = None) -> Analysis:
        """An analysis rebuilt from `to_json()` (and the landmarks kept beside it): the
        figures, pose and landmarks, enough to compare and chart without measuring again.
        The quality report is not rebuilt."""
        head = data.get("head_pose")
        image = data.get("image") or {}
        return cls(
            face_found=bool(data.get("face_found")),
            reason=data.get("reason"),
            pose=data.get("pose") or None,
            head_pose=None
            if head is None
            else HeadPose(head["yaw_deg"], head["pitch_deg"], head["roll_deg"]),
            quality=None,
            zones={
                name: ZoneMetrics(**values)
                for name, values in (data.get("zones") or {}).items()
                if name in ZONES
            },
            image_size=(int(image.get("width", 0)), int(image.get("height", 0))),
            reference_zone=str(data.get("reference_zone") or DEFAULT_SETTINGS.reference_zone),
            calibrated=bool(data.get("calibrated")),
            landmarks=landmarks,
        )


def _decode(source: ImageInput, limits: IngestLimits | None = None) -> Image.Image:
    if isinstance(source, DecodedPhoto):
        return source.image
    if isinstance(source, Image.Image):
        return source if source.mode == "RGB" else source.convert("RGB")
    if isinstance(source, IngestedImage):
        data, name = source.content, source.internal_name
    elif isinstance(source, bytes):
        data, name = source, None
    else:
        path = Path(source)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise ImageRejected(
                f"cannot read the file ({error.strerror or error})", "unreadable"
            ) from None
        name = path.name
    return open_image(data, name, limits or IngestLimits()).image


def locate_face(
    image: Image.Image, settings: AnalysisSettings = DEFAULT_SETTINGS
) -> list[FaceLandmarks]:
    """Landmarks of the faces in a photo, found on a copy whose long side is at most
    `detect_long_side`, returned in the photo's own pixels."""
    width, height = image.size
    factor = min(1.0, settings.detect_long_side / max(width, height))
    if factor < 1.0:
        small = image.resize(
            (max(1, round(width * factor)), max(1, round(height * factor))),
            Image.Resampling.BILINEAR,
            reducing_gap=2.0,
        )
        scale_x, scale_y = width / small.width, height / small.height
    else:
        small, scale_x, scale_y = image, 1.0, 1.0
    faces = detect_faces(np.asarray(small))
    located = []
    for face in faces:
        points = face.points.copy()
        points[:, 0] *= scale_x
        points[:, 1] *= scale_y
        points[:, 2] *= scale_x
        located.append(FaceLandmarks(points, (width, height)))
    return located


def _face_frame(
    image: Image.Image, landmarks: FaceLandmarks, target_width: int
) -> tuple[Image.Image, FaceLandmarks, tuple[float, float, float, float], float]:
    """The face cropped with a margin and resampled so that it is `target_width` wide."""
    width, height = image.size
    scale = target_width / landmarks.face_width()
    left, top, right, bottom = landmarks.bounding_box()
    margin = 0.12 * landmarks.face_width()
    left, top = max(0.0, left - margin), max(0.0, top - margin)
    right, bottom = min(float(width), right + margin), min(float(height), bottom + margin)
    out_w = max(1, round((right - left) * scale))
    out_h = max(1, round((bottom - top) * scale))
    box = (left, top, left + out_w / scale, top + out_h / scale)
    frame = image.resize(
        (out_w, out_h),
        Image.Resampling.BICUBIC,
        box=box,
        reducing_gap=2.0 if scale < 0.5 else None,
    )
    return frame, landmarks.scaled(scale, (left, top)), box, scale


def _zone_metrics(
    rgb: ByteArray,
    zone_mask: npt.NDArray[np.bool_],
    box: tuple[int, int, int, int],
    settings: AnalysisSettings,
    correction: ColourCorrection | None,
) -> tuple[ZoneMetrics, FloatArray] | None:
    left, top, right, bottom = box
    patch = rgb[top:bottom, left:right]
    brightest = patch.max(axis=2)
    clipped = (brightest >= settings.clip_high) | (brightest <= settings.clip_low)
    usable = zone_mask & ~clipped
    pixels = int(usable.sum())
    if pixels == 0:
        return None
    linear = srgb_to_linear(patch, fast=True)
    if correction is not None:
        linear = np.clip(correction.apply_linear(linear), 0.0, None)
    lab = linear_to_lab(linear)
    values = lab[usable]
    mean_l, mean_a, mean_b = (float(v) for v in values.mean(axis=0, dtype=np.float64))
    per_pixel_ita = ita_degrees(values[:, 0], values[:, 2])
    q25, q75 = np.percentile(per_pixel_ita, [25, 75])
    spots = dark_spots(
        lab[..., 0],
        usable,
        settings.spot_delta_l,
        settings.spot_min_area_px,
        max(1, round(settings.spot_background_radius_mm * settings.px_per_mm)),
        zone_mask,
    )
    metrics = ZoneMetrics(
        L=mean_l,
        a=mean_a,
        b=mean_b,
        ita_deg=float(ita_degrees(mean_l, mean_b)),
        ita_spread_deg=float(q75 - q25),
        a_vs_reference=None,
        spot_count=spots.count,
        spot_area_fraction=spots.area_pixels / pixels,
        pixels=pixels,
        excluded_pixels=int((zone_mask & clipped).sum()),
    )
    return metrics, linear[usable].mean(axis=0, dtype=np.float64)


def analyze(
    image: ImageInput,
    *,
    expected_pose: str | None = None,
    reference_zone: str | None = None,
    correction: ColourCorrection | None = None,
    settings: AnalysisSettings = DEFAULT_SETTINGS,
    limits: IngestLimits | None = None,
) -> Analysis:
    """Measure one photo. Bytes and paths go through ingest's checks first (raises
    `ImageRejected`); a photo without a face gives `face_found=False` and a reason."""
    if reference_zone is not None and reference_zone != settings.reference_zone:
        settings = _replace_reference(settings, reference_zone)
    photo = _decode(image, limits)
    faces = locate_face(photo, settings)
    if not faces:
        return Analysis(
            face_found=False,
            reason="no face found: the whole face should be in the photo, facing the camera "
            "and evenly lit",
            pose=None,
            head_pose=None,
            quality=None,
            zones={},
            image_size=photo.size,
            reference_zone=settings.reference_zone,
            calibrated=correction is not None,
            settings=settings,
        )
    landmarks = faces[0]
    pose = head_pose(landmarks)
    frame, frame_landmarks, box, scale = _face_frame(photo, landmarks, settings.face_frame_width_px)
    rgb = np.asarray(frame)
    whole_face = face_mask(frame_landmarks, frame.size)
    if scale > 1.0:  # the face is smaller than the metrics' frame: judge sharpness natively
        left, top, right, bottom = (round(v) for v in box)
        native = photo.crop((left, top, right, bottom))
        native_landmarks = landmarks.scaled(1.0, (left, top))
        sharp_grey = np.asarray(native.convert("L"), dtype=np.float32)
        sharp_region = face_mask(native_landmarks, native.size)
    else:
        sharp_grey = np.asarray(frame.convert("L"), dtype=np.float32)
        sharp_region = whole_face
    quality = assess(
        faces=len(faces),
        landmarks=landmarks,
        pose=pose,
        face_rgb=rgb,
        face_region=whole_face,
        sharpness_grey=sharp_grey,
        sharpness_region=sharp_region,
        expected_pose=expected_pose,
        limits=settings.quality,
    )
    visible = ZONES_BY_POSE[pose.name]
    wanted = tuple(dict.fromkeys((*visible, settings.reference_zone)))
    masks = zone_masks(frame_landmarks, frame.size, wanted)
    measured: dict[str, tuple[ZoneMetrics, FloatArray]] = {}
    for name, zone in masks.items():
        result = _zone_metrics(rgb, zone.mask, zone.box(), settings, correction)
        if result is not None:
            measured[name] = result
    reference = measured.get(settings.reference_zone)
    zones: dict[str, ZoneMetrics] = {}
    for name in ZONES:
        if name not in measured or name not in visible:
            continue
        metrics, linear_mean = measured[name]
        if reference is not None:
            relative = a_relative_to_reference(linear_mean, reference[1])
            metrics = _with_reference(metrics, relative)
        zones[name] = metrics
    return Analysis(
        face_found=True,
        reason=None,
        pose=pose.name,
        head_pose=pose,
        quality=quality,
        zones=zones,
        image_size=photo.size,
        reference_zone=settings.reference_zone,
        calibrated=correction is not None,
        landmarks=landmarks,
        settings=settings,
    )


def _with_reference(metrics: ZoneMetrics, relative: float) -> ZoneMetrics:
    return ZoneMetrics(**{**metrics.__dict__, "a_vs_reference": relative})


def _replace_reference(settings: AnalysisSettings, zone: str) -> AnalysisSettings:
    if zone not in ZONES:
        raise ValueError(f"unknown zone {zone!r}: one of {', '.join(ZONES)}")
    return AnalysisSettings(**{**settings.__dict__, "reference_zone": zone})


# ---------------------------------------------------------------- comparing photos


@dataclass(frozen=True)
class ZoneDelta:
    """Follow-up minus baseline."""

    delta_L: float
    delta_a: float
    delta_b: float
    delta_ita: float
    delta_a_vs_reference: float | None
    delta_spot_count: int
    delta_spot_area_fraction: float

    def to_json(self) -> dict[str, object]:
        return {
            "delta_L": round(self.delta_L, 2),
            "delta_a": round(self.delta_a, 2),
            "delta_b": round(self.delta_b, 2),
            "delta_ita": round(self.delta_ita, 2),
            "delta_a_vs_reference": None
            if self.delta_a_vs_reference is None
            else round(self.delta_a_vs_reference, 2),
            "delta_spot_count": self.delta_spot_count,
            "delta_spot_area_fraction": round(self.delta_spot_area_fraction, 5),
        }


def zone_delta(baseline: ZoneMetrics, followup: ZoneMetrics) -> ZoneDelta:
    relative = (
        None
        if baseline.a_vs_reference is None or followup.a_vs_reference is None
        else followup.a_vs_reference - baseline.a_vs_reference
    )
    return ZoneDelta(
        delta_L=followup.L - baseline.L,
        delta_a=followup.a - baseline.a,
        delta_b=followup.b - baseline.b,
        delta_ita=followup.ita_deg - baseline.ita_deg,
        delta_a_vs_reference=relative,
        delta_spot_count=followup.spot_count - baseline.spot_count,
        delta_spot_area_fraction=followup.spot_area_fraction - baseline.spot_area_fraction,
    )


@dataclass(frozen=True)
class Comparison:
    """The follow-up relative to the baseline: the registration transform (follow-up pixels
    onto baseline pixels) and the change of every zone measured in both."""

    transform: Similarity
    pose: str
    zones: dict[str, ZoneDelta]
    baseline: Analysis = field(repr=False)
    followup: Analysis = field(repr=False)

    def to_json(self) -> dict[str, object]:
        baseline_quality = self.baseline.quality
        followup_quality = self.followup.quality
        return {
            "pose": self.pose,
            "transform": {
                "scale": round(self.transform.scale, 4),
                "rotation_deg": round(self.transform.rotation_deg, 2),
                "tx": round(self.transform.tx, 1),
                "ty": round(self.transform.ty, 1),
                "rms_px": round(self.transform.rms_px, 2),
                "maps": "follow-up pixels onto baseline pixels",
            },
            "zones": {name: delta.to_json() for name, delta in self.zones.items()},
            "quality": {
                "baseline": None if baseline_quality is None else baseline_quality.passed,
                "followup": None if followup_quality is None else followup_quality.passed,
            },
            "reference_zone": self.baseline.reference_zone,
        }


def _analysed(source: ImageInput | Analysis, role: str, reference_zone: str | None) -> Analysis:
    analysis = (
        source if isinstance(source, Analysis) else analyze(source, reference_zone=reference_zone)
    )
    if not analysis.face_found or analysis.landmarks is None:
        raise NoFaceFound(f"{role}: {analysis.reason or 'no face found'}")
    return analysis


def compare(
    baseline: ImageInput | Analysis,
    followup: ImageInput | Analysis,
    *,
    reference_zone: str | None = None,
) -> Comparison:
    """Deltas per zone of the follow-up relative to the baseline, and the transform that
    registers the follow-up onto the baseline. Raises `NoFaceFound` naming the photo
    ("baseline: ..." / "follow-up: ...") and `PoseMismatch` for photos of different poses."""
    first = _analysed(baseline, "baseline", reference_zone)
    second = _analysed(followup, "follow-up", reference_zone)
    if first.pose != second.pose:
        raise PoseMismatch(
            f"the photos were taken from different angles (baseline {first.pose}, follow-up "
            f"{second.pose}): compare photos of the same pose"
        )
    if first.reference_zone != second.reference_zone:
        raise ValueError("both analyses must use the same reference zone")
    assert first.landmarks is not None
    assert second.landmarks is not None
    assert first.pose
    transform = estimate_similarity(second.landmarks, first.landmarks)
    zones = {
        name: zone_delta(first.zones[name], second.zones[name])
        for name in ZONES
        if name in first.zones and name in second.zones
    }
    return Comparison(transform, first.pose, zones, first, second)


def align(baseline: ImageInput, followup: ImageInput) -> ByteArray:
    """The follow-up photo registered onto the baseline (same size as the baseline, H x W x 3
    uint8), for side-by-side, overlay and slider views. Raises `NoFaceFound`."""
    first, second = _decode(baseline), _decode(followup)
    first_faces, second_faces = locate_face(first), locate_face(second)
    if not first_faces:
        raise NoFaceFound("baseline: no face found")
    if not second_faces:
        raise NoFaceFound("follow-up: no face found")
    transform = estimate_similarity(second_faces[0], first_faces[0])
    return np.asarray(warp_onto(second, transform, first.size))


# ---------------------------------------------------------------- series over a course


SERIES_METRICS = ("L", "a", "b", "ita_deg", "a_vs_reference", "spot_count", "spot_area_fraction")


@dataclass(frozen=True)
class Series:
    """Per zone and metric, the values over a course (None where a photo lacks the zone) and
    their change from the first photo."""

    labels: tuple[str, ...]
    values: dict[str, dict[str, list[float | None]]]
    change: dict[str, dict[str, list[float | None]]]

    def to_json(self) -> dict[str, object]:
        def rounded(rows: dict[str, dict[str, list[float | None]]]) -> dict[str, object]:
            return {
                zone: {
                    metric: [None if v is None else round(v, 3) for v in values]
                    for metric, values in metrics.items()
                }
                for zone, metrics in rows.items()
            }

        return {"labels": list(self.labels), "values": rounded(self.values),
                "change": rounded(self.change)}  # fmt: skip


def series(
    points: Sequence[tuple[str, Analysis]], metrics: Sequence[str] = SERIES_METRICS
) -> Series:
    """A course as a series, e.g. redness on days 0, 1, 3 and 7 after a session:
    `series([("day 0", a0), ("day 1", a1), ...])`."""
    labels = tuple(label for label, _ in points)
    values: dict[str, dict[str, list[float | None]]] = {}
    change: dict[str, dict[str, list[float | None]]] = {}
    for zone in ZONES:
        if not any(zone in analysis.zones for _, analysis in points):
            continue
        values[zone], change[zone] = {}, {}
        for metric in metrics:
            row: list[float | None] = []
            for _, analysis in points:
                found = analysis.zones.get(zone)
                raw = None if found is None else getattr(found, metric)
                row.append(None if raw is None else float(raw))
            first = row[0]
            values[zone][metric] = row
            change[zone][metric] = [
                None if first is None or value is None else value - first for value in row
            ]
    return Series(labels, values, change)

"""The quality gate: is this photo good enough to measure and to compare?

Each check has a measured value, its limit and, when it fails, one plain instruction for the
person holding the camera. Metrics are computed even when a check fails; the report says
whether they should be trusted (the app decides whether to accept the photo).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from needlepoint.imaging.colour import luminance_lstar
from needlepoint.imaging.landmarks import FaceLandmarks, HeadPose

ByteArray = npt.NDArray[np.uint8]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.floating[Any]]


@dataclass(frozen=True)
class QualityLimits:
    max_pitch_deg: float = 20.0
    max_roll_deg: float = 12.0
    min_face_width_px: float = 512.0
    frame_margin_fraction: float = 0.01
    min_sharpness: float = 0.30
    max_overexposed_fraction: float = 0.02
    max_underexposed_fraction: float = 0.05
    min_bright_lstar: float = 30.0
    clip_high: int = 250
    clip_low: int = 8


DEFAULT_QUALITY = QualityLimits()

INSTRUCTIONS = {
    "one_face": "make sure only the patient's face is in the photo",
    "pose": "turn the head to the requested angle ({expected}); the photo shows {actual}",
    "camera_height": "hold the camera at eye level, straight in front of the face",
    "head_tilt": "keep the head upright and hold the camera level",
    "face_size": "move closer: the face should fill most of the frame",
    "framing": "step back a little so that the whole face is inside the photo",
    "sharpness": "hold the camera still and tap the face on the screen to focus",
    "overexposure": "too bright: avoid flash glare and direct sunlight on the face",
    "underexposure": "more light: face a window or a soft, even lamp",
}


@dataclass(frozen=True)
class QualityCheck:
    name: str
    passed: bool
    value: float | str
    limit: float | str
    instruction: str | None

    def to_json(self) -> dict[str, object]:
        value = round(self.value, 3) if isinstance(self.value, float) else self.value
        limit = round(self.limit, 3) if isinstance(self.limit, float) else self.limit
        return {
            "passed": self.passed,
            "value": value,
            "limit": limit,
            "instruction": self.instruction,
        }


@dataclass(frozen=True)
class QualityReport:
    checks: tuple[QualityCheck, ...]

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def instructions(self) -> tuple[str, ...]:
        return tuple(check.instruction for check in self.checks if check.instruction)

    def check(self, name: str) -> QualityCheck:
        return next(check for check in self.checks if check.name == name)

    def to_json(self) -> dict[str, object]:
        return {
            "passed": self.passed,
            "instructions": list(self.instructions),
            "checks": {check.name: check.to_json() for check in self.checks},
        }


def _check(
    name: str, passed: bool, value: float | str, limit: float | str, **fmt: str
) -> QualityCheck:
    instruction = None if passed else INSTRUCTIONS[name].format(**fmt)
    return QualityCheck(name, passed, value, limit, instruction)


def sharpness(grey: FloatArray, mask: BoolArray) -> float:
    """Share of the face's fine detail that a slight blur removes (0 = already blurred,
    about 0.5 or more = crisp). Independent of contrast and so of skin tone: a ratio of
    gradient energies before and after a 3x3 blur, over the face."""
    blurred = grey.copy()
    blurred[1:-1, 1:-1] = (
        grey[:-2, :-2] + 2 * grey[:-2, 1:-1] + grey[:-2, 2:]
        + 2 * grey[1:-1, :-2] + 4 * grey[1:-1, 1:-1] + 2 * grey[1:-1, 2:]
        + grey[2:, :-2] + 2 * grey[2:, 1:-1] + grey[2:, 2:]
    ) / 16  # fmt: skip

    def energy(image: FloatArray) -> float:
        gx = image[1:-1, 2:] - image[1:-1, :-2]
        gy = image[2:, 1:-1] - image[:-2, 1:-1]
        inner = mask[1:-1, 1:-1]
        return float(((gx**2 + gy**2)[inner]).sum(dtype=np.float64))

    sharp = energy(grey)
    if sharp <= 0:
        return 0.0
    return float(1 - energy(blurred) / sharp)


def assess(
    *,
    faces: int,
    landmarks: FaceLandmarks,
    pose: HeadPose,
    face_rgb: ByteArray,
    face_region: BoolArray,
    sharpness_grey: FloatArray,
    sharpness_region: BoolArray,
    expected_pose: str | None = None,
    limits: QualityLimits = DEFAULT_QUALITY,
) -> QualityReport:
    """Run every check. `landmarks` are in the original photo's pixels; `face_rgb` and
    `face_region` are the face crop used for the metrics; the sharpness inputs are that crop
    at the metrics' scale or the photo's own, whichever is finer."""
    checks = [_check("one_face", faces == 1, float(faces), 1.0)]
    if expected_pose is not None:
        checks.append(
            _check(
                "pose",
                pose.name == expected_pose,
                pose.name,
                expected_pose,
                expected=expected_pose.replace("_", " "),
                actual=pose.name.replace("_", " "),
            )
        )
    checks.append(
        _check("camera_height", abs(pose.pitch) <= limits.max_pitch_deg, abs(pose.pitch),
               limits.max_pitch_deg)
    )  # fmt: skip
    checks.append(
        _check("head_tilt", abs(pose.roll) <= limits.max_roll_deg, abs(pose.roll),
               limits.max_roll_deg)
    )  # fmt: skip
    width = landmarks.face_width()
    checks.append(
        _check("face_size", width >= limits.min_face_width_px, width, limits.min_face_width_px)
    )
    image_width, image_height = landmarks.image_size
    left, top, right, bottom = landmarks.bounding_box()
    margin = limits.frame_margin_fraction * max(image_width, image_height)
    inside = min(left, top, image_width - right, image_height - bottom)
    checks.append(_check("framing", inside >= margin, inside, margin))
    score = sharpness(sharpness_grey, sharpness_region)
    checks.append(_check("sharpness", score >= limits.min_sharpness, score, limits.min_sharpness))
    pixels = face_rgb[face_region]
    brightest = face_rgb.max(axis=2)[face_region]
    over = float((brightest >= limits.clip_high).mean()) if len(pixels) else 0.0
    under = float((brightest <= limits.clip_low).mean()) if len(pixels) else 0.0
    checks.append(
        _check("overexposure", over <= limits.max_overexposed_fraction, over,
               limits.max_overexposed_fraction)
    )  # fmt: skip
    sample = pixels[:: max(1, len(pixels) // 20000)]  # a percentile needs no more
    bright_l = float(np.percentile(luminance_lstar(sample), 90)) if len(pixels) else 0.0
    dark = under > limits.max_underexposed_fraction or bright_l < limits.min_bright_lstar
    checks.append(_check("underexposure", not dark, bright_l, limits.min_bright_lstar))
    return QualityReport(tuple(checks))

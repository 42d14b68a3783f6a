"""Are the metrics equally good on every skin tone? A measurement report.

The astronaut photo's face is shifted in L* and b* to the middle of each ITA band (very light
to dark). On each version the pipeline measures:
1. each zone's ITA, against the same zone's ITA computed on the full-size photo with the
   untouched photo's landmarks (so landmark shifts and resampling count as error);
2. redness painted into the left cheek (+6 a*, a little less where the gamut clips), against
   what was painted, and how much of it leaks into the other zones;
3. dark spots painted into the right cheek (4 spots, 2.5 mm across, 10 L* darker), against
   the 4 painted, and the spots found on the unpainted face.
A test (tests/imaging/test_skin_tones.py) holds every band to the same limits.

Run: `.venv/bin/python -m bench.skin_tones` (prints a Markdown table)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image

from bench.synthetic import (
    BoolArray,
    astronaut,
    interior_points,
    paint_spots,
    retone,
    shift_lab,
    zone_mask_full,
)
from needlepoint.imaging import Analysis, analyze, locate_face
from needlepoint.imaging.colour import ita_degrees, srgb_to_lab

# Middle of each ITA band (degrees) and the b* given to it.
TARGETS = (
    ("very_light", 62.0),
    ("light", 48.0),
    ("intermediate", 35.0),
    ("tan", 19.0),
    ("brown", -10.0),
    ("dark", -45.0),
)
TARGET_B = 16.0
PAINTED_A = 6.0
SPOTS = 4
SPOT_DIAMETER_MM = 2.5
SPOT_DELTA_L = -10.0


@dataclass(frozen=True)
class BandErrors:
    band: str
    target_ita: float
    measured_ita: float
    ita_error_max: float
    ita_error_mean: float
    redness_painted: float
    redness_error: float
    redness_leak_max: float
    spots_found: int
    spots_painted: int
    false_spots: int


def _skin_mean(analysis: Analysis) -> tuple[float, float]:
    total = sum(zone.pixels for zone in analysis.zones.values())
    mean_l = sum(zone.L * zone.pixels for zone in analysis.zones.values()) / total
    mean_b = sum(zone.b * zone.pixels for zone in analysis.zones.values()) / total
    return mean_l, mean_b


def _full_resolution_mean(image: Image.Image, mask: BoolArray) -> tuple[float, float, float]:
    """The zone's mean L*, a*, b* computed on the full-size photo with the reference
    landmarks: the truth the pipeline's figure is compared with."""
    pixels = np.asarray(image)[mask]
    brightest = pixels.max(axis=1)
    pixels = pixels[(brightest < 250) & (brightest > 5)]
    lab = srgb_to_lab(pixels).mean(axis=0)
    return float(lab[0]), float(lab[1]), float(lab[2])


def skin_tone_errors(scale: float = 4.0) -> list[BandErrors]:
    base = astronaut(scale)
    landmarks = locate_face(base)[0]
    reference = analyze(base)
    skin = _skin_mean(reference)
    px_per_mm = landmarks.face_width() / reference.settings.face_width_mm
    right_cheek = zone_mask_full(landmarks, base.size, "right_cheek")
    centres = interior_points(right_cheek, round(4 * px_per_mm), SPOTS)
    left_cheek = zone_mask_full(landmarks, base.size, "left_cheek")
    masks = {name: zone_mask_full(landmarks, base.size, name) for name in reference.zones}
    rows = []
    for band, target_ita in TARGETS:
        target_l = 50 + TARGET_B * math.tan(math.radians(target_ita))
        toned, _, _ = retone(base, landmarks, target_l, TARGET_B, skin)
        measured = analyze(toned)
        errors = []
        for name, zone in measured.zones.items():
            truth_l, _, truth_b = _full_resolution_mean(toned, masks[name])
            errors.append(zone.ita_deg - float(ita_degrees(truth_l, truth_b)))
        painted = shift_lab(toned, left_cheek, (0.0, PAINTED_A, 0.0))
        red = analyze(painted)
        painted_a = (
            _full_resolution_mean(painted, left_cheek)[1]
            - _full_resolution_mean(toned, left_cheek)[1]
        )
        leak = max(
            abs(red.zones[name].a - measured.zones[name].a)
            for name in measured.zones
            if name != "left_cheek"
        )
        spotted = analyze(
            paint_spots(toned, centres, SPOT_DIAMETER_MM / 2 * px_per_mm, SPOT_DELTA_L)
        )
        mean_l, mean_b = _skin_mean(measured)
        rows.append(
            BandErrors(
                band=band,
                target_ita=target_ita,
                measured_ita=float(ita_degrees(mean_l, mean_b)),
                ita_error_max=float(max(abs(e) for e in errors)),
                ita_error_mean=float(np.mean(np.abs(errors))),
                redness_painted=painted_a,
                redness_error=red.zones["left_cheek"].a
                - measured.zones["left_cheek"].a
                - painted_a,
                redness_leak_max=float(leak),
                spots_found=spotted.zones["right_cheek"].spot_count
                - measured.zones["right_cheek"].spot_count,
                spots_painted=SPOTS,
                false_spots=sum(zone.spot_count for zone in measured.zones.values()),
            )
        )
    return rows


def main() -> None:
    print(
        "| ITA band | target ITA | measured ITA | ITA error max / mean (deg) "
        "| redness painted / error (a*) | leak to other zones (a*) "
        "| spots found / painted | spots on the unpainted face |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for row in skin_tone_errors():
        print(
            f"| {row.band} | {row.target_ita:.0f} | {row.measured_ita:.1f} "
            f"| {row.ita_error_max:.2f} / {row.ita_error_mean:.2f} "
            f"| {row.redness_painted:.2f} / {row.redness_error:+.2f} "
            f"| {row.redness_leak_max:.2f} | {row.spots_found} / {row.spots_painted} "
            f"| {row.false_spots} |"
        )


if __name__ == "__main__":
    Image.MAX_IMAGE_PIXELS = None
    main()

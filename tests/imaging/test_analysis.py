"""The pipeline on a real face photo that ships offline (the astronaut, enlarged): landmarks,
pose, zones, quality gate, redness and spots per zone, lighting independence, series."""

from __future__ import annotations

import dataclasses
import io
import tomllib
from pathlib import Path

import numpy as np
import pytest
from bench.synthetic import astronaut, relight, shift_lab, zone_mask_full
from PIL import Image, ImageFilter

from needlepoint.imaging import (
    ZONES,
    Analysis,
    ImageRejected,
    analyze,
    locate_face,
    series,
)
from needlepoint.imaging.landmarks import FaceLandmarks, head_pose, pose_name
from needlepoint.imaging.zones import ZONES_BY_POSE, zone_masks

KNOWLEDGE = Path(__file__).resolve().parents[2] / "src/needlepoint/domain/knowledge/zones.toml"


def test_zone_names_are_the_knowledge_zones() -> None:
    knowledge = tomllib.loads(KNOWLEDGE.read_text(encoding="utf-8"))["zones"]
    assert set(ZONES) <= set(knowledge)


def test_one_frontal_face_with_all_zones(face_analysis: Analysis) -> None:
    assert face_analysis.face_found
    assert face_analysis.landmarks is not None
    assert face_analysis.landmarks.points.shape == (478, 3)
    assert face_analysis.pose == "frontal"
    assert set(face_analysis.zones) == set(ZONES)
    for metrics in face_analysis.zones.values():
        assert metrics.pixels > 3000  # each figure rests on thousands of pixels
        assert 40 < metrics.L < 95
        assert 0 < metrics.a < 20
        assert 5 < metrics.b < 30
    assert face_analysis.zones["forehead"].a_vs_reference == pytest.approx(0.0, abs=1e-9)


def test_zones_do_not_overlap_and_sides_are_the_patients(face: Image.Image) -> None:
    landmarks = locate_face(face)[0]
    masks = {name: zone_mask_full(landmarks, face.size, name) for name in ZONES}
    for index, first in enumerate(ZONES):
        for second in ZONES[index + 1 :]:
            shared = int((masks[first] & masks[second]).sum())  # a common edge at most
            assert shared < 0.01 * min(masks[first].sum(), masks[second].sum())
    left_x = np.nonzero(masks["left_cheek"])[1].mean()
    right_x = np.nonzero(masks["right_cheek"])[1].mean()
    nose_x = np.nonzero(masks["nose"])[1].mean()
    assert right_x < nose_x < left_x  # patient's left cheek on the image's right


def test_mirrored_photo_swaps_the_cheeks(face: Image.Image, face_analysis: Analysis) -> None:
    mirrored = analyze(face.transpose(Image.Transpose.FLIP_LEFT_RIGHT))
    for this, other in (("left_cheek", "right_cheek"), ("right_cheek", "left_cheek")):
        assert pytest.approx(face_analysis.zones[other].L, abs=1.5) == mirrored.zones[this].L
    assert mirrored.head_pose is not None
    assert face_analysis.head_pose is not None
    assert abs(mirrored.head_pose.yaw + face_analysis.head_pose.yaw) < 3


def _turned(landmarks: FaceLandmarks, yaw_deg: float, roll_deg: float = 0.0) -> FaceLandmarks:
    centre = landmarks.points.mean(axis=0)
    yaw, roll = np.radians(yaw_deg), np.radians(roll_deg)
    # Turning to the patient's right brings the image-right (patient's left) side nearer.
    about_y = np.array([[np.cos(yaw), 0, np.sin(yaw)], [0, 1, 0], [-np.sin(yaw), 0, np.cos(yaw)]])
    in_plane = np.array(
        [[np.cos(roll), -np.sin(roll), 0], [np.sin(roll), np.cos(roll), 0], [0, 0, 1]]
    )
    points = (landmarks.points - centre) @ about_y.T @ in_plane.T + centre
    return FaceLandmarks(points, landmarks.image_size)


@pytest.mark.parametrize(
    ("yaw", "pose"),
    [(0, "frontal"), (30, "left_oblique"), (-30, "right_oblique"), (75, "left_profile"),
     (-75, "right_profile")],
)  # fmt: skip
def test_pose_from_landmarks(face_analysis: Analysis, yaw: float, pose: str) -> None:
    assert face_analysis.landmarks is not None
    assert face_analysis.head_pose is not None
    turned = head_pose(_turned(face_analysis.landmarks, yaw))
    assert turned.name == pose
    assert turned.yaw == pytest.approx(face_analysis.head_pose.yaw + yaw, abs=4)


def test_roll_from_landmarks(face_analysis: Analysis) -> None:
    assert face_analysis.landmarks is not None
    assert face_analysis.head_pose is not None
    tilted = head_pose(_turned(face_analysis.landmarks, 0, 20))
    assert tilted.roll == pytest.approx(face_analysis.head_pose.roll + 20, abs=1)


def test_oblique_poses_measure_only_the_near_side() -> None:
    assert "right_cheek" not in ZONES_BY_POSE["left_oblique"]
    assert "left_cheek" not in ZONES_BY_POSE["right_oblique"]
    assert pose_name(14.9) == "frontal"
    assert pose_name(-15.1) == "right_oblique"


def test_perioral_zone_leaves_out_the_lips(face: Image.Image) -> None:
    landmarks = locate_face(face)[0]
    perioral = zone_masks(landmarks, face.size, ("perioral",))["perioral"]
    lips_centre = landmarks.points[[13, 14], :2].mean(axis=0)
    x, y = int(lips_centre[0]) - perioral.left, int(lips_centre[1]) - perioral.top
    assert not perioral.mask[y, x]


def test_redness_painted_into_one_cheek_is_measured_there_only(
    face: Image.Image, face_analysis: Analysis
) -> None:
    assert face_analysis.landmarks is not None
    cheek = zone_mask_full(face_analysis.landmarks, face.size, "left_cheek")
    painted = analyze(shift_lab(face, cheek, (0.0, 8.0, 0.0)))
    change = {name: painted.zones[name].a - face_analysis.zones[name].a for name in ZONES}
    assert change["left_cheek"] == pytest.approx(8.0, abs=0.6)
    assert all(abs(value) < 0.3 for name, value in change.items() if name != "left_cheek")
    relative = painted.zones["left_cheek"].a_vs_reference
    before = face_analysis.zones["left_cheek"].a_vs_reference
    assert relative is not None
    assert before is not None
    assert relative - before > 5


@pytest.mark.parametrize(
    ("light", "gains"),
    [
        ("darker", (0.6, 0.6, 0.6)),
        ("brighter", (1.2, 1.2, 1.2)),
        ("warmer", (1.12, 1.0, 0.8)),
        ("cooler", (0.88, 1.0, 1.18)),
    ],
)
def test_redness_relative_to_the_reference_survives_other_light(
    face: Image.Image, face_analysis: Analysis, light: str, gains: tuple[float, float, float]
) -> None:
    assert face_analysis.landmarks is not None
    cheek = zone_mask_full(face_analysis.landmarks, face.size, "left_cheek")
    painted = shift_lab(face, cheek, (0.0, 8.0, 0.0))
    # The scene exposed with headroom (as a camera would); then the same scene under other
    # light. Light that clips the skin cannot be undone by any measure.
    exposure = 0.7
    base = analyze(relight(painted, (exposure,) * 3))
    relit = analyze(relight(painted, tuple(exposure * gain for gain in gains)))  # type: ignore[arg-type]
    raw_moves = max(abs(relit.zones[z].a - base.zones[z].a) for z in ZONES)
    for zone in ZONES:
        before, after = base.zones[zone].a_vs_reference, relit.zones[zone].a_vs_reference
        assert before is not None
        assert after is not None
        assert after == pytest.approx(before, abs=0.35), (light, zone)
    if light in ("warmer", "cooler"):
        assert raw_moves > 2  # the raw a* does move with the light; the relative one not


def test_quality_gate_names_what_to_fix(face: Image.Image) -> None:
    original = analyze(astronaut(1))
    assert original.quality is not None
    for check in ("sharpness", "overexposure", "underexposure", "one_face", "camera_height",
                  "head_tilt", "framing"):  # fmt: skip
        assert original.quality.check(check).passed, check
    # The 512-px photo's face is about 90 px wide: too small to measure well.
    assert not original.quality.check("face_size").passed
    assert "move closer" in " ".join(original.quality.instructions)
    # Enlarging it does not add detail: judged at its own resolution, it is soft.
    enlarged = analyze(face)
    assert enlarged.quality is not None
    assert not enlarged.quality.check("sharpness").passed

    blurred = analyze(astronaut(1).filter(ImageFilter.GaussianBlur(1.5)))
    assert blurred.quality is not None
    assert not blurred.quality.check("sharpness").passed
    assert "hold the camera still" in " ".join(blurred.quality.instructions)

    dark = analyze(relight(face, (0.04, 0.04, 0.04)))
    assert dark.quality is not None
    assert not dark.quality.check("underexposure").passed
    assert "more light" in " ".join(dark.quality.instructions)

    glare = analyze(relight(face, (3.0, 3.0, 3.0)))
    assert glare.quality is not None
    assert not glare.quality.check("overexposure").passed

    wrong = analyze(face, expected_pose="left_oblique")
    assert wrong.quality is not None
    assert not wrong.quality.check("pose").passed


def test_tilted_head_fails_the_tilt_check(face: Image.Image) -> None:
    tilted = analyze(face.rotate(25, resample=Image.Resampling.BICUBIC))
    assert tilted.quality is not None
    assert not tilted.quality.check("head_tilt").passed
    assert "keep the head upright" in " ".join(tilted.quality.instructions)


def test_no_face_is_an_answer_not_an_error() -> None:
    from skimage import data

    result = analyze(Image.fromarray(data.coffee()))
    assert not result.face_found
    assert result.reason
    assert "no face" in result.reason
    assert result.to_json()["face_found"] is False


def test_bytes_go_through_ingest_checks(face: Image.Image) -> None:
    buffer = io.BytesIO()
    face.save(buffer, "JPEG", quality=92)
    assert analyze(buffer.getvalue()).face_found
    with pytest.raises(ImageRejected):
        analyze(b"not an image at all")


def test_redness_series_over_days_after_a_session(
    face: Image.Image, face_analysis: Analysis
) -> None:
    assert face_analysis.landmarks is not None
    cheek = zone_mask_full(face_analysis.landmarks, face.size, "left_cheek")
    days = [("day 0", 9.0), ("day 1", 6.0), ("day 3", 2.5), ("day 7", 0.0)]
    course = [(label, analyze(shift_lab(face, cheek, (0.0, red, 0.0)))) for label, red in days]
    result = series(course)
    redness = result.values["left_cheek"]["a_vs_reference"]
    assert all(a is not None for a in redness)
    assert redness == sorted(redness, reverse=True)  # fading, as painted
    change = result.change["left_cheek"]["a"]
    assert change[0] == 0
    assert change[-1] == pytest.approx(-9.0, abs=0.8)
    assert result.to_json()["labels"] == ["day 0", "day 1", "day 3", "day 7"]


def test_analysis_json_shape(face_analysis: Analysis) -> None:
    data = face_analysis.to_json()
    assert {"face_found", "pose", "quality", "zones"} <= set(data)
    for zone in ZONES:
        assert {"L", "a", "b", "ita_deg", "spot_count", "spot_area_fraction", "pixels"} <= set(
            data["zones"][zone]  # type: ignore[index]
        )
    assert "not a diagnosis" in str(data["basis"])


def test_settings_are_recorded(face_analysis: Analysis) -> None:
    other = dataclasses.replace(face_analysis.settings, reference_zone="chin")
    assert other.reference_zone == "chin"
    assert face_analysis.settings.spot_min_area_px == 11

"""Before/after registration: a known shift, rotation and scale is recovered from the
landmarks, the registered follow-up lines up with the baseline, and compare() gives deltas."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from bench.synthetic import relight, shift_lab, similarity_warp, zone_mask_full
from PIL import Image

from needlepoint.imaging import (
    ZONES,
    Analysis,
    NoFaceFound,
    PoseMismatch,
    Similarity,
    align,
    analyze,
    compare,
)


def test_similarity_inverse_and_apply_round_trip() -> None:
    transform = Similarity(1.2, 15.0, 30.0, -12.0, 0.0, 0)
    points = np.array([[10.0, 20.0], [300.0, 40.0], [120.0, 500.0]])
    back = transform.inverse().apply(transform.apply(points))
    assert np.allclose(back, points)


@pytest.mark.parametrize(
    ("scale", "rotation", "shift"),
    [(0.85, 12.0, (60.0, -40.0)), (1.15, -7.0, (-90.0, 35.0)), (1.0, 0.0, (25.0, 15.0))],
)
def test_known_shift_rotation_and_scale_are_recovered(
    face: Image.Image,
    face_analysis: Analysis,
    scale: float,
    rotation: float,
    shift: tuple[float, float],
) -> None:
    moved = similarity_warp(face, scale, rotation, shift)
    followup = analyze(relight(moved, (0.95, 0.93, 0.85)))  # and a slight colour cast
    result = compare(face_analysis, followup)
    expected = Similarity(scale, rotation, shift[0], shift[1], 0.0, 0).inverse()
    found = result.transform
    assert found.scale == pytest.approx(expected.scale, rel=0.01)
    assert found.rotation_deg == pytest.approx(expected.rotation_deg, abs=0.75)
    # Translation checked where it matters: the face centre lands within 1% of the face width.
    centre = face_analysis.landmarks.xy().mean(axis=0)  # type: ignore[union-attr]
    width = face_analysis.landmarks.face_width()  # type: ignore[union-attr]
    moved_centre = expected.inverse().apply(centre[None, :])
    assert np.linalg.norm(found.apply(moved_centre)[0] - centre) < 0.01 * width
    assert found.rms_px < 0.02 * width
    assert result.pose == "frontal"


def test_aligned_follow_up_lines_up_with_the_baseline(face: Image.Image) -> None:
    moved = similarity_warp(face, 0.9, 10.0, (70.0, -50.0))
    aligned = align(face, moved)
    assert aligned.shape == (face.height, face.width, 3)
    baseline = np.asarray(face).astype(float)
    landmarks = analyze(face).landmarks
    assert landmarks is not None
    left, top, right, bottom = (int(v) for v in landmarks.bounding_box())
    region = (slice(top, bottom), slice(left, right))
    aligned_error = np.abs(aligned[region].astype(float) - baseline[region]).mean()
    unaligned_error = np.abs(np.asarray(moved)[region].astype(float) - baseline[region]).mean()
    assert aligned_error < 6 < unaligned_error


def test_compare_gives_zone_deltas(face: Image.Image, face_analysis: Analysis) -> None:
    assert face_analysis.landmarks is not None
    cheek = zone_mask_full(face_analysis.landmarks, face.size, "right_cheek")
    followup = analyze(shift_lab(face, cheek, (-4.0, 5.0, 0.0)))
    result = compare(face_analysis, followup)
    deltas = result.zones
    assert set(deltas) == set(ZONES)
    assert deltas["right_cheek"].delta_a == pytest.approx(5.0, abs=0.5)
    assert deltas["right_cheek"].delta_L == pytest.approx(-4.0, abs=0.5)
    assert deltas["right_cheek"].delta_ita < -2
    assert abs(deltas["left_cheek"].delta_a) < 0.3
    data = result.to_json()
    assert set(data["transform"]) >= {"scale", "rotation_deg", "tx", "ty"}  # type: ignore[arg-type]
    assert set(data["zones"]["chin"]) >= {  # type: ignore[index]
        "delta_L", "delta_a", "delta_ita", "delta_spot_count",
    }  # fmt: skip


def test_same_photo_compares_to_identity_and_zero(face_analysis: Analysis) -> None:
    result = compare(face_analysis, face_analysis)
    assert result.transform.scale == pytest.approx(1.0)
    assert result.transform.rotation_deg == pytest.approx(0.0, abs=1e-6)
    assert all(abs(delta.delta_a) < 1e-9 for delta in result.zones.values())


def test_photos_of_different_poses_are_not_compared(face_analysis: Analysis) -> None:
    oblique = dataclasses.replace(face_analysis, pose="left_oblique")
    with pytest.raises(PoseMismatch, match="baseline frontal, follow-up left_oblique"):
        compare(face_analysis, oblique)


def test_a_photo_without_a_face_is_named(face_analysis: Analysis) -> None:
    from skimage import data

    coffee = Image.fromarray(data.coffee())
    with pytest.raises(NoFaceFound, match=r"^follow-up: no face"):
        compare(face_analysis, coffee)
    with pytest.raises(NoFaceFound, match=r"^baseline: no face"):
        compare(coffee, face_analysis)

"""Colour science without the landmark model: CIELAB against scikit-image, ITA, the
lighting-free redness measure, dark spots and card calibration."""

from __future__ import annotations

import numpy as np
import pytest
from skimage.color import lab2rgb, rgb2lab

from needlepoint.imaging.colour import (
    a_relative_to_reference,
    colorchecker_linear_srgb,
    dark_spots,
    fit_colour_correction,
    ita_band,
    ita_degrees,
    lab_to_srgb8,
    linear_to_srgb,
    sample_card,
    srgb_to_lab,
    srgb_to_linear,
)


def test_cielab_matches_scikit_image() -> None:
    rng = np.random.default_rng(7)
    rgb = rng.integers(0, 256, size=(2000, 3), dtype=np.uint8)
    ours = srgb_to_lab(rgb)
    reference = rgb2lab(rgb.reshape(1, -1, 3)).reshape(-1, 3)
    assert np.abs(ours - reference).max() < 0.01


def test_lab_back_to_srgb_round_trips() -> None:
    rng = np.random.default_rng(8)
    rgb = rng.integers(0, 256, size=(2000, 3), dtype=np.uint8)
    assert np.abs(lab_to_srgb8(srgb_to_lab(rgb)).astype(int) - rgb).max() <= 1
    lab = np.array([[60.0, 12.0, 18.0]])
    expected = np.rint(lab2rgb(lab.reshape(1, 1, 3)).reshape(1, 3) * 255)
    assert np.abs(lab_to_srgb8(lab).astype(int) - expected).max() <= 1


def test_ita_formula_and_bands() -> None:
    assert float(ita_degrees(50.0, 15.0)) == pytest.approx(0.0)
    assert float(ita_degrees(65.0, 15.0)) == pytest.approx(45.0)
    assert float(ita_degrees(35.0, 15.0)) == pytest.approx(-45.0)
    assert float(ita_degrees(70.0, 0.0)) == pytest.approx(90.0)  # b* = 0: no division error
    assert [ita_band(v) for v in (70, 50, 30, 20, 0, -50)] == [
        "very_light", "light", "intermediate", "tan", "brown", "dark",
    ]  # fmt: skip


def test_colorchecker_reference_matches_the_published_srgb() -> None:
    encoded = linear_to_srgb(colorchecker_linear_srgb()) * 255
    # "light skin" and "neutral 5" as given for the chart (D50 -> D65, Bradford).
    assert encoded[1] == pytest.approx([197.23, 143.66, 126.63], abs=0.3)
    assert encoded[21] == pytest.approx([120.67, 120.90, 120.59], abs=0.3)


@pytest.mark.parametrize(
    "gains", [(0.6, 0.6, 0.6), (1.3, 1.3, 1.3), (1.15, 1.0, 0.8), (0.85, 1.0, 1.2)]
)
def test_redness_relative_to_the_reference_ignores_the_light(
    gains: tuple[float, float, float],
) -> None:
    zone = np.array([0.42, 0.27, 0.22])
    reference = np.array([0.40, 0.29, 0.24])
    light = np.array(gains)
    before = a_relative_to_reference(zone, reference)
    after = a_relative_to_reference(zone * light, reference * light)
    assert before > 2  # the zone is redder than the reference
    assert after == pytest.approx(before, abs=1e-9)


def test_same_colour_as_the_reference_is_zero() -> None:
    colour = np.array([0.4, 0.3, 0.25])
    assert a_relative_to_reference(colour, colour) == pytest.approx(0.0, abs=1e-9)


def _skin(size: int = 120, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    ramp = np.linspace(-6, 6, size)[None, :]  # shading across the zone: not spots
    return 60 + ramp + rng.normal(0, 0.8, (size, size))


def _disc(lstar: np.ndarray, x: int, y: int, radius: float, depth: float) -> None:
    ys, xs = np.mgrid[0 : lstar.shape[0], 0 : lstar.shape[1]]
    lstar[np.hypot(xs - x, ys - y) <= radius] -= depth


def test_dark_spots_are_counted_and_shading_is_not() -> None:
    lstar = _skin()
    usable = np.ones(lstar.shape, dtype=bool)
    assert dark_spots(lstar, usable, 5.0, 11, 18).count == 0
    for x, y in ((30, 30), (80, 40), (60, 90)):
        _disc(lstar, x, y, 4, 9)
    _disc(lstar, 100, 100, 1, 9)  # too small to count
    spots = dark_spots(lstar, usable, 5.0, 11, 18)
    assert spots.count == 3
    assert all(45 <= area <= 55 for area in spots.areas)


def test_a_dark_region_cut_by_the_zone_edge_is_not_a_spot() -> None:
    lstar = _skin()
    lstar[:, :6] -= 15  # hair or a fold's shadow entering from the edge
    _disc(lstar, 60, 60, 4, 9)
    spots = dark_spots(lstar, np.ones(lstar.shape, dtype=bool), 5.0, 11, 18)
    assert spots.count == 1


def test_colour_card_correction_undoes_a_colour_cast() -> None:
    truth_linear = np.clip(colorchecker_linear_srgb(), 0, 1)
    cast = np.array([[1.1, 0.05, 0.0], [0.02, 0.95, 0.03], [0.0, 0.08, 0.7]])
    seen = np.clip(np.rint(linear_to_srgb(truth_linear @ cast.T) * 255), 0, 255)
    correction = fit_colour_correction(seen, truth_linear)
    assert correction.residual_delta_e < 1.5
    skin = srgb_to_linear(np.array([[190, 140, 120]], dtype=np.uint8))
    fixed = correction.apply_linear(skin @ cast.T)
    assert srgb_to_lab(np.clip(np.rint(linear_to_srgb(fixed) * 255), 0, 255).astype(np.uint8)) == (
        pytest.approx(srgb_to_lab(np.array([[190, 140, 120]], dtype=np.uint8)), abs=1.0)
    )


def test_card_patches_are_sampled_from_its_corners() -> None:
    colours = np.random.default_rng(4).integers(20, 230, size=(24, 3))
    card = np.zeros((400, 600, 3), dtype=np.uint8)
    for index, colour in enumerate(colours):
        row, column = divmod(index, 6)
        card[row * 100 : (row + 1) * 100, column * 100 : (column + 1) * 100] = colour
    corners = ((0.0, 0.0), (600.0, 0.0), (600.0, 400.0), (0.0, 400.0))
    assert np.array_equal(sample_card(card, corners), colours.astype(float))
    with pytest.raises(ValueError, match="outside"):
        sample_card(card, ((0.0, 0.0), (900.0, 0.0), (900.0, 600.0), (0.0, 600.0)))

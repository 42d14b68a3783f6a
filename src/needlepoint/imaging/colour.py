"""Colour science for zone metrics: sRGB <-> CIELAB (D65, 2-degree observer), ITA, the
reference-zone normalisation of redness, dark-spot detection and colour-card calibration.

Everything works on the pixels it is given (a zone's pixels or a small face crop), never on a
whole 12-MP frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.floating[Any]]
ByteArray = npt.NDArray[np.uint8]
BoolArray = npt.NDArray[np.bool_]

# sRGB (IEC 61966-2-1) primaries, D65 white.
SRGB_TO_XYZ: FloatArray = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
XYZ_TO_SRGB: FloatArray = np.linalg.inv(SRGB_TO_XYZ)
D65_WHITE: FloatArray = np.array([0.95047, 1.0, 1.08883])
D50_WHITE: FloatArray = np.array([0.96422, 1.0, 0.82521])
# Bradford chromatic adaptation.
_BRADFORD: FloatArray = np.array(
    [[0.8951, 0.2664, -0.1614], [-0.7502, 1.7135, 0.0367], [0.0389, -0.0685, 1.0296]]
)

_EPSILON = (6 / 29) ** 3
_KAPPA_SLOPE = 1 / (3 * (6 / 29) ** 2)


def _srgb_lut() -> FloatArray:
    values = np.arange(256, dtype=np.float64) / 255
    return np.where(values <= 0.04045, values / 12.92, ((values + 0.055) / 1.055) ** 2.4)


SRGB_TO_LINEAR_LUT: FloatArray = _srgb_lut()
_SRGB_TO_LINEAR_LUT32: FloatArray = SRGB_TO_LINEAR_LUT.astype(np.float32)


def srgb_to_linear(rgb: ByteArray, fast: bool = False) -> FloatArray:
    """8-bit sRGB values to linear light in [0, 1] (a table look-up). `fast` gives float32,
    half the memory traffic and precise to far below 0.01 L*, a* or b*."""
    return (_SRGB_TO_LINEAR_LUT32 if fast else SRGB_TO_LINEAR_LUT)[rgb]


def linear_to_srgb(linear: FloatArray) -> FloatArray:
    """Linear light to gamma-encoded sRGB in [0, 1] (not clipped, not rounded)."""
    clipped = np.clip(linear, 0.0, None)
    return np.where(clipped <= 0.0031308, clipped * 12.92, 1.055 * clipped ** (1 / 2.4) - 0.055)


def _f(t: FloatArray) -> FloatArray:
    return np.where(t > _EPSILON, np.cbrt(t), t * _KAPPA_SLOPE + 4 / 29)


def _f_inverse(t: FloatArray) -> FloatArray:
    return np.where(t > 6 / 29, t**3, (t - 4 / 29) / _KAPPA_SLOPE)


def xyz_to_lab(xyz: FloatArray, white: FloatArray = D65_WHITE) -> FloatArray:
    f = _f(xyz / white.astype(xyz.dtype))
    lab = np.empty_like(f)
    lab[..., 0] = 116 * f[..., 1] - 16
    lab[..., 1] = 500 * (f[..., 0] - f[..., 1])
    lab[..., 2] = 200 * (f[..., 1] - f[..., 2])
    return lab


def lab_to_xyz(lab: FloatArray, white: FloatArray = D65_WHITE) -> FloatArray:
    fy = (lab[..., 0] + 16) / 116
    fx = fy + lab[..., 1] / 500
    fz = fy - lab[..., 2] / 200
    return np.stack([_f_inverse(fx), _f_inverse(fy), _f_inverse(fz)], axis=-1) * white


def linear_to_lab(linear: FloatArray) -> FloatArray:
    """Linear sRGB (..., 3) to CIELAB (..., 3), in the input's precision."""
    return xyz_to_lab(linear @ SRGB_TO_XYZ.T.astype(linear.dtype))


def srgb_to_lab(rgb: ByteArray) -> FloatArray:
    """8-bit sRGB (..., 3) to CIELAB L*, a*, b* (..., 3), D65, 2-degree observer."""
    return linear_to_lab(srgb_to_linear(rgb))


def lab_to_linear(lab: FloatArray) -> FloatArray:
    return lab_to_xyz(lab) @ XYZ_TO_SRGB.T


def lab_to_srgb8(lab: FloatArray) -> ByteArray:
    """CIELAB to 8-bit sRGB (clipped to the gamut, rounded)."""
    encoded = linear_to_srgb(lab_to_linear(lab))
    result: ByteArray = np.clip(np.rint(encoded * 255), 0, 255).astype(np.uint8)
    return result


def luminance_lstar(rgb: ByteArray) -> FloatArray:
    """L* only (cheaper than full Lab): from the relative luminance Y."""
    linear = srgb_to_linear(rgb, fast=True)
    y = linear @ SRGB_TO_XYZ[1].astype(np.float32)
    return np.asarray(116 * _f(y) - 16)


def ita_degrees(lstar: FloatArray | float, bstar: FloatArray | float) -> FloatArray:
    """Individual typology angle: arctan((L* - 50) / b*) in degrees (arctan2: no division
    by zero when b* is 0)."""
    return np.asarray(np.degrees(np.arctan2(np.asarray(lstar) - 50, np.asarray(bstar))))


ITA_BANDS: tuple[tuple[str, float, float], ...] = (
    ("very_light", 55.0, 90.0),
    ("light", 41.0, 55.0),
    ("intermediate", 28.0, 41.0),
    ("tan", 10.0, 28.0),
    ("brown", -30.0, 10.0),
    ("dark", -90.0, -30.0),
)


def ita_band(ita: float) -> str:
    """The ITA category (Chardon's bands): very light > 55 deg ... dark < -30 deg."""
    for name, low, high in ITA_BANDS:
        if low < ita <= high or (name == "very_light" and ita > high):
            return name
    return "dark"


# ---------------------------------------------------------------- reference normalisation

# X-Rite ColorChecker Classic, formulation after November 2014: CIE xyY under D50
# (2-degree observer), in patch order: dark skin ... black 2. Published by the maker; values
# as given in the colour-science dataset "ColorChecker24 - After November 2014".
COLORCHECKER_NAMES: tuple[str, ...] = (
    "dark skin", "light skin", "blue sky", "foliage", "blue flower", "bluish green",
    "orange", "purplish blue", "moderate red", "purple", "yellow green", "orange yellow",
    "blue", "green", "red", "yellow", "magenta", "cyan",
    "white 9.5", "neutral 8", "neutral 6.5", "neutral 5", "neutral 3.5", "black 2",
)  # fmt: skip
COLORCHECKER_XYY_D50: FloatArray = np.array(
    [
        [0.43748360, 0.37852284, 0.09832436], [0.42224944, 0.37249369, 0.33620230],
        [0.27614744, 0.29838157, 0.17855193], [0.37331613, 0.45116914, 0.13467927],
        [0.30289052, 0.28628691, 0.22871760], [0.28640483, 0.38971778, 0.41435547],
        [0.52814772, 0.40533497, 0.31264162], [0.23238585, 0.21120372, 0.10910902],
        [0.50444755, 0.32706475, 0.18899996], [0.33347115, 0.25055230, 0.06276663],
        [0.39889345, 0.50414915, 0.43317594], [0.49357600, 0.44428320, 0.42933776],
        [0.20522077, 0.16866548, 0.05596214], [0.32303796, 0.51041818, 0.22334376],
        [0.56287232, 0.33556281, 0.12780083], [0.46775935, 0.47602443, 0.59929768],
        [0.42131089, 0.26692462, 0.18951146], [0.20912872, 0.30265801, 0.18060991],
        [0.34891449, 0.36421258, 0.88069032], [0.34558386, 0.35988061, 0.58997097],
        [0.34414983, 0.35918507, 0.36486521], [0.34576922, 0.35909383, 0.19062288],
        [0.34264843, 0.35758352, 0.08817235], [0.34376747, 0.35605763, 0.03151319],
    ]
)  # fmt: skip


def _xyy_to_xyz(xyy: FloatArray) -> FloatArray:
    x, y, big_y = xyy[..., 0], xyy[..., 1], xyy[..., 2]
    return np.stack([x * big_y / y, big_y, (1 - x - y) * big_y / y], axis=-1)


def _bradford(source_white: FloatArray, target_white: FloatArray) -> FloatArray:
    cone_source = _BRADFORD @ source_white
    cone_target = _BRADFORD @ target_white
    return np.asarray(np.linalg.inv(_BRADFORD) @ np.diag(cone_target / cone_source) @ _BRADFORD)


def colorchecker_linear_srgb() -> FloatArray:
    """The 24 patches as linear sRGB (D65, Bradford-adapted from D50); may leave the gamut."""
    xyz_d65 = _xyy_to_xyz(COLORCHECKER_XYY_D50) @ _bradford(D50_WHITE, D65_WHITE).T
    return np.asarray(xyz_d65 @ XYZ_TO_SRGB.T)


# The fixed colour on which redness relative to the reference zone is expressed: the
# ColorChecker "light skin" patch. Any fixed colour makes the measure independent of the
# photo's lighting; this one is a traceable, skin-like choice.
REFERENCE_SKIN_LINEAR: FloatArray = colorchecker_linear_srgb()[1]
REFERENCE_SKIN_LAB: FloatArray = linear_to_lab(REFERENCE_SKIN_LINEAR)


def a_relative_to_reference(zone_linear_mean: FloatArray, ref_linear_mean: FloatArray) -> float:
    """Redness of a zone relative to the reference zone of the same photo, with the photo's
    lighting cancelled.

    Both zones' mean linear RGB are divided channel by channel (a von Kries normalisation on
    the reference zone) and the ratio is placed on a fixed skin colour; the result is the a*
    difference there. Brightness and colour-temperature changes of the light, which scale
    the channels, cancel exactly (up to clipping and 8-bit rounding).
    """
    ratio = zone_linear_mean / np.maximum(ref_linear_mean, 1e-6)
    lab = linear_to_lab(REFERENCE_SKIN_LINEAR * ratio)
    return float(lab[1] - REFERENCE_SKIN_LAB[1])


# ---------------------------------------------------------------- calibration with a card


@dataclass(frozen=True)
class ColourCorrection:
    """A 3x3 matrix on linear sRGB fitted from a colour card photographed with the patient."""

    matrix: tuple[
        tuple[float, float, float], tuple[float, float, float], tuple[float, float, float]
    ]
    residual_delta_e: float
    patches: int

    def apply_linear(self, linear: FloatArray) -> FloatArray:
        return np.asarray(linear @ np.array(self.matrix).T)


def fit_colour_correction(
    measured_srgb: ByteArray | FloatArray, reference_linear: FloatArray | None = None
) -> ColourCorrection:
    """Least-squares 3x3 correction from the card's patch colours as photographed (8-bit
    sRGB, one row per patch, in card order) to their published values (default: the
    ColorChecker Classic 24, after November 2014)."""
    measured = np.asarray(measured_srgb, dtype=np.float64)
    if measured.ndim != 2 or measured.shape[1] != 3 or measured.shape[0] < 4:
        raise ValueError("need at least 4 patches, one RGB row each")
    reference = colorchecker_linear_srgb() if reference_linear is None else reference_linear
    if reference.shape != measured.shape:
        raise ValueError(f"expected {reference.shape[0]} patches, got {measured.shape[0]}")
    measured_linear = srgb_to_linear(np.clip(np.rint(measured), 0, 255).astype(np.uint8))
    usable = np.all((measured > 3) & (measured < 252), axis=1)  # clipped patches mislead
    if usable.sum() < 4:
        raise ValueError("fewer than 4 card patches are neither black-clipped nor white-clipped")
    solution, *_ = np.linalg.lstsq(measured_linear[usable], reference[usable], rcond=None)
    matrix = solution.T
    corrected = measured_linear[usable] @ matrix.T
    delta = linear_to_lab(np.clip(corrected, 0, None)) - linear_to_lab(
        np.clip(reference[usable], 0, None)
    )
    residual = float(np.mean(np.linalg.norm(delta, axis=1)))
    rows = [(float(row[0]), float(row[1]), float(row[2])) for row in matrix]
    return ColourCorrection(
        matrix=(rows[0], rows[1], rows[2]),
        residual_delta_e=residual,
        patches=int(usable.sum()),
    )


def sample_card(
    rgb: ByteArray,
    corners: tuple[tuple[float, float], ...],
    rows: int = 4,
    columns: int = 6,
    patch_fraction: float = 0.4,
) -> FloatArray:
    """Mean colour of each patch of a card whose four outer corners are given (top-left,
    top-right, bottom-right, bottom-left of the card as it reads, in image pixels). Each patch
    is sampled in a square around its centre, `patch_fraction` of the patch pitch wide."""
    if len(corners) != 4:
        raise ValueError("the card needs exactly four corners")
    quad = np.array(corners, dtype=np.float64)
    height, width = rgb.shape[:2]
    pitch = min(
        np.linalg.norm(quad[1] - quad[0]) / columns, np.linalg.norm(quad[3] - quad[0]) / rows
    )
    half = max(1, int(pitch * patch_fraction / 2))
    means = np.empty((rows * columns, 3))
    for row in range(rows):
        for column in range(columns):
            u, v = (column + 0.5) / columns, (row + 0.5) / rows
            top = quad[0] + (quad[1] - quad[0]) * u
            bottom = quad[3] + (quad[2] - quad[3]) * u
            cx, cy = top + (bottom - top) * v
            x0, x1 = int(cx) - half, int(cx) + half + 1
            y0, y1 = int(cy) - half, int(cy) + half + 1
            if x0 < 0 or y0 < 0 or x1 > width or y1 > height:
                raise ValueError("the card's corners lie outside the photo")
            means[row * columns + column] = rgb[y0:y1, x0:x1].reshape(-1, 3).mean(axis=0)
    return means


# ---------------------------------------------------------------- dark spots


def box_mean(values: FloatArray, weights: FloatArray, radius: int) -> FloatArray:
    """Weighted mean over a (2r+1)^2 window via integral images (weights 0 outside a zone)."""
    pad = radius + 1

    def window_sum(array: FloatArray) -> FloatArray:
        padded = np.pad(array, ((pad, pad), (pad, pad)))
        integral = padded.cumsum(axis=0).cumsum(axis=1)
        size = 2 * radius + 1
        return np.asarray(
            integral[size:, size:]
            - integral[:-size, size:]
            - integral[size:, :-size]
            + integral[:-size, :-size]
        )[: values.shape[0], : values.shape[1]]

    total = window_sum(values * weights)
    count = window_sum(weights)
    return np.asarray(total / np.maximum(count, 1e-9))


def label_components(mask: BoolArray) -> tuple[npt.NDArray[np.int32], int]:
    """4-connected components of a boolean image (0 = background; 1..n labels)."""
    labels = np.zeros(mask.shape, dtype=np.int32)
    height, width = mask.shape
    count = 0
    ys, xs = np.nonzero(mask)
    for start_y, start_x in zip(ys.tolist(), xs.tolist(), strict=True):
        if labels[start_y, start_x]:
            continue
        count += 1
        labels[start_y, start_x] = count
        stack = [(start_y, start_x)]
        while stack:
            y, x = stack.pop()
            for ny, nx in ((y - 1, x), (y + 1, x), (y, x - 1), (y, x + 1)):
                if 0 <= ny < height and 0 <= nx < width and mask[ny, nx] and not labels[ny, nx]:
                    labels[ny, nx] = count
                    stack.append((ny, nx))
    return labels, count


@dataclass(frozen=True)
class SpotResult:
    count: int
    area_pixels: int
    areas: tuple[int, ...]


def dark_spots(
    lstar: FloatArray,
    usable: BoolArray,
    delta_l: float,
    min_area_px: int,
    background_radius_px: int,
    zone: BoolArray | None = None,
) -> SpotResult:
    """Regions darker than the zone's own surrounding skin by at least `delta_l` (L* units),
    of at least `min_area_px` pixels. The surrounding skin is the local mean L* over a window
    of `background_radius_px`, so gentle shading across a cheek is not counted. `usable` are
    the zone's measurable pixels, `zone` its whole outline (default: `usable`)."""
    weights = usable.astype(np.float64)
    background = box_mean(lstar, weights, background_radius_px)
    candidates = usable & (lstar < background - delta_l)
    if not candidates.any():
        return SpotResult(0, 0, ())
    labels, count = label_components(candidates)
    sizes = np.bincount(labels.ravel(), minlength=count + 1)
    # A dark region cut by the zone's edge is hair, a brow, a fold's shadow or a spot that is
    # not wholly inside: none can be measured as a spot of this zone.
    on_edge = set(np.unique(labels[_edge(usable if zone is None else zone)]).tolist()) - {0}
    kept = tuple(
        int(sizes[label])
        for label in range(1, count + 1)
        if sizes[label] >= min_area_px and label not in on_edge
    )
    return SpotResult(len(kept), int(sum(kept)), kept)


def _edge(mask: BoolArray) -> BoolArray:
    """Pixels of `mask` with a 4-neighbour outside it (or on the array's border)."""
    padded = np.pad(mask, 1)
    interior = padded[:-2, 1:-1] & padded[2:, 1:-1] & padded[1:-1, :-2] & padded[1:-1, 2:] & mask
    edge: BoolArray = mask & ~interior
    return edge

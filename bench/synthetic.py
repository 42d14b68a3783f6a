"""Synthetic test photos made from the one colour face photo that ships offline
(`skimage.data.astronaut()`, 512 x 512): enlarged copies, known transforms, painted redness
and spots, other skin tones and lighting. Used by tests/imaging and the bench."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from PIL import Image

from needlepoint.imaging.colour import lab_to_srgb8, linear_to_srgb, srgb_to_lab, srgb_to_linear
from needlepoint.imaging.landmarks import FaceLandmarks
from needlepoint.imaging.zones import face_mask, zone_masks

ByteArray = npt.NDArray[np.uint8]
BoolArray = npt.NDArray[np.bool_]


def astronaut(scale: float = 1.0) -> Image.Image:
    from skimage import data

    image = Image.fromarray(data.astronaut())  # type: ignore[no-untyped-call]
    if scale == 1.0:
        return image
    size = (round(512 * scale), round(512 * scale))
    return image.resize(size, Image.Resampling.LANCZOS)


def similarity_warp(
    image: Image.Image, scale: float, rotation_deg: float, shift: tuple[float, float]
) -> Image.Image:
    """The photo moved by x' = scale * R(rotation) * x + shift (image coordinates, y down,
    positive rotation clockwise on screen), same canvas size."""
    angle = math.radians(rotation_deg)
    a, b = scale * math.cos(angle), scale * math.sin(angle)
    forward = np.array([[a, -b], [b, a]])
    inverse = np.linalg.inv(forward)
    offset = -inverse @ np.array(shift)
    coefficients = (
        inverse[0, 0], inverse[0, 1], offset[0], inverse[1, 0], inverse[1, 1], offset[1],
    )  # fmt: skip
    return image.transform(
        image.size,
        Image.Transform.AFFINE,
        tuple(float(c) for c in coefficients),
        resample=Image.Resampling.BICUBIC,
    )


def zone_mask_full(landmarks: FaceLandmarks, size: tuple[int, int], zone: str) -> BoolArray:
    """A zone's mask over the whole photo."""
    zone_mask = zone_masks(landmarks, size, (zone,))[zone]
    full = np.zeros((size[1], size[0]), dtype=bool)
    left, top, right, bottom = zone_mask.box()
    full[top:bottom, left:right] = zone_mask.mask
    return full


def shift_lab(
    image: Image.Image,
    mask: BoolArray,
    delta: tuple[float, float, float],
) -> Image.Image:
    """Add (dL*, da*, db*) to the pixels under `mask`."""
    rgb = np.asarray(image).copy()
    lab = srgb_to_lab(rgb[mask])
    lab += np.array(delta)
    rgb[mask] = lab_to_srgb8(lab)
    return Image.fromarray(rgb)


def paint_spots(
    image: Image.Image,
    centres: list[tuple[float, float]],
    radius_px: float,
    delta_l: float,
) -> Image.Image:
    """Darken round spots (by `delta_l` L*, soft 1-px rim) at the given centres."""
    rgb = np.asarray(image).copy()
    reach = math.ceil(radius_px + 1)
    for cx, cy in centres:
        x0, y0 = max(0, int(cx) - reach), max(0, int(cy) - reach)
        window = rgb[y0 : int(cy) + reach + 1, x0 : int(cx) + reach + 1]
        ys, xs = np.mgrid[0 : window.shape[0], 0 : window.shape[1]]
        distance = np.hypot(xs + x0 + 0.5 - cx, ys + y0 + 0.5 - cy)
        weight = np.clip(radius_px + 0.5 - distance, 0, 1)
        inside = weight > 0
        lab = srgb_to_lab(window[inside])
        lab[:, 0] += delta_l * weight[inside]
        window[inside] = lab_to_srgb8(lab)
    return Image.fromarray(rgb)


def relight(image: Image.Image, gains: tuple[float, float, float]) -> Image.Image:
    """The same scene under other light: linear RGB scaled per channel (brightness: equal
    gains; colour temperature: a warmer or cooler ratio), clipped as a camera would."""
    linear = srgb_to_linear(np.asarray(image)) * np.array(gains)
    encoded = linear_to_srgb(np.clip(linear, 0, 1))
    return Image.fromarray(np.clip(np.rint(encoded * 255), 0, 255).astype(np.uint8))


def retone(
    image: Image.Image,
    landmarks: FaceLandmarks,
    target_l: float,
    target_b: float,
    reference: tuple[float, float],
) -> tuple[Image.Image, float, float]:
    """The face (inside its silhouette) shifted in L* and b* so that a skin whose mean was
    `reference` (L*, b*) now has (target_l, target_b); features keep their contrast. Returns
    the image and the shifts applied."""
    mask = face_mask(landmarks, image.size)
    d_l, d_b = target_l - reference[0], target_b - reference[1]
    return shift_lab(image, mask, (d_l, 0.0, d_b)), d_l, d_b


def interior_points(mask: BoolArray, margin_px: int, count: int) -> list[tuple[float, float]]:
    """`count` well-spread pixel centres at least `margin_px` inside `mask` (farthest-point
    sampling from the interior's first pixel)."""
    inner = mask.copy()
    for _ in range(margin_px):
        padded = np.pad(inner, 1)
        inner = padded[:-2, 1:-1] & padded[2:, 1:-1] & padded[1:-1, :-2] & padded[1:-1, 2:] & inner
    ys, xs = np.nonzero(inner)
    if len(xs) == 0:
        raise ValueError("the mask has no interior that deep")
    candidates = np.stack([xs + 0.5, ys + 0.5], axis=1)
    chosen = [candidates[len(candidates) // 2]]
    distance = np.linalg.norm(candidates - chosen[0], axis=1)
    while len(chosen) < count:
        index = int(np.argmax(distance))
        chosen.append(candidates[index])
        distance = np.minimum(distance, np.linalg.norm(candidates - candidates[index], axis=1))
    return [(float(x), float(y)) for x, y in chosen]

"""Facial zones as polygons on the face-mesh landmarks.

The names are the assessment and charting zones of the clinical knowledge (`zones.toml`):
forehead, nose, left_cheek, right_cheek, perioral, chin. Left and right are the patient's:
on a frontal, non-mirrored photo the left cheek is on the image's right.

Each zone keeps to skin: the forehead stops below the usual hairline and above the brows,
the cheeks stay below the lower eyelid and outside the nasolabial fold, the perioral ring
leaves out the lips (with a margin), the nose leaves out the nostrils. A vertex is a
landmark, or a point part of the way from one landmark towards another.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw

from needlepoint.imaging.landmarks import FaceLandmarks

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

ZONES = ("forehead", "nose", "left_cheek", "right_cheek", "perioral", "chin")

# A vertex: a landmark index, or (from, towards, fraction).
Vertex = int | tuple[int, int, float]

_ZONE_POLYGONS: dict[str, tuple[Vertex, ...]] = {
    # Lower forehead: from just above the brows and glabella to three quarters of the way up
    # to the mid-forehead row (a fringe often covers the rest).
    "forehead": (
        (105, 104, 0.75), (66, 69, 0.75), (107, 108, 0.75), (9, 151, 0.75),
        (336, 337, 0.75), (296, 299, 0.75), (334, 333, 0.75),
        (334, 333, 0.2), (296, 299, 0.2), (336, 337, 0.2), (9, 151, 0.15),
        (107, 108, 0.2), (66, 69, 0.2), (105, 104, 0.2),
    ),
    # Dorsum and tip, without the alae and nostrils.
    "nose": (168, 351, 419, 248, 281, 275, 1, 45, 51, 3, 196, 122),
    # Patient's right cheek (image left): below the lower lid, lateral to the nose and the
    # nasolabial fold, down to beside the mouth.
    "right_cheek": (117, 118, 119, 100, 142, 36, 205, 207, 212, 214, 192, 213, 147, 123),
    "left_cheek": (346, 347, 348, 329, 371, 266, 425, 427, 432, 434, 416, 433, 376, 352),
    # Ring around the mouth inside the nasolabial folds; the lips are cut out below.
    "perioral": (
        167, 164, 393, 391, 322, 410, 287, 273, 335, 406, 418, 421, 200, 201, 194, 182, 106,
        43, 57, 186, 92, 165,
    ),
    "chin": (194, 201, 200, 421, 418, 428, 396, 175, 171, 208),
}  # fmt: skip

# Outer contour of the lips, cut out of the perioral ring after growing it by a margin.
_LIPS = (61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291, 375, 321, 405, 314, 17, 84, 181, 91, 146)
_LIP_MARGIN = 0.18

# The zones each pose shows well enough to measure.
ZONES_BY_POSE: dict[str, tuple[str, ...]] = {
    "frontal": ZONES,
    "left_oblique": ("forehead", "nose", "left_cheek", "perioral", "chin"),
    "right_oblique": ("forehead", "nose", "right_cheek", "perioral", "chin"),
    "left_profile": ("left_cheek",),
    "right_profile": ("right_cheek",),
}


def _vertex(points: FloatArray, vertex: Vertex) -> tuple[float, float]:
    if isinstance(vertex, int):
        return float(points[vertex, 0]), float(points[vertex, 1])
    start, towards, fraction = vertex
    x, y = points[start, :2] + (points[towards, :2] - points[start, :2]) * fraction
    return float(x), float(y)


def zone_polygon(landmarks: FaceLandmarks, zone: str) -> list[tuple[float, float]]:
    """The zone's outline in the landmarks' pixel coordinates."""
    return [_vertex(landmarks.points, vertex) for vertex in _ZONE_POLYGONS[zone]]


def _rasterise(polygon: list[tuple[float, float]], size: tuple[int, int]) -> BoolArray:
    canvas = Image.new("1", size, 0)
    # Pillow fills pixels whose centres are inside when given centre-based coordinates.
    ImageDraw.Draw(canvas).polygon([(x - 0.5, y - 0.5) for x, y in polygon], fill=1)
    return np.array(canvas, dtype=bool)


def _grown(polygon: list[tuple[float, float]], margin: float) -> list[tuple[float, float]]:
    centre = np.mean(np.array(polygon), axis=0)
    return [
        (float(centre[0] + (x - centre[0]) * (1 + margin)),
         float(centre[1] + (y - centre[1]) * (1 + margin)))
        for x, y in polygon
    ]  # fmt: skip


@dataclass(frozen=True)
class ZoneMask:
    """A zone's pixels within a bounding box of the image: `mask[y, x]` covers
    `image[top + y, left + x]`."""

    name: str
    left: int
    top: int
    mask: BoolArray
    polygon: tuple[tuple[float, float], ...]

    @property
    def pixels(self) -> int:
        return int(self.mask.sum())

    def box(self) -> tuple[int, int, int, int]:
        height, width = self.mask.shape
        return self.left, self.top, self.left + width, self.top + height


def zone_masks(
    landmarks: FaceLandmarks, image_size: tuple[int, int], zones: tuple[str, ...] = ZONES
) -> dict[str, ZoneMask]:
    """Masks of the requested zones, each cut to its bounding box (zones outside the image
    are cut at its edge; a zone with no pixel left is omitted)."""
    width, height = image_size
    lips = _grown([_vertex(landmarks.points, v) for v in _LIPS], _LIP_MARGIN)
    masks: dict[str, ZoneMask] = {}
    for zone in zones:
        polygon = zone_polygon(landmarks, zone)
        xs = [x for x, _ in polygon] + ([x for x, _ in lips] if zone == "perioral" else [])
        ys = [y for _, y in polygon] + ([y for _, y in lips] if zone == "perioral" else [])
        left = max(0, int(np.floor(min(xs))))
        top = max(0, int(np.floor(min(ys))))
        right = min(width, int(np.ceil(max(xs))) + 1)
        bottom = min(height, int(np.ceil(max(ys))) + 1)
        if right <= left or bottom <= top:
            continue
        local = [(x - left, y - top) for x, y in polygon]
        mask = _rasterise(local, (right - left, bottom - top))
        if zone == "perioral":
            mask &= ~_rasterise(
                [(x - left, y - top) for x, y in lips], (right - left, bottom - top)
            )
        if mask.any():
            masks[zone] = ZoneMask(zone, left, top, mask, tuple(polygon))
    return masks


def face_outline(landmarks: FaceLandmarks) -> list[tuple[float, float]]:
    """The face's silhouette (forehead top, around the jaw), for whole-face checks."""
    return [_vertex(landmarks.points, v) for v in _FACE_OVAL]


_FACE_OVAL = (
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377,
    152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
)  # fmt: skip


def face_mask(landmarks: FaceLandmarks, image_size: tuple[int, int]) -> BoolArray:
    """The whole face inside its silhouette, as a full-size mask."""
    return _rasterise(face_outline(landmarks), image_size)

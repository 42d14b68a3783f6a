"""A sample face photo that ships with the package, for the demo's sample photos and the
tests: the face of the astronaut portrait scikit-image bundles (NASA photograph of Eileen
Collins, in the public domain), cropped from its 512 x 512 original at (150, 40, 300, 210).
Not a patient: the demo labels every photo made from it as sample data."""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy as np
from PIL import Image

CLOSE_UP_SIZE = (900, 1020)


def astronaut_face() -> Image.Image:
    """The face crop, 150 x 170 px, as stored (lossless)."""
    with resources.files(__package__).joinpath("astronaut-face.png").open("rb") as file:
        return Image.open(file).convert("RGB")


@cache
def close_up_image(seed: int = 0) -> Image.Image:
    """The face enlarged about six times, with a little sensor-like grain so that it is not
    soft: a photo that passes the quality gate."""
    large = astronaut_face().resize(CLOSE_UP_SIZE, Image.Resampling.LANCZOS)
    grain = np.random.default_rng(seed).normal(0, 6, (CLOSE_UP_SIZE[1], CLOSE_UP_SIZE[0], 1))
    pixels = np.clip(np.asarray(large, dtype=np.float32) + grain, 0, 255).astype(np.uint8)
    return Image.fromarray(pixels)

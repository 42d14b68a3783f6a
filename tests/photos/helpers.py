"""Photos for the app's tests, made from the one colour face photo that ships offline
(scikit-image's astronaut, 512 x 512), and a patient's photo consent.

- `astronaut_jpeg()` / `astronaut_png()`: the whole 512-px photo; its face is about 90 px
  wide, so the quality gate says "move closer" (a practitioner may keep it anyway).
- `close_up()`: the face (as `needlepoint.imaging.samples` ships it) enlarged about six
  times, with a little sensor-like grain so that it is not soft: a photo that passes the gate
  (about 0.15 s to measure).
"""

from __future__ import annotations

import io
import math
from typing import Any

from bench.synthetic import astronaut, similarity_warp
from PIL import Image

from needlepoint.imaging.samples import close_up_image
from needlepoint.patients.consents import consent_sign, consent_template_publish
from needlepoint.patients.models import Consent, ConsentTemplate
from tests.conftest import as_actor

CAPTURED = "2026:01:15 10:30:00"
CAMERA_MAKER = "PhoneMaker"


def jpeg(image: Image.Image, **params: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92, **params)
    return buffer.getvalue()


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def close_up(seed: int = 0) -> bytes:
    return jpeg(close_up_image(seed))


def turned_close_up(scale: float = 1.05, rotation_deg: float = 6.0) -> bytes:
    """The close-up as if the camera had been a little nearer and tilted, about the centre."""
    image = close_up_image(1)
    cx, cy = image.width / 2, image.height / 2
    angle = math.radians(rotation_deg)
    turned_x = scale * (math.cos(angle) * cx - math.sin(angle) * cy)
    turned_y = scale * (math.sin(angle) * cx + math.cos(angle) * cy)
    return jpeg(similarity_warp(image, scale, rotation_deg, (cx - turned_x, cy - turned_y)))


def astronaut_jpeg(**params: Any) -> bytes:
    return jpeg(astronaut(), **params)


def astronaut_png() -> bytes:
    return png(astronaut())


def camera_exif(orientation: int = 1) -> Image.Exif:
    """What a phone writes: maker, capture time with its UTC offset, and where it was."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = CAMERA_MAKER
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = CAPTURED
    sub[0x9011] = "+02:00"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (51.0, 30.0, 0.0), "W", (0.0, 7.0, 0.0)
    return exif


def sideways_close_up_with_exif() -> bytes:
    """The close-up stored on its side, with EXIF saying to turn it (orientation 6), GPS and
    the capture time."""
    sideways = close_up_image().transpose(Image.Transpose.ROTATE_90)
    return jpeg(sideways, exif=camera_exif(orientation=6))


def no_face() -> bytes:
    """A sharp, evenly lit photo of something else (a mug of coffee)."""
    from skimage import data

    return jpeg(Image.fromarray(data.coffee()))


def photo_consent(
    admin: Any, patient: Any, uses: tuple[str, ...] = ("clinical_record",)
) -> Consent:
    """The patient signs the clinic's photo consent (published if there is none yet)."""
    actor = as_actor(admin)
    template = ConsentTemplate.objects.filter(
        clinic=actor.clinic, kind="photo", active=True
    ).first()
    if template is None:
        template = consent_template_publish(
            actor, "photo", "Photographs", "I agree to photographs of my face being taken."
        )
    return consent_sign(actor, patient.pk, template.pk, patient.full_name, photo_uses=uses)

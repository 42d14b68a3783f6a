"""Safe ingest of uploaded photos: JPEG, PNG and HEIC/HEIF.

Order of checks, cheapest first and before any pixel is decoded:
1. size in bytes (`IngestLimits.max_bytes`);
2. the content's signature (magic bytes), and the file name's extension must agree with it
   (a PDF or a script named `.jpg` is refused, and so is a JPEG named `.png`);
3. the header's width x height (`IngestLimits.max_pixels`): decompression bombs are refused
   before decoding;
4. decoding; truncated or corrupt data is refused (never "repaired" with grey pixels).

Then the EXIF orientation is applied, an embedded colour profile converted to sRGB, and every
piece of metadata dropped (EXIF with GPS, XMP, comments, ICC). The capture time is read
before that and returned separately, so the database can keep it. The clean photo is
re-encoded as JPEG (quality 95, no chroma subsampling) and named with a random internal name.
"""

from __future__ import annotations

import hashlib
import io
import secrets
import struct
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path

from PIL import Image, ImageCms, ImageFile, UnidentifiedImageError

from needlepoint.imaging.errors import ImageRejected

FORMAT_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "jpeg": (".jpg", ".jpeg"),
    "png": (".png",),
    "heif": (".heic", ".heif", ".hif"),
}
_FORMAT_NAMES = {"jpeg": "JPEG", "png": "PNG", "heif": "HEIC"}
_PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG", "heif": "HEIF"}
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs"}
_HEIF_GENERIC_BRANDS = {b"mif1", b"msf1"}

_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
_ORIENTATION = 0x0112
_DATETIME = 0x0132
_DATETIME_ORIGINAL = 0x9003
_OFFSET_TIME = 0x9010
_OFFSET_TIME_ORIGINAL = 0x9011

_TRANSPOSE = {
    2: [Image.Transpose.FLIP_LEFT_RIGHT],
    3: [Image.Transpose.ROTATE_180],
    4: [Image.Transpose.FLIP_TOP_BOTTOM],
    5: [Image.Transpose.TRANSPOSE],
    6: [Image.Transpose.ROTATE_270],
    7: [Image.Transpose.TRANSVERSE],
    8: [Image.Transpose.ROTATE_90],
}

STORED_MEDIA_TYPE = "image/jpeg"
STORED_EXTENSION = ".jpg"
STORED_JPEG_QUALITY = 95


@dataclass(frozen=True)
class IngestLimits:
    """Refusal limits. 50 megapixels covers 48-MP phone cameras."""

    max_bytes: int = 40 * 1024 * 1024
    max_pixels: int = 50_000_000
    min_side: int = 64


DEFAULT_LIMITS = IngestLimits()


@dataclass(frozen=True)
class CaptureTime:
    """When the photo was taken, as the camera wrote it (EXIF DateTimeOriginal).

    `wall_clock` is the camera's local time; `utc_offset` is known only when the camera wrote
    OffsetTimeOriginal (phones do). `aware(zone)` gives a timezone-aware time, using the
    offset when known and else the given zone (the clinic's).
    """

    wall_clock: datetime
    utc_offset: timedelta | None

    def aware(self, default_zone: tzinfo) -> datetime:
        if self.utc_offset is not None:
            return self.wall_clock.replace(tzinfo=timezone(self.utc_offset))
        return self.wall_clock.replace(tzinfo=default_zone)


@dataclass(frozen=True)
class DecodedPhoto:
    """A checked, decoded photo: RGB, upright, sRGB. The pixels are in `image` (Pillow)."""

    image: Image.Image
    source_format: str
    captured_at: CaptureTime | None
    metadata_found: tuple[str, ...]

    @property
    def size(self) -> tuple[int, int]:
        return self.image.size


@dataclass(frozen=True)
class IngestedImage:
    """A photo ready to store: clean JPEG bytes without any metadata, under a random name."""

    content: bytes = field(repr=False)
    internal_name: str
    width: int
    height: int
    source_format: str
    captured_at: CaptureTime | None
    sha256: str
    metadata_removed: tuple[str, ...]
    media_type: str = STORED_MEDIA_TYPE


def sniff_format(data: bytes) -> str | None:
    """The format named by the content's signature: "jpeg", "png", "heif" or None."""
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if len(data) >= 16 and data[4:8] == b"ftyp":
        box_size = struct.unpack(">I", data[:4])[0]
        major = data[8:12]
        compatible = {data[i : i + 4] for i in range(16, min(box_size, len(data), 256) - 3, 4)}
        if major in _HEIF_BRANDS:
            return "heif"
        if major in _HEIF_GENERIC_BRANDS and compatible & _HEIF_BRANDS:
            return "heif"
    return None


def _check_name(filename: str | None, fmt: str) -> None:
    if not filename or "." not in Path(filename).name:
        return
    suffix = Path(filename).suffix.lower()
    if suffix not in FORMAT_EXTENSIONS[fmt]:
        raise ImageRejected(
            f"the file is named {suffix} but contains a {_FORMAT_NAMES[fmt]} image: "
            "upload the photo as it came from the camera",
            "extension_mismatch",
        )


_heif_lock = threading.Lock()
_heif_registered = False


def _register_heif() -> None:
    global _heif_registered
    with _heif_lock:
        if not _heif_registered:
            import pi_heif

            pi_heif.register_heif_opener()
            _heif_registered = True


@contextmanager
def _decode_errors() -> Iterator[None]:
    """Turn the decoders' many failure types into one named refusal.

    Pillow's switch for accepting truncated files is process-wide, and some libraries turn it
    on when imported (WeasyPrint does): it is held off while a photo decodes, so a cut-off
    upload is refused rather than padded with grey."""
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(
            "the image has too many pixels to be a photo from a camera", "too_many_pixels"
        ) from None
    except OSError as error:
        if "truncated" in str(error).lower():
            raise ImageRejected(
                "the photo file is incomplete (cut off during upload or copy): "
                "send the whole file again",
                "truncated",
            ) from None
        raise ImageRejected("the photo file is damaged and cannot be read", "corrupt") from None
    except (SyntaxError, ValueError, EOFError, struct.error, RuntimeError, KeyError, IndexError):
        raise ImageRejected("the photo file is damaged and cannot be read", "corrupt") from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _capture_time(exif: Image.Exif) -> CaptureTime | None:
    sub = exif.get_ifd(_EXIF_IFD)
    stamp = sub.get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
    offset_text = sub.get(_OFFSET_TIME_ORIGINAL) or sub.get(_OFFSET_TIME)
    if not isinstance(stamp, str):
        return None
    try:
        wall_clock = datetime.strptime(stamp.strip("\x00 ").strip(), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset: timedelta | None = None
    if isinstance(offset_text, str):
        try:
            parsed = datetime.strptime(offset_text.strip("\x00 ").strip(), "%z")
            offset = parsed.utcoffset()
        except ValueError:
            offset = None
    return CaptureTime(wall_clock=wall_clock, utc_offset=offset)


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode == "RGB":
        return image
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        return image.point(lambda value: value * (1 / 256)).convert("L").convert("RGB")
    if image.mode in ("L", "LA", "P", "PA", "RGBA", "RGBX", "CMYK", "YCbCr", "1", "La"):
        return image.convert("RGB")
    raise ImageRejected(
        f"the image uses a colour format ({image.mode}) that is not a camera photo",
        "unsupported_mode",
    )


_SRGB = ImageCms.createProfile("sRGB")


def _to_srgb(image: Image.Image, icc: bytes | None) -> tuple[Image.Image, bool]:
    """Convert pixels from an embedded colour profile (e.g. Display P3) to sRGB."""
    if not icc:
        return image, False
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        description = ImageCms.getProfileDescription(profile) or ""
        if "srgb" in description.lower():
            return image, True
        converted = ImageCms.profileToProfile(
            image,
            profile,
            ImageCms.ImageCmsProfile(_SRGB),
            renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
            outputMode="RGB",
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image, True  # an unreadable profile: keep the pixels as they are (sRGB assumed)
    return (converted if converted is not None else image), True


def open_image(
    data: bytes, filename: str | None = None, limits: IngestLimits = DEFAULT_LIMITS
) -> DecodedPhoto:
    """Check and decode an uploaded photo. Raises `ImageRejected` with a plain reason."""
    if not data:
        raise ImageRejected("the file is empty", "empty")
    if len(data) > limits.max_bytes:
        raise ImageRejected(
            f"the file is larger than {limits.max_bytes // (1024 * 1024)} MB", "too_large"
        )
    fmt = sniff_format(data)
    if fmt is None:
        raise ImageRejected("the file is not a JPEG, PNG or HEIC photo", "not_an_image")
    _check_name(filename, fmt)
    if fmt == "heif":
        _register_heif()
    with _decode_errors():
        try:
            image = Image.open(io.BytesIO(data), formats=[_PILLOW_FORMATS[fmt]])
        except UnidentifiedImageError:
            raise ImageRejected("the photo file is damaged and cannot be read", "corrupt") from None
        width, height = image.size
        if width * height > limits.max_pixels:
            raise ImageRejected(
                f"the image has {width}x{height} pixels, more than the "
                f"{limits.max_pixels // 1_000_000} megapixels a camera photo has",
                "too_many_pixels",
            )
        if min(width, height) < limits.min_side:
            raise ImageRejected(
                f"the image is only {width}x{height} pixels: send the original photo",
                "too_small",
            )
        image.load()
        exif = image.getexif()
    found: list[str] = []
    if len(exif):
        found.append("exif")
    if exif.get_ifd(_GPS_IFD):
        found.append("gps")
    for key in ("xmp", "XML:com.adobe.xmp", "comment", "icc_profile"):
        if image.info.get(key):
            found.append("xmp" if key.startswith("XML") else key)
    captured_at = _capture_time(exif)
    orientation = exif.get(_ORIENTATION, 1)
    icc = image.info.get("icc_profile")
    oriented: Image.Image = image
    for method in _TRANSPOSE.get(orientation if isinstance(orientation, int) else 1, []):
        oriented = oriented.transpose(method)
    with _decode_errors():
        rgb = _to_rgb(oriented)
    rgb, _ = _to_srgb(rgb, icc if isinstance(icc, bytes) else None)
    rgb.info = {}
    return DecodedPhoto(
        image=rgb,
        source_format=fmt,
        captured_at=captured_at,
        metadata_found=tuple(dict.fromkeys(found)),
    )


def encode_clean(image: Image.Image) -> bytes:
    """JPEG bytes of `image` with no metadata at all (no EXIF, GPS, XMP, ICC or comment)."""
    image.info = {}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=STORED_JPEG_QUALITY, subsampling=0)
    return buffer.getvalue()


def ingest(
    data: bytes, filename: str | None = None, limits: IngestLimits = DEFAULT_LIMITS
) -> IngestedImage:
    """Check, decode, orient and strip an uploaded photo. Raises `ImageRejected`."""
    photo = open_image(data, filename, limits)
    content = encode_clean(photo.image)
    width, height = photo.image.size
    return IngestedImage(
        content=content,
        internal_name=secrets.token_hex(16) + STORED_EXTENSION,
        width=width,
        height=height,
        source_format=photo.source_format,
        captured_at=photo.captured_at,
        sha256=hashlib.sha256(content).hexdigest(),
        metadata_removed=photo.metadata_found,
    )

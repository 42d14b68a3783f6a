"""Ingest: formats, orientation, metadata stripping, and every kind of bad file refused with a
plain reason before (or instead of) decoding."""

from __future__ import annotations

import io
import struct
import time
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from PIL import Image, ImageCms

from needlepoint.imaging import ImageRejected, IngestLimits, ingest, open_image

DATA = Path(__file__).parent / "data"


def _photo(size: tuple[int, int] = (120, 80)) -> Image.Image:
    """Red with a green top-right and a blue bottom-left quarter: orientation is visible."""
    image = Image.new("RGB", size, (200, 40, 40))
    width, height = size
    image.paste((40, 200, 40), (width // 2, 0, width, height // 2))
    image.paste((40, 40, 200), (0, height // 2, width // 2, height))
    return image


def _exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = "2025:03:04 10:11:12"
    sub[0x9011] = "+02:00"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (51.0, 30.0, 0.0), "W", (0.0, 7.0, 0.0)
    return exif


def _jpeg(image: Image.Image, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95, **params)
    return buffer.getvalue()


def _png(image: Image.Image, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", **params)
    return buffer.getvalue()


def _colours(content: bytes) -> tuple[tuple[int, ...], ...]:
    image = Image.open(io.BytesIO(content))
    width, height = image.size
    corners = ((5, 5), (width - 5, 5), (5, height - 5))
    return tuple(tuple(round(c / 40) * 40 for c in image.getpixel(xy)) for xy in corners)


def _assert_no_metadata(content: bytes) -> None:
    image = Image.open(io.BytesIO(content))
    assert len(image.getexif()) == 0
    for key in ("exif", "icc_profile", "xmp", "comment", "XML:com.adobe.xmp"):
        assert key not in image.info
    for marker in (b"Exif\x00\x00", b"PhoneMaker", b"http://ns.adobe.com/xap", b"ICC_PROFILE"):
        assert marker not in content


def test_jpeg_is_turned_upright_and_stripped_of_exif_and_gps() -> None:
    data = _jpeg(_photo(), exif=_exif(orientation=6))
    photo = ingest(data, "IMG_0001.JPG")
    # Orientation 6: the camera was turned; the stored photo is upright (80 x 120), the blue
    # quarter now top-left, red top-right.
    assert (photo.width, photo.height) == (80, 120)
    assert _colours(photo.content) == ((40, 40, 200), (200, 40, 40), (200, 40, 40))
    _assert_no_metadata(photo.content)
    assert "gps" in photo.metadata_removed
    assert "exif" in photo.metadata_removed
    assert photo.media_type == "image/jpeg"
    assert photo.source_format == "jpeg"


def test_capture_time_is_kept_apart_from_the_photo() -> None:
    photo = ingest(_jpeg(_photo(), exif=_exif()), "a.jpg")
    assert photo.captured_at is not None
    # 10:11:12 at UTC+02:00, whatever zone the clinic is in.
    assert photo.captured_at.aware(UTC) == datetime(2025, 3, 4, 8, 11, 12, tzinfo=UTC)
    assert photo.captured_at.utc_offset == timedelta(hours=2)


def test_capture_time_without_offset_takes_the_clinic_zone() -> None:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2025:07:01 09:00:00"
    photo = ingest(_jpeg(_photo(), exif=exif), "a.jpg")
    assert photo.captured_at is not None
    assert photo.captured_at.utc_offset is None
    aware = photo.captured_at.aware(ZoneInfo("Europe/London"))
    assert aware.utcoffset() == timedelta(hours=1)


def test_heic_from_a_phone_is_decoded_upright_and_stripped() -> None:
    data = (DATA / "rotated-gps.heic").read_bytes()
    photo = ingest(data, "IMG_4242.HEIC")
    assert photo.source_format == "heif"
    assert (photo.width, photo.height) == (80, 120)
    assert _colours(photo.content) == ((40, 40, 200), (200, 40, 40), (200, 40, 40))
    assert "gps" in photo.metadata_removed
    assert photo.captured_at is not None
    assert photo.captured_at.utc_offset == timedelta(hours=2)
    _assert_no_metadata(photo.content)


def test_png_with_text_and_colour_profile_is_stripped() -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "PhoneMaker location 51.5N")
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    photo = ingest(_png(_photo(), pnginfo=info, icc_profile=icc), "scan.png")
    assert photo.source_format == "png"
    _assert_no_metadata(photo.content)


def test_sixteen_bit_and_palette_pngs_become_rgb() -> None:
    grey16 = Image.fromarray((np.arange(100 * 100).reshape(100, 100) * 6).astype(np.uint16))
    assert open_image(_png(grey16), "a.png").image.mode == "RGB"
    palette = _photo().convert("P")
    assert open_image(_png(palette), "b.png").image.mode == "RGB"


def test_originals_get_random_names() -> None:
    data = _jpeg(_photo())
    first, second = ingest(data, "same.jpg"), ingest(data, "same.jpg")
    assert first.internal_name != second.internal_name
    assert len(first.internal_name) == 36
    assert first.internal_name.endswith(".jpg")
    assert "same" not in first.internal_name


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge image: a decompression bomb's signature."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(("width", "height"), [(20_000, 20_000), (100_000, 100_000)])
def test_decompression_bomb_is_refused_before_decoding(width: int, height: int) -> None:
    started = time.perf_counter()
    with pytest.raises(ImageRejected) as refused:
        ingest(_png_claiming(width, height), "bomb.png")
    assert refused.value.code == "too_many_pixels"
    assert "megapixels" in str(refused.value) or "too many pixels" in str(refused.value)
    assert time.perf_counter() - started < 0.5


def test_pixel_limit_is_configurable() -> None:
    with pytest.raises(ImageRejected) as refused:
        ingest(_jpeg(_photo((400, 300))), "a.jpg", IngestLimits(max_pixels=100_000))
    assert refused.value.code == "too_many_pixels"


def test_too_many_bytes_is_refused_before_anything_else() -> None:
    with pytest.raises(ImageRejected) as refused:
        ingest(b"\xff\xd8\xff" + b"\x00" * 2000, "a.jpg", IngestLimits(max_bytes=1000))
    assert refused.value.code == "too_large"


def test_truncated_jpeg_is_refused() -> None:
    data = _jpeg(Image.effect_noise((400, 300), 40).convert("RGB"))
    with pytest.raises(ImageRejected) as refused:
        ingest(data[: len(data) // 2], "cut.jpg")
    assert refused.value.code == "truncated"
    assert "incomplete" in str(refused.value)


def test_truncated_jpeg_is_refused_even_if_another_library_allowed_truncation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # as WeasyPrint's import does
    data = _jpeg(Image.effect_noise((400, 300), 40).convert("RGB"))
    with pytest.raises(ImageRejected) as refused:
        ingest(data[: len(data) // 2], "cut.jpg")
    assert refused.value.code == "truncated"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # the other library's choice is left alone


def test_truncated_png_is_refused() -> None:
    data = _png(Image.effect_noise((300, 200), 40).convert("RGB"))
    with pytest.raises(ImageRejected) as refused:
        ingest(data[: len(data) // 2], "cut.png")
    assert refused.value.code in {"truncated", "corrupt"}


def test_corrupt_data_after_a_valid_header_is_refused() -> None:
    data = bytearray(_png(Image.effect_noise((300, 200), 40).convert("RGB")))
    data[200:400] = bytes(200)
    with pytest.raises(ImageRejected) as refused:
        ingest(bytes(data), "broken.png")
    assert refused.value.code in {"corrupt", "truncated"}


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"<html><script>alert(1)</script></html>", "photo.jpg"),
        (b"%PDF-1.7\n1 0 obj<<>>endobj\n", "photo.png"),
        (b"MZ\x90\x00\x03" + bytes(200), "IMG_0001.HEIC"),
        (b"GIF89a" + bytes(100), "photo.jpg"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf", "photo.heic"),
    ],
)
def test_non_images_with_image_extensions_are_refused(content: bytes, name: str) -> None:
    with pytest.raises(ImageRejected) as refused:
        ingest(content, name)
    assert refused.value.code == "not_an_image"
    assert str(refused.value) == "the file is not a JPEG, PNG or HEIC photo"


def test_an_image_disguised_under_another_extension_is_refused() -> None:
    with pytest.raises(ImageRejected) as refused:
        ingest(_png(_photo()), "holiday.jpg")
    assert refused.value.code == "extension_mismatch"
    assert ".jpg" in str(refused.value)
    assert "PNG" in str(refused.value)
    with pytest.raises(ImageRejected):
        ingest(_jpeg(_photo()), "notes.txt")


def test_a_name_without_extension_is_judged_by_content() -> None:
    assert ingest(_jpeg(_photo()), "blob").source_format == "jpeg"
    assert ingest(_jpeg(_photo()), None).source_format == "jpeg"


def test_empty_and_tiny_files_are_refused() -> None:
    with pytest.raises(ImageRejected) as empty:
        ingest(b"", "a.jpg")
    assert empty.value.code == "empty"
    with pytest.raises(ImageRejected) as tiny:
        ingest(_jpeg(_photo((32, 32))), "a.jpg")
    assert tiny.value.code == "too_small"

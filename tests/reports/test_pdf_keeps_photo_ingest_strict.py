"""Rendering a PDF must not make photo ingest accept truncated files (WeasyPrint flips a
process-wide Pillow switch when it is imported)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from needlepoint.imaging import ImageRejected, ingest
from needlepoint.reports.handouts import render_pdf


def test_truncated_photo_is_still_refused_after_a_pdf():
    assert render_pdf("<p>Aftercare</p>").startswith(b"%PDF")
    buffer = io.BytesIO()
    Image.effect_noise((200, 150), 40).convert("RGB").save(buffer, "JPEG")
    data = buffer.getvalue()
    with pytest.raises(ImageRejected) as refused:
        ingest(data[: len(data) // 2], "cut.jpg")
    assert refused.value.code == "truncated"

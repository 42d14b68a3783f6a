"""A stored photo as an HTTP response, the same for the pages and the API."""

from __future__ import annotations

from django.core.files import File
from django.http import FileResponse

from needlepoint.photos.models import Photo

NO_STORE = "private, no-store"


def image_response(photo: Photo, stored: File[bytes]) -> FileResponse:
    """The photo's file streamed as JPEG (not read into memory): inline, never cached, and
    not embeddable by other sites."""
    response = FileResponse(stored, content_type="image/jpeg")
    response["Content-Disposition"] = f'inline; filename="photo-{photo.captured_at:%Y%m%d}.jpg"'
    response["Cache-Control"] = NO_STORE
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response

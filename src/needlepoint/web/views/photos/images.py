"""A photo's pixels: the one authorised way to a stored photo file, for staff and for the
patient in the portal."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest, HttpResponse

from needlepoint.photos import selectors
from needlepoint.photos.responses import image_response
from needlepoint.web.views.access import Actor, with_actor


def _image_response(actor: Actor, photo_id: str) -> HttpResponse:
    # Streamed; the page decorators are typed for HttpResponse.
    return cast(HttpResponse, image_response(*selectors.access_photo_file(actor, photo_id)))


@with_actor()
def photo_image(request: HttpRequest, actor: Actor, photo_id: str) -> HttpResponse:
    """A photo's stored file (orientation applied, no metadata): scoped, consent-gated,
    audited, never cached."""
    return _image_response(actor, photo_id)


@with_actor(patients=True)
def portal_photo_image(request: HttpRequest, actor: Actor, photo_id: str) -> HttpResponse:
    return _image_response(actor, photo_id)

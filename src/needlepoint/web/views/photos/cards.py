"""A photo as the pages show it: hidden when its consent no longer allows the record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from needlepoint.imaging import ZONES
from needlepoint.photos import selectors
from needlepoint.photos.models import Photo


@dataclass(frozen=True)
class PhotoCard:
    photo: Photo
    shown: bool

    @property
    def zones(self) -> list[tuple[str, dict[str, Any]]]:
        zones = self.photo.analysis.get("zones") or {}
        return [(name, zones[name]) for name in ZONES if name in zones]

    @property
    def basis(self) -> dict[str, str]:
        return dict(self.photo.analysis.get("basis") or {})


def photo_cards(photos: list[Photo]) -> list[PhotoCard]:
    return [PhotoCard(photo, selectors.photo_shown(photo)) for photo in photos]

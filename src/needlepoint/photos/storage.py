"""Where the photos' files live: a private directory under the data directory
(`settings.PHOTO_DIR`), never served as static or media files. Only the authorised, audited
views read them (`selectors.access_photo_file`).

Files are written once under the random internal name ingest gave them and never changed;
archiving a photo keeps its file.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from django.conf import settings
from django.http import Http404

from needlepoint.imaging import IngestedImage

logger = logging.getLogger(__name__)
_NAME = re.compile(r"^[A-Za-z0-9_-]{16,56}\.[a-z]{3,4}$")


def photo_dir() -> Path:
    directory = Path(settings.PHOTO_DIR)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def path_of(file_name: str) -> Path:
    """The stored file of a photo. Names are ingest's random names only (no paths)."""
    if not _NAME.match(file_name):
        raise ValueError(f"not a stored photo name: {file_name!r}")
    return photo_dir() / file_name


def store(image: IngestedImage) -> Path:
    """Write the clean photo (never overwriting a file), readable by this user only."""
    path = image.save(photo_dir())
    os.chmod(path, 0o600)
    return path


def discard(file_name: str) -> None:
    """Remove a file that was written for an upload whose record was then not saved."""
    path_of(file_name).unlink(missing_ok=True)


class PhotoFileMissing(Http404):
    """The database knows the photo but its file is gone (a restore without the photo
    directory, a disk fault)."""


def existing(file_name: str) -> Path:
    """The stored file, or `PhotoFileMissing` (logged as an error for the operator)."""
    path = path_of(file_name)
    if not path.is_file():
        logger.error("photo file missing from the photo directory: %s", file_name)
        raise PhotoFileMissing(
            "The photo's file is missing from storage; restore the photo directory from backup."
        )
    return path


def read(file_name: str) -> bytes:
    return existing(file_name).read_bytes()

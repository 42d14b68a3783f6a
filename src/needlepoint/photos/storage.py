"""Where the photos' files live: a private directory under the data directory
(`settings.PHOTO_DIR`), never served as static or media files. Only the authorised, audited
views read them (`selectors.photo_file`).

Files are written once under the random internal name ingest gave them and never changed;
archiving a photo keeps its file.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from django.conf import settings

from needlepoint.imaging import IngestedImage

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


def read(file_name: str) -> bytes:
    return path_of(file_name).read_bytes()

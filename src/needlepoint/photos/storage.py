"""Where the photos' files live: Django's `photos` storage (`settings.STORAGES`), the private
photo directory under the data directory by default (`settings.PHOTO_DIR`), or a private
S3-compatible bucket when `NEEDLEPOINT_S3_BUCKET` is set, so app hosts keep no files of their
own. Neither is ever served as static or media files or given a public address: only the
authorised, audited views read them (`selectors.access_photo_file`).

Files are written once under the random internal name ingest gave them and never changed;
archiving a photo keeps its file.
"""

from __future__ import annotations

import logging
import os
import re

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.http import Http404

from needlepoint.imaging import IngestedImage

logger = logging.getLogger(__name__)
_NAME = re.compile(r"^[A-Za-z0-9_-]{16,56}\.[a-z]{3,4}$")


class PhotoDirectory(FileSystemStorage):
    """The photo directory (`settings.PHOTO_DIR`, read on each use), files 0600 in a 0700
    directory."""

    def __init__(self) -> None:
        super().__init__(file_permissions_mode=0o600, directory_permissions_mode=0o700)

    @property
    def base_location(self) -> str:
        return str(settings.PHOTO_DIR)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


def photo_storage() -> Storage:
    return storages["photos"]


def _checked(file_name: str) -> str:
    """Names are ingest's random names only (no paths)."""
    if not _NAME.match(file_name):
        raise ValueError(f"not a stored photo name: {file_name!r}")
    return file_name


def store(image: IngestedImage) -> None:
    """Write the clean photo under its internal name, never over another file."""
    saved = photo_storage().save(_checked(image.internal_name), ContentFile(image.content))
    if saved != image.internal_name:  # the storage found the name taken and chose another
        photo_storage().delete(saved)
        raise FileExistsError(f"a stored photo is already named {image.internal_name}")


def discard(file_name: str) -> None:
    """Remove a file that was written for an upload whose record was then not saved, or of an
    erased record."""
    photo_storage().delete(_checked(file_name))


class PhotoFileMissing(Http404):
    """The database knows the photo but its file is gone (a restore without the photo
    directory, a disk fault, a bucket emptied)."""


def existing(file_name: str) -> File[bytes]:
    """The stored file, open for reading, or `PhotoFileMissing` (logged as an error for the
    operator)."""
    try:
        return photo_storage().open(_checked(file_name), "rb")
    except FileNotFoundError:
        logger.error("photo file missing from photo storage: %s", file_name)
        raise PhotoFileMissing(
            "The photo's file is missing from storage; restore the photos from backup."
        ) from None


def read(file_name: str) -> bytes:
    with existing(file_name) as handle:
        content: bytes = handle.read()
    return content

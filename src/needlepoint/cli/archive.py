"""The backup archive: a tar.gz whose first member, `manifest.json`, lists every other
member with its size and SHA-256. Reading it extracts only the members the manifest names,
each to a place the reader chose (never a path taken from the archive), and refuses the
archive as soon as a member is missing, unlisted, or differs from its checksum."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from needlepoint import __version__

FORMAT = 1
MANIFEST = "manifest.json"
_CHUNK = 1 << 20


class ArchiveError(Exception):
    """The archive is not a Needlepoint backup, or not the one its manifest describes."""


@dataclass(frozen=True)
class Manifest:
    database: str  # "sqlite" or "postgresql"
    created_at: str
    version: str
    files: dict[str, dict[str, Any]]  # archive name -> {"size", "sha256"}

    def names(self, prefix: str) -> list[str]:
        return sorted(name for name in self.files if name.startswith(prefix))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def write_archive(out: Path, database: str, members: Iterable[tuple[str, Path]]) -> Manifest:
    """Write `members` (archive name, file) and their manifest to `out`, readable by its
    owner only."""
    members = list(members)
    manifest = Manifest(
        database=database,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        version=__version__,
        files={
            name: {"size": path.stat().st_size, "sha256": _sha256(path)} for name, path in members
        },
    )
    body = json.dumps({"format": FORMAT, **manifest.__dict__}, indent=2, sort_keys=True).encode()
    out.touch(mode=0o600, exist_ok=False)
    with tarfile.open(out, "w:gz") as archive:
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode, info.mtime = len(body), 0o600, int(time.time())
        archive.addfile(info, io.BytesIO(body))
        for name, path in members:
            archive.add(path, arcname=name, recursive=False)
    return manifest


def _manifest(archive: tarfile.TarFile) -> Manifest:
    first = archive.next()
    handle = archive.extractfile(first) if first and first.name == MANIFEST else None
    if handle is None:
        raise ArchiveError("not a Needlepoint backup (no manifest.json at its start)")
    try:
        data = json.loads(handle.read())
        if data.get("format") != FORMAT:
            raise ArchiveError(f"unknown backup format {data.get('format')!r} in the manifest")
        return Manifest(data["database"], data["created_at"], data["version"], data["files"])
    except (ValueError, KeyError, TypeError) as error:
        raise ArchiveError(f"the manifest cannot be read ({error})") from error


def read_manifest(source: Path) -> Manifest:
    try:
        with tarfile.open(source, "r:gz") as archive:
            return _manifest(archive)
    except (OSError, tarfile.TarError) as error:
        raise ArchiveError(f"cannot read {source}: {error}") from error


def extract_archive(source: Path, target_of: Callable[[str], Path]) -> Manifest:
    """Write each listed member to `target_of(name)`, checking its size and SHA-256."""
    seen: set[str] = set()
    try:
        with tarfile.open(source, "r:gz") as archive:
            manifest = _manifest(archive)
            while (member := archive.next()) is not None:
                expected = manifest.files.get(member.name)
                if expected is None or not member.isfile() or member.name in seen:
                    raise ArchiveError(f"unexpected member {member.name!r}")
                handle = archive.extractfile(member)
                assert handle is not None  # a regular file always has content
                target = target_of(member.name)
                target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                with target.open("xb") as out:
                    target.chmod(0o600)
                    shutil.copyfileobj(handle, out, _CHUNK)
                if (
                    target.stat().st_size != expected["size"]
                    or _sha256(target) != expected["sha256"]
                ):
                    raise ArchiveError(f"{member.name} does not match its checksum")
                seen.add(member.name)
    except (OSError, tarfile.TarError) as error:
        raise ArchiveError(f"cannot read {source}: {error}") from error
    missing = sorted(set(manifest.files) - seen)
    if missing:
        raise ArchiveError(f"the archive lacks {', '.join(missing)}")
    return manifest

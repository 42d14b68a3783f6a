"""Backup and restore: a round trip keeps every patient, session and photo byte, on SQLite and
on PostgreSQL; a restore refuses a non-empty target and any archive that is not what its
manifest says, leaving nothing behind."""

from __future__ import annotations

import io
import json
import sqlite3
import tarfile
from contextlib import closing
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection

from needlepoint.cli.archive import ArchiveError, write_archive
from needlepoint.cli.backup import Refusal, backup_create, backup_restore
from needlepoint.courses.models import Session
from needlepoint.patients.models import Patient
from needlepoint.photos import services as photos
from needlepoint.photos.models import Photo
from needlepoint.safety.audit_key import KEY_FILE
from tests.clinical_data import treated_session
from tests.conftest import as_actor
from tests.factories import PatientFactory
from tests.photos.helpers import astronaut_jpeg, photo_consent

SQLITE = "django.db.backends.sqlite3"
DATABASE = "database/needlepoint.sqlite3"


@pytest.fixture
def record(transactional_db, settings, tmp_path, admin, practitioner, patient):  # type: ignore[no-untyped-def]
    """Committed data (pg_dump sees only that): patients, a signed session and a photo."""
    settings.PHOTO_DIR = tmp_path / "photos"
    PatientFactory.create_batch(3, clinic=patient.clinic)
    session = treated_session(as_actor(practitioner), patient.pk)
    photo_consent(admin, patient)
    photos.photo_upload(
        as_actor(practitioner), astronaut_jpeg(), "a.jpg", session_id=session.pk, keep_anyway=True
    )
    return settings.PHOTO_DIR


def _backup(tmp_path: Path, photo_dir: Path, **options: Any) -> Path:
    from django.conf import settings

    out = tmp_path / "backup.tar.gz"
    backup_create(
        out, database=settings.DATABASES["default"], photo_dir=photo_dir, key_file=None, **options
    )
    return out


def _photo_bytes(photo_dir: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(photo_dir.iterdir())}


def _expected() -> dict[str, int]:
    return {"patients_patient": Patient.objects.count(), "courses_session": Session.objects.count()}


def _count(query: Any, tables: dict[str, int]) -> dict[str, int]:
    return {table: query(f"SELECT count(*) FROM {table}") for table in tables}


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_sqlite_round_trip_keeps_patients_sessions_and_photo_bytes(record, tmp_path):
    out = _backup(tmp_path, record)
    assert out.stat().st_mode & 0o777 == 0o600
    restored = tmp_path / "restored"
    manifest = backup_restore(
        out,
        database={"ENGINE": SQLITE, "NAME": str(restored / "needlepoint.sqlite3")},
        photo_dir=restored / "photos",
        key_file=restored / KEY_FILE,
    )
    assert manifest.database == "sqlite"
    assert KEY_FILE not in manifest.files
    assert len(manifest.names("photos/")) == Photo.objects.count() == 1
    with closing(sqlite3.connect(restored / "needlepoint.sqlite3")) as copy:
        counts = _count(lambda sql: copy.execute(sql).fetchone()[0], _expected())
    assert counts == _expected()
    assert counts["patients_patient"] == 4
    assert _photo_bytes(restored / "photos") == _photo_bytes(record)


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_round_trip_into_an_empty_database(record, tmp_path):
    from django.conf import settings

    out = _backup(tmp_path, record)
    target = {
        **settings.DATABASES["default"],
        "NAME": f"{connection.settings_dict['NAME']}_restore",
    }
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target["NAME"]}"')
        cursor.execute(f'CREATE DATABASE "{target["NAME"]}"')
    try:
        backup_restore(
            out, database=target, photo_dir=tmp_path / "restored", key_file=tmp_path / "key"
        )
        with psycopg.connect(
            dbname=target["NAME"],
            host=target["HOST"],
            port=target["PORT"] or None,
            user=target["USER"],
            password=target["PASSWORD"] or None,
        ) as copy:
            counts = _count(lambda sql: copy.execute(sql).fetchone()[0], _expected())
        assert counts == _expected()
        assert _photo_bytes(tmp_path / "restored") == _photo_bytes(record)
        with pytest.raises(Refusal, match="is not empty"):
            backup_restore(
                out, database=target, photo_dir=tmp_path / "other", key_file=tmp_path / "key"
            )
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target["NAME"]}"')


def _small_archive(tmp_path: Path) -> Path:
    """An archive as `backup` writes it, of a stand-in database file and one photo."""
    database, photo = tmp_path / "db", tmp_path / "photo.jpg"
    database.write_bytes(b"SQLite format 3\x00")
    photo.write_bytes(b"\xff\xd8 a photo")
    out = tmp_path / "small.tar.gz"
    write_archive(out, "sqlite", [(DATABASE, database), ("photos/abcdefghijklmnop.jpg", photo)])
    return out


def _sqlite_target(where: Path) -> dict[str, Any]:
    return {
        "database": {"ENGINE": SQLITE, "NAME": str(where / "db.sqlite3")},
        "photo_dir": where / "photos",
        "key_file": where / KEY_FILE,
    }


def _rewrite(source: Path, out: Path, change: Any, extra: list[tuple[str, bytes]]) -> Path:
    """A copy of the archive with `change(name, data)` applied to each member (None drops
    it), then the `extra` members."""
    with tarfile.open(source, "r:gz") as archive, tarfile.open(out, "w:gz") as copy:
        members = [(m.name, archive.extractfile(m).read()) for m in archive]  # type: ignore[union-attr]
        for name, data in [*((n, change(n, d)) for n, d in members), *extra]:
            if data is not None:
                info = tarfile.TarInfo(name)
                info.size = len(data)
                copy.addfile(info, io.BytesIO(data))
    return out


def _photo(change: Any) -> Any:
    return lambda name, data: change(data) if name.startswith("photos/") else data


@pytest.mark.parametrize(
    ("change", "extra", "problem"),
    [
        (_photo(lambda data: data + b"x"), [], "checksum"),
        (_photo(lambda data: None), [], "lacks photos/"),
        (lambda name, data: data, [("../escape", b"x")], "unexpected member '../escape'"),
        (lambda name, data: b"{}" if name == "manifest.json" else data, [], "manifest"),
    ],
    ids=["changed photo", "missing photo", "unlisted member", "bad manifest"],
)
def test_restore_refuses_an_archive_that_is_not_what_its_manifest_says(
    tmp_path, change, extra, problem
):
    tampered = _rewrite(_small_archive(tmp_path), tmp_path / "tampered.tar.gz", change, extra)
    where = tmp_path / "restored"
    with pytest.raises(ArchiveError, match=problem):
        backup_restore(tampered, **_sqlite_target(where))
    assert not (where / "db.sqlite3").exists()
    assert not (where / "photos").exists() or not list((where / "photos").iterdir())
    assert not (tmp_path / "escape").exists()


def test_restore_refuses_a_database_or_photo_directory_that_is_not_empty(tmp_path):
    out = _small_archive(tmp_path)
    where = tmp_path / "restored"
    backup_restore(out, **_sqlite_target(where))
    with pytest.raises(Refusal, match="is not empty"):
        backup_restore(out, **_sqlite_target(where))
    (where / "db.sqlite3").unlink()
    with pytest.raises(Refusal, match="photo directory"):
        backup_restore(out, **_sqlite_target(where))
    with pytest.raises(Refusal, match="exists"):
        backup_create(out, database={"ENGINE": SQLITE}, photo_dir=where, key_file=None)


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_audit_key_only_when_asked(record, tmp_path):
    from django.conf import settings

    key = tmp_path / "key"
    key.write_bytes(b"secret")
    out = tmp_path / "with-key.tar.gz"
    backup_create(out, database=settings.DATABASES["default"], photo_dir=record, key_file=key)
    with tarfile.open(out, "r:gz") as archive:
        manifest = json.loads(archive.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert KEY_FILE in manifest["files"]
    backup_restore(out, **_sqlite_target(tmp_path / "restored"))
    assert (tmp_path / "restored" / KEY_FILE).read_bytes() == b"secret"
    assert (tmp_path / "restored" / KEY_FILE).stat().st_mode & 0o777 == 0o600
    other = tmp_path / "other"
    other.mkdir()
    (other / KEY_FILE).write_bytes(b"the new machine's key")
    with pytest.raises(ArchiveError, match="holds an audit key"):
        backup_restore(out, **_sqlite_target(other))
    assert (other / KEY_FILE).read_bytes() == b"the new machine's key"

"""`needlepoint backup` and `needlepoint restore`: the database and the photos in one archive.

The database is copied first (SQLite's online backup API, or `pg_dump`), then the photo
directory: photo files are written before their row and never changed, so every photo the
copied database knows has its file in the archive."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import closing
from pathlib import Path
from typing import Any

import click

from needlepoint.cli.archive import (
    ArchiveError,
    Manifest,
    extract_archive,
    read_manifest,
    write_archive,
)
from needlepoint.cli.audit import verify
from needlepoint.cli.django_app import data_dir_option, start_django
from needlepoint.safety.audit_key import KEY_FILE, key_path

_DUMP = {"sqlite": "database/needlepoint.sqlite3", "postgresql": "database/needlepoint.pgdump"}
_ENGINES = {
    "django.db.backends.sqlite3": "sqlite",
    "django.db.backends.postgresql": "postgresql",
}


class Refusal(click.ClickException):
    """One line on stderr and exit 2: the request cannot be done as asked."""

    exit_code = 2


def database_kind(database: Mapping[str, Any]) -> str:
    kind = _ENGINES.get(database["ENGINE"])
    if kind is None:
        raise Refusal(f"cannot back up a {database['ENGINE']} database")
    return kind


def _pg_env(database: Mapping[str, Any]) -> dict[str, str]:
    given = {
        "PGHOST": database.get("HOST"),
        "PGPORT": database.get("PORT"),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGDATABASE": database["NAME"],
    }
    return {**os.environ, **{name: str(value) for name, value in given.items() if value}}


def _run(command: list[str], database: Mapping[str, Any]) -> None:
    done = subprocess.run(command, env=_pg_env(database), capture_output=True, text=True)  # noqa: S603
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit {done.returncode}"]
        raise click.ClickException(f"{command[0]} failed: {lines[0]}")


def _snapshot(kind: str, database: Mapping[str, Any], target: Path) -> None:
    if kind == "sqlite":
        from django.db import connections

        connection = connections["default"]
        connection.ensure_connection()
        with closing(sqlite3.connect(target)) as copy:
            connection.connection.backup(copy)
    else:
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "-f", str(target)],
            database,
        )


def _photos(photo_dir: Path) -> Iterator[tuple[str, Path]]:
    if photo_dir.is_dir():
        for path in sorted(photo_dir.iterdir()):
            if path.is_file():
                yield f"photos/{path.name}", path


def backup_create(
    out: Path, *, database: Mapping[str, Any], photo_dir: Path, key_file: Path | None
) -> Manifest:
    """Write a consistent copy of the database and every photo to `out`. The audit key only
    when `key_file` is given: without it a stolen backup cannot rewrite the chain it holds."""
    if out.exists():
        raise Refusal(f"{out} exists; choose a new file name")
    kind = database_kind(database)
    with tempfile.TemporaryDirectory(prefix="needlepoint-backup-") as work:
        dump = Path(work) / Path(_DUMP[kind]).name
        _snapshot(kind, database, dump)
        members = [(_DUMP[kind], dump), *_photos(photo_dir)]
        if key_file is not None:
            if not key_file.is_file():
                raise Refusal(f"no audit key at {key_file}")
            members.append((KEY_FILE, key_file))
        return write_archive(out, kind, members)


def _database_is_empty(kind: str, database: Mapping[str, Any]) -> bool:
    if kind == "sqlite":
        return not Path(database["NAME"]).exists()
    import psycopg

    with psycopg.connect(
        dbname=database["NAME"],
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
    ) as connection:
        tables = connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
    return tables is not None and tables[0] == 0


def backup_restore(
    source: Path, *, database: Mapping[str, Any], photo_dir: Path, key_file: Path
) -> Manifest:
    """Restore an archive into an empty database and photo directory, checking every
    member against its checksum; nothing written stays behind when the archive is refused."""
    kind = database_kind(database)
    held = read_manifest(source).database
    if held != kind:
        raise Refusal(f"the backup holds a {held} database but the target is a {kind} one")
    if not _database_is_empty(kind, database):
        raise Refusal(
            f"the {kind} database {database['NAME']} is not empty; restore needs an empty one"
        )
    if photo_dir.is_dir() and any(photo_dir.iterdir()):
        raise Refusal(f"{photo_dir} is not empty; restore needs an empty photo directory")
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="needlepoint-restore-") as work:
        dump = Path(work) / "database"

        def target_of(name: str) -> Path:
            folder, _, file_name = name.partition("/")
            if name == _DUMP.get(kind):
                target = dump
            elif name == KEY_FILE:
                if key_file.exists():
                    raise ArchiveError(f"the backup holds an audit key and {key_file} exists")
                target = key_file
            elif folder == "photos" and file_name and "/" not in file_name and file_name[0] != ".":
                target = photo_dir / file_name
            else:
                raise ArchiveError(f"unexpected member {name!r} in a {kind} restore")
            written.append(target)
            return target

        try:
            manifest = extract_archive(source, target_of)
            if kind == "sqlite":
                shutil.move(dump, database["NAME"])
                Path(database["NAME"]).chmod(0o600)
            else:
                _run(
                    [
                        "pg_restore",
                        "--no-owner",
                        "--no-privileges",
                        "--exit-on-error",
                        "-d",
                        database["NAME"],
                        str(dump),
                    ],
                    database,
                )
        except BaseException:
            for path in written:
                if path != dump:
                    path.unlink(missing_ok=True)
            raise
    return manifest


@click.command()
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--include-audit-key",
    is_flag=True,
    help="Also store the audit key (keep such a backup as safe as the key itself).",
)
@data_dir_option
def backup(out: Path, include_audit_key: bool, data_dir: Path | None) -> None:
    """Write the database and the photos, with checksums, to one archive (tar.gz)."""
    start_django(data_dir)
    from django.conf import settings

    try:
        manifest = backup_create(
            out,
            database=settings.DATABASES["default"],
            photo_dir=Path(settings.PHOTO_DIR),
            key_file=key_path(settings.DATA_DIR) if include_audit_key else None,
        )
    except ArchiveError as error:
        raise Refusal(str(error)) from error
    photos = len(manifest.names("photos/"))
    click.echo(f"backup written to {out}: {manifest.database} database, {photos} photos")


@click.command()
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@data_dir_option
@click.pass_context
def restore(ctx: click.Context, source: Path, data_dir: Path | None) -> None:
    """Restore a backup into an empty data directory (and empty database), then verify
    the audit chain. The directory may already hold the audit key, for the verification."""
    if data_dir is None:
        raise Refusal("name the data directory to restore into with --data-dir")
    if data_dir.exists() and any(p.name != KEY_FILE for p in data_dir.iterdir()):
        raise Refusal(f"{data_dir} is not empty; restore needs an empty data directory")
    start_django(data_dir)
    from django.conf import settings

    try:
        manifest = backup_restore(
            source,
            database=settings.DATABASES["default"],
            photo_dir=Path(settings.PHOTO_DIR),
            key_file=key_path(settings.DATA_DIR),
        )
    except ArchiveError as error:
        raise Refusal(f"backup refused: {error}") from error
    click.echo(
        f"restored {manifest.database} database and {len(manifest.names('photos/'))} photos "
        f"from the backup of {manifest.created_at}"
    )
    ctx.invoke(verify, data_dir=data_dir)


COMMANDS = [backup, restore]

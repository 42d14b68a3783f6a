"""`needlepoint fhir export` and `import`: a clinic's records as FHIR R4 NDJSON files and
back, for operators."""

from __future__ import annotations

import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from needlepoint.cli.django_app import data_dir_option, start_django
from needlepoint.cli.rules import InputError, RulesCommand
from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.parsing import as_aware_datetime


def resource_types(given: str | None, known: frozenset[str]) -> set[str] | None:
    """`--type Patient,Procedure` as a set of types (None: every type), refusing unknown ones."""
    if not given:
        return None
    types = {name.strip() for name in given.split(",") if name.strip()}
    unknown = sorted(types - known)
    if unknown:
        raise InputError(
            f"--type: not an exported resource type: {', '.join(unknown)} "
            f"(one of {', '.join(sorted(known))})"
        )
    return types


def aware_time(given: str) -> datetime:
    """`--since` as a timezone-aware datetime."""
    try:
        return as_aware_datetime(given, "--since")
    except InvalidInput as error:
        raise InputError(str(error)) from None


def empty_directory(out: Path) -> Path:
    """`--out`, made if missing; an existing one must be empty, so that no file of an earlier
    export is taken for part of this one."""
    if out.exists() and not out.is_dir():
        raise InputError(f"--out: {out} is not a directory")
    if out.is_dir() and any(out.iterdir()):
        raise InputError(f"--out: {out} is not empty; choose a new or empty directory")
    out.mkdir(parents=True, exist_ok=True)
    return out


def clinic_by_slug(slug: str) -> Any:
    from needlepoint.clinics.models import Clinic

    clinic = Clinic.objects.filter(slug=slug).first()
    if clinic is None:
        raise InputError(f"--clinic: no clinic with slug {slug!r}")
    return clinic


@click.group()
def fhir() -> None:
    """A clinic's records as HL7 FHIR R4 (docs/fhir.md)."""


@fhir.command(cls=RulesCommand)
@click.option("--clinic", "slug", required=True, help="Slug of the clinic to export.")
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="Directory for the <Type>.ndjson files: new or empty.",
)
@click.option("--type", "types", help="Only these resource types, e.g. Patient,Procedure.")
@click.option(
    "--since",
    help="Only records changed at or after this ISO 8601 time (with its UTC offset, e.g. "
    "2026-11-01T00:00:00+00:00); see docs/fhir.md for which times count.",
)
@data_dir_option
def export(
    slug: str, out: Path, types: str | None, since: str | None, data_dir: Path | None
) -> None:
    """Write one <Type>.ndjson per resource type (a resource a line), audited once."""
    start_django(data_dir)
    from needlepoint.interop.export import EXPORT_TYPES, access_operator_clinic_resources
    from needlepoint.interop.ndjson import write_ndjson

    wanted = resource_types(types, EXPORT_TYPES)
    changed_since = aware_time(since) if since else None
    clinic = clinic_by_slug(slug)
    directory = empty_directory(out)
    started = time.perf_counter()
    resources = access_operator_clinic_resources(clinic, wanted, changed_since)
    with click.progressbar(
        resources,
        label="Exporting",
        file=sys.stderr,
        show_pos=True,
        item_show_func=lambda resource: resource["resourceType"] if resource else None,
    ) as bar:
        counts = write_ndjson(bar, directory)
    seconds = time.perf_counter() - started
    total = sum(counts.values())
    click.echo(
        f"{clinic.name}: {total:,} resources in {len(counts)} files to {directory} "
        f"in {seconds:.1f} s ({total / seconds:,.0f} resources/s)"
    )
    for kind, count in sorted(counts.items()):
        click.echo(f"  {kind + '.ndjson':<32} {count:>10,}")


@fhir.command("import", cls=RulesCommand)
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--clinic", "slug", required=True, help="Slug of the clinic to import into.")
@data_dir_option
def import_command(folder: Path, slug: str, data_dir: Path | None) -> None:
    """Create the records of a folder of <Type>.ndjson in a clinic, in one transaction: every
    resource is checked first, and anything refused is listed and nothing is written."""
    start_django(data_dir)
    from needlepoint.interop.services import ImportRefused, clinic_import

    clinic = clinic_by_slug(slug)
    try:
        imported = clinic_import(clinic, folder)
    except ImportRefused as refusal:
        for refused in refusal.refused:
            click.echo(f"refused {refused}", err=True)
        raise InputError(
            f"{len(refusal.refused)} refused; nothing was imported into {clinic.slug}"
        ) from None
    created = ", ".join(f"{n} {kind}" for kind, n in sorted(imported.created.items()))
    click.echo(f"{clinic.name}: created {created or 'nothing'}")
    for folder_id, member in sorted(imported.matched_staff.items()):
        click.echo(f"  staff matched: {folder_id} is the clinic's {member}")
    for email in imported.new_staff:
        click.echo(f"  staff created: {email} (cannot sign in until given a password)")
    for reason, counts in imported.left_out.items():
        left = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
        click.echo(f"  left out: {left} ({reason})")


COMMANDS = [fhir]

"""`needlepoint patient export`: a patient's whole record for a clinic admin."""

from __future__ import annotations

from pathlib import Path

import click

from needlepoint.cli.django_app import data_dir_option, start_django
from needlepoint.cli.token import staff_user


@click.group()
def patient() -> None:
    """A patient's data rights: their whole record, machine-readable."""


@patient.command()
@click.option("--email", required=True, help="The clinic admin's e-mail address.")
@click.option("--record", "record_number", required=True, help="The record number, e.g. DC-0001.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@data_dir_option
def export(email: str, record_number: str, out: Path, data_dir: Path | None) -> None:
    """Write the record (record.json and the photos) to a zip, audited as the admin's read."""
    start_django(data_dir)
    from django.core.exceptions import PermissionDenied

    from needlepoint.clinics.actors import actor_for
    from needlepoint.patients.models import Patient
    from needlepoint.records.export import access_patient_export

    actor = actor_for(staff_user(email))
    assert actor is not None  # staff_user returns active staff only
    found = Patient.objects.filter(clinic=actor.clinic, record_number=record_number).first()
    if found is None:
        raise click.UsageError(f"no patient {record_number!r} in {actor.clinic.name}.")
    if out.exists():
        raise click.UsageError(f"{out} exists; choose a new file name.")
    try:
        exported = access_patient_export(actor, found.pk)
    except PermissionDenied as error:
        raise click.UsageError(str(error)) from error
    out.touch(mode=0o600)
    out.write_bytes(exported.content)
    click.echo(f"record {record_number} written to {out}")


COMMANDS = [patient]

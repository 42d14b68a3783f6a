"""`needlepoint csv export`: one of a clinic's lists as a CSV file, for operators."""

from __future__ import annotations

from pathlib import Path

import click

from needlepoint.cli.django_app import data_dir_option, start_django
from needlepoint.cli.fhir import clinic_by_slug
from needlepoint.cli.rules import InputError, RulesCommand

KINDS = ("patients", "sessions", "adverse-events")  # reports.exports.TABLES, before Django


@click.group("csv")
def csv_group() -> None:
    """A clinic's lists as CSV for spreadsheets (UTF-8 with BOM, ISO dates)."""


@csv_group.command(cls=RulesCommand)
@click.option("--clinic", "slug", required=True, help="Slug of the clinic.")
@click.option("--kind", required=True, type=click.Choice(KINDS), help="Which list.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@data_dir_option
def export(slug: str, kind: str, out: Path, data_dir: Path | None) -> None:
    """Write the list to a new file, a row at a time; audited once."""
    if out.exists():
        raise InputError(f"--out: {out} exists; choose a new file name")
    start_django(data_dir)
    from needlepoint.reports.exports import access_operator_clinic_table

    table = access_operator_clinic_table(clinic_by_slug(slug), kind)
    rows = -1  # the header is a line too
    with out.open("x", encoding="utf-8", newline="") as file:
        for line in table.lines():
            file.write(line)
            rows += 1
    click.echo(f"{rows:,} rows written to {out}")


COMMANDS = [csv_group]

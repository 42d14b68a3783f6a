"""`needlepoint clinic create`: a new clinic (tenant), for operators on the host."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from needlepoint.cli.django_app import data_dir_option, start_django
from needlepoint.cli.rules import InputError, RulesCommand


def one_line(error: Any) -> str:
    """A Django ValidationError as one line: its first field and message."""
    if hasattr(error, "message_dict"):
        field, messages = next(iter(error.message_dict.items()))
        return f"{field.replace('_', '-')}: {messages[0]}"
    return str(error.messages[0])


@click.group()
def clinic() -> None:
    """Clinics: the tenants, each with its staff, patients and settings."""


@clinic.command(cls=RulesCommand)
@click.option("--slug", required=True, help="Short name in commands, e.g. city-skin.")
@click.option("--name", required=True, help="The clinic's name as staff and patients see it.")
@click.option("--time-zone", required=True, help="IANA time zone, e.g. Europe/Paris.")
@click.option("--currency", default="USD", show_default=True, help="ISO 4217 code of prices.")
@click.option(
    "--record-prefix",
    default="",
    help="Prefix of patient record numbers, up to six capitals or digits (default: the "
    "initials of the slug's words, or a one-word slug's first three letters).",
)
@data_dir_option
def create(
    slug: str,
    name: str,
    time_zone: str,
    currency: str,
    record_prefix: str,
    data_dir: Path | None,
) -> None:
    """Create a clinic and print it; audited in the new clinic's chain."""
    start_django(data_dir)
    from django.core.exceptions import ValidationError

    from needlepoint.clinics.services import clinic_create

    try:
        made = clinic_create(
            slug=slug,
            name=name.strip(),
            time_zone=time_zone,
            currency=currency.upper(),
            record_prefix=record_prefix,
        )
    except ValidationError as error:
        raise InputError(one_line(error)) from None
    click.echo(
        f"clinic {made.slug}: {made.name}, time zone {made.time_zone}, currency "
        f"{made.currency}, record numbers {made.record_prefix}-00001 on"
    )


COMMANDS = [clinic]

"""`needlepoint questionnaire load`: a clinic's licensed outcome instrument, as a FHIR R4
Questionnaire with its scoring rule (see docs/fhir.md), for operators on the host."""

from __future__ import annotations

from pathlib import Path

import click

from needlepoint.cli.clinic import one_line
from needlepoint.cli.django_app import data_dir_option, start_django
from needlepoint.cli.rules import InputError, RulesCommand, read_json


@click.group()
def questionnaire() -> None:
    """Licensed outcome instruments a clinic administers, scores and charts."""


@questionnaire.command(cls=RulesCommand)
@click.option("--clinic", "slug", required=True, help="The clinic's slug.")
@click.argument("file")
@data_dir_option
def load(slug: str, file: str, data_dir: Path | None) -> None:
    """Load FILE (a Questionnaire as JSON, or - for stdin) into the clinic, or replace the
    clinic's questionnaire of the same name; audited."""
    start_django(data_dir)
    from django.core.exceptions import ValidationError

    from needlepoint.clinics.models import Clinic
    from needlepoint.domain.errors import DomainError
    from needlepoint.outcomes.services import questionnaire_load

    clinic = Clinic.objects.filter(slug=slug).first()
    if clinic is None:
        raise InputError(f"clinic: no clinic {slug!r}")
    try:
        loaded, created = questionnaire_load(clinic, read_json(file))
    except DomainError as error:  # not JSON
        raise InputError(f"{file}: {error}") from None
    except ValidationError as error:
        raise InputError(one_line(error)) from None
    items = len(loaded.resource.get("item", []))
    click.echo(
        f"questionnaire {loaded.code}: {loaded.title} "
        f"({'loaded' if created else 'replaced'} in {clinic.slug}, {items} top-level items)"
    )


COMMANDS = [questionnaire]

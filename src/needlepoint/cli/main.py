"""The `needlepoint` command: one entry point for the app, the rules engine and operations."""

from __future__ import annotations

import click

from needlepoint import __version__
from needlepoint.cli import (
    app,
    audit,
    backup,
    bench_data,
    clinic,
    csv_files,
    fhir,
    patient,
    photo,
    questionnaire,
    rules,
    token,
    worker,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="needlepoint")
def cli() -> None:
    """Needlepoint: microneedling courses for acne scars."""


for command in [
    *app.COMMANDS,
    *worker.COMMANDS,
    *token.COMMANDS,
    *audit.COMMANDS,
    *backup.COMMANDS,
    *bench_data.COMMANDS,
    *clinic.COMMANDS,
    *csv_files.COMMANDS,
    *fhir.COMMANDS,
    *patient.COMMANDS,
    *rules.COMMANDS,
    *photo.COMMANDS,
    *questionnaire.COMMANDS,
]:
    cli.add_command(command)


def main() -> None:
    cli()


if __name__ == "__main__":  # python -m needlepoint.cli.main
    main()

"""`needlepoint audit verify`: check the hash chain of the audit trail."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from needlepoint.cli.django_app import data_dir_option, start_django


@click.group()
def audit() -> None:
    """The audit trail of every read and write of patient data."""


@audit.command()
@data_dir_option
def verify(data_dir: Path | None) -> None:
    """Exit 0 when the chain is intact; otherwise name the first broken event and exit 1."""
    start_django(data_dir)
    from needlepoint.safety.audit import audit_verify

    report = audit_verify()
    if report.intact:
        click.echo(f"audit chain intact: {report.checked} events")
        return
    where = f"event #{report.broken_event_id}" if report.broken_event_id else "chain end"
    click.echo(
        f"audit chain BROKEN at {where}: {report.problem} "
        f"({report.checked} events before it are intact)",
        err=True,
    )
    sys.exit(1)


COMMANDS = [audit]

"""`needlepoint audit verify` and `checkpoint`: check the keyed chains of the audit trail, and
print the line that anchors them outside the database."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from needlepoint.cli.django_app import data_dir_option, start_django


@click.group()
def audit() -> None:
    """The audit trail of every read and write of patient data."""


def _require_key() -> None:
    """A missing or weak audit key is a configuration error: one line, exit 2."""
    from needlepoint.safety.audit import audit_key
    from needlepoint.safety.audit_key import AuditKeyError

    try:
        audit_key()
    except AuditKeyError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)


@audit.command()
@data_dir_option
@click.option(
    "--checkpoint",
    "checkpoint_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file of checkpoint lines (from `needlepoint audit checkpoint`): every chain "
    "must still reach the events they name.",
)
def verify(data_dir: Path | None, checkpoint_file: Path | None) -> None:
    """Exit 0 when every chain is intact; otherwise name the first broken event and exit 1."""
    start_django(data_dir)
    _require_key()
    from needlepoint.safety.audit import audit_verify
    from needlepoint.safety.checkpoints import CheckpointError, read_checkpoints

    anchors = []
    if checkpoint_file is not None:
        try:
            anchors = read_checkpoints(checkpoint_file.read_text().splitlines())
        except (CheckpointError, UnicodeDecodeError) as error:
            click.echo(f"error: checkpoint file {checkpoint_file}: {error}", err=True)
            sys.exit(2)
    report = audit_verify(anchors)
    if report.intact:
        anchored = f", {len(anchors)} checkpoint events reached" if anchors else ""
        chains = f"{report.chains} chain{'s' * (report.chains != 1)}"
        click.echo(f"audit chain intact: {report.checked} events in {chains}{anchored}")
        return
    where = f"event #{report.broken_event_id}" if report.broken_event_id else "chain end"
    click.echo(
        f"audit chain BROKEN at {where}: {report.problem} "
        f"({report.checked} events before it are intact)",
        err=True,
    )
    sys.exit(1)


@audit.command()
@data_dir_option
def checkpoint(data_dir: Path | None) -> None:
    """Print one JSON line naming every chain's newest event, with a MAC: ship it elsewhere."""
    start_django(data_dir)
    _require_key()
    from needlepoint.safety.checkpoints import ChainEndBroken, audit_checkpoint

    try:
        click.echo(audit_checkpoint())
    except ChainEndBroken as error:
        click.echo(f"audit chain BROKEN: {error}", err=True)
        sys.exit(1)


COMMANDS = [audit]

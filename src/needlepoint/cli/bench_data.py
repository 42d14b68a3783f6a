"""`needlepoint bench-data`: realistic linked data appended to an existing clinic, fast
(COPY on PostgreSQL, bulk inserts on SQLite), for benchmarks and load tests."""

from __future__ import annotations

import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from needlepoint.cli.django_app import data_dir_option, start_django
from needlepoint.cli.rules import InputError, RulesCommand

MAX_PATIENTS = 10_000_000


@click.command("bench-data", cls=RulesCommand)
@click.option("--clinic", "slug", required=True, help="Slug of the clinic to add patients to.")
@click.option("--patients", required=True, type=click.IntRange(1, MAX_PATIENTS))
@click.option(
    "--sessions-per-patient",
    default=6,
    show_default=True,
    type=click.IntRange(1, 500),
    help="Sessions booked for each patient, over as many courses as that takes (histories "
    "start further back when many are asked for).",
)
@click.option("--seed", default=1, show_default=True, type=int, help="Same seed, same data.")
@click.option(
    "--anchor",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The day the histories run up to (default: today at the clinic); fix it for data "
    "that is the same on every run.",
)
@click.option("--force", is_flag=True, help="Add to a clinic that has real patients too.")
@data_dir_option
def bench_data(
    slug: str,
    patients: int,
    sessions_per_patient: int,
    seed: int,
    anchor: datetime | None,
    force: bool,
    data_dir: Path | None,
) -> None:
    """Append generated patients with their histories to a clinic: intakes and screenings,
    assessments, courses, signed sessions with charts and lots, scheduled ones, check-ins
    with triage, alerts, adverse events and consents. Record numbers read PREFIX-SYN..."""
    start_django(data_dir)
    from needlepoint.cli.synthetic.run import BenchDataError, generate, preflight
    from needlepoint.clinics.models import Clinic

    clinic = Clinic.objects.filter(slug=slug).first()
    if clinic is None:
        raise InputError(f"no clinic with slug {slug!r}")
    try:
        preflight(clinic, force=force)
    except BenchDataError as error:
        raise InputError(str(error)) from None
    day: date | None = anchor.date() if anchor else None
    started = time.perf_counter()
    with click.progressbar(
        length=patients, label="Generating patients", file=sys.stderr, show_pos=True
    ) as bar:
        shown = [0]

        def progress(done: int) -> None:
            bar.update(done - shown[0])
            shown[0] = done

        try:
            result = generate(
                clinic, patients, sessions_per_patient, seed, day, force=force, progress=progress
            )
        except BenchDataError as error:
            raise InputError(str(error)) from None
    seconds = time.perf_counter() - started
    click.echo(
        f"{clinic.name}: {result.total:,} rows in {seconds:.1f} s "
        f"({result.total / seconds:,.0f} rows/s), records {result.first_record} to "
        f"{result.last_record}"
    )
    for label, count in sorted(result.rows.items()):
        click.echo(f"  {label:<32} {count:>10,}")


COMMANDS: list[Any] = [bench_data]

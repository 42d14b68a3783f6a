"""`needlepoint worker`: the background-job consumer (reminders, check-in prompts, aftercare
updates, alert escalations, Bulk Data exports), with its periodic tasks."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from needlepoint.cli.django_app import data_dir_option, start_django


def pending_migrations() -> bool:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


@click.command()
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1, 32),
    help="Worker threads running the jobs.",
)
@data_dir_option
def worker(workers: int, data_dir: Path | None) -> None:
    """Run the background jobs until stopped (Ctrl-C). The queue is Redis when REDIS_URL is
    set, else a SQLite file in the data directory; run one worker per queue."""
    start_django(data_dir)
    if pending_migrations():
        raise click.UsageError("the database has unapplied migrations: run `needlepoint migrate`.")
    from huey.consumer import Consumer

    import needlepoint.interop.jobs  # noqa: F401 (registers the Bulk Data export job)
    from needlepoint.notify.jobs import huey

    logging.getLogger("huey").setLevel(logging.INFO)
    logging.getLogger("needlepoint.notify").setLevel(logging.INFO)
    click.echo(f"Needlepoint worker: {workers} threads on the {type(huey).__name__} queue")
    Consumer(huey, workers=workers, worker_type="thread", periodic=True).run()


COMMANDS = [worker]

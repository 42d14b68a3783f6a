"""`needlepoint demo`, `serve` and `migrate`: running the web app and the API."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from needlepoint.cli.django_app import data_dir_option, migrate, start_django
from needlepoint.cli.server import (
    DEFAULT_THREADS,
    WORKER_CLASSES,
    default_workers,
    run_server,
)
from needlepoint.config.environment import secret_key_problem

DEFAULT_DEMO_PASSWORD = "needlepoint-demo"  # noqa: S105 - documented demo default
DEMO_BACKENDS = {
    "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
    "SMS_BACKEND": "needlepoint.notify.sms.FileBackend",
}


def _demo_secret(data_dir: Path) -> str:
    """A random secret kept in the demo's data directory, made on first run."""
    path = data_dir / "demo-secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


@contextmanager
def demo_worker(data_dir: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`needlepoint worker` beside the demo's server (the same data directory and secret),
    asked first to send what is due now; stopped with the server. Its messages go to files
    in the data directory whatever the environment says: the demo's addresses are made up."""
    from needlepoint.notify.jobs import send_patient_mail

    send_patient_mail()  # queued for the worker: reminders due now arrive at once
    command = [sys.executable, "-m", "needlepoint.cli.main", "worker", "--workers", "1"]
    process = subprocess.Popen(  # noqa: S603 - this program, with its own arguments
        [*command, "--data-dir", str(data_dir)],
        env={**os.environ, **DEMO_BACKENDS},
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@data_dir_option
@click.option(
    "--demo-password",
    default=DEFAULT_DEMO_PASSWORD,
    show_default=True,
    help="Password of every demo account.",
)
@click.option("--no-serve", is_flag=True, help="Prepare the demo data and exit.")
@click.option(
    "--sample-photos",
    is_flag=True,
    help="Also add a photo series made from a public-domain portrait to the portal patient's "
    "course (labelled sample data), to see the compare view and the progress view filled.",
)
def demo(
    host: str,
    port: int,
    data_dir: Path | None,
    demo_password: str,
    no_serve: bool,
    sample_photos: bool,
) -> None:
    """Migrate, seed the demo clinics (idempotent) and serve the app, with the background
    worker sending reminders (e-mails and texts to files in the data directory)."""
    start_django(data_dir)
    from django.conf import settings

    os.environ["SECRET_KEY"] = settings.SECRET_KEY = _demo_secret(settings.DATA_DIR)
    if host not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS.append(host)
    migrate()
    from needlepoint.cli.demo_data import seed_demo

    accounts = seed_demo(demo_password, sample_photos=sample_photos)
    url = f"http://{host}:{port}/"
    click.echo(f"Needlepoint demo at {url}  (API docs: {url}api/v1/docs)")
    click.echo(f"Data directory: {settings.DATA_DIR}")
    click.echo(f"Demo accounts (password: {demo_password}):")
    for email, description in accounts:
        click.echo(f"  {email:<42} {description}")
    if no_serve:
        return
    with demo_worker(settings.DATA_DIR) as worker:
        click.echo(
            f"Background worker (pid {worker.pid}): e-mails in {settings.EMAIL_FILE_PATH}, "
            f"texts in {settings.SMS_FILE_PATH}"
        )
        run_server(host, port, workers=2, access_log=False)


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; 0.0.0.0 for every interface (behind a proxy, keep the default).",
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    default=default_workers,
    type=click.IntRange(1, 64),
    help="Worker processes (default: 2 x cores + 1).",
)
@click.option(
    "--worker-class",
    type=click.Choice(WORKER_CLASSES),
    help="Gunicorn workers: threaded (gthread, the default on PostgreSQL) or one request at "
    "a time each (sync, the default on SQLite).",
)
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    default=DEFAULT_THREADS,
    show_default=True,
    help="Threads per gthread worker (sync workers have one).",
)
@data_dir_option
def serve(
    host: str,
    port: int,
    workers: int,
    worker_class: str | None,
    threads: int,
    data_dir: Path | None,
) -> None:
    """Serve the app in production mode (configured from the environment)."""
    problem = secret_key_problem(os.environ.get("SECRET_KEY"))
    if problem:
        raise click.UsageError(f"refusing to start in production mode: {problem}.")
    start_django(data_dir)
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    call_command("check", deploy=True, fail_level="ERROR")
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise click.UsageError("the database has unapplied migrations: run `needlepoint migrate`.")
    run_server(host, port, workers, access_log=True, worker_class=worker_class, threads=threads)


@click.command("migrate")
@data_dir_option
def migrate_command(data_dir: Path | None) -> None:
    """Create or upgrade the database schema."""
    start_django(data_dir)
    migrate(verbosity=1)


COMMANDS = [demo, serve, migrate_command]

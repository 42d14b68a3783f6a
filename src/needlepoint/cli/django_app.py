"""Starting Django from the command line, on the data directory the user chose."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from needlepoint.config.environment import keep_files_private, make_private

F = TypeVar("F", bound=Callable[..., Any])


def data_dir_option(command: F) -> F:
    """`--data-dir DIR` (or NEEDLEPOINT_DATA_DIR): where the embedded database lives."""
    return click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="NEEDLEPOINT_DATA_DIR",
        help="Data directory (embedded database, mail, uploads). "
        "Default: $NEEDLEPOINT_DATA_DIR, else ~/.local/share/needlepoint.",
    )(command)


def start_django(data_dir: Path | None) -> None:
    """Set up Django on the data directory, kept private to this user."""
    keep_files_private()
    if data_dir is not None:
        os.environ["NEEDLEPOINT_DATA_DIR"] = str(data_dir.expanduser().resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "needlepoint.config.settings")
    import django
    from django.conf import settings

    django.setup()
    make_private(settings.DATA_DIR)


def migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    from needlepoint.notify.statistics import refresh_statistics

    call_command("migrate", interactive=False, verbosity=verbosity)
    refresh_statistics()

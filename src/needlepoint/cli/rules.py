"""Rules-engine subcommands (screen, score, plan, aftercare, triage): JSON in, JSON out."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []

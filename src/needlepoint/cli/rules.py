"""Rules-engine subcommands (screen, score, plan, aftercare, triage, knowledge basis).

Each reads JSON from a FILE or `-` (stdin) and prints JSON. Invalid input prints one line,
`needlepoint: error: FIELD: problem`, on stderr and exits with code 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from needlepoint.domain.aftercare import aftercare_items
from needlepoint.domain.errors import DomainError
from needlepoint.domain.knowledge import Knowledge, load_knowledge
from needlepoint.domain.knowledge.basis import render_basis
from needlepoint.domain.parsing import as_aware_datetime, parse_json_text
from needlepoint.domain.planning import parse_plan_request, plan_course
from needlepoint.domain.scars import parse_assessment, score
from needlepoint.domain.screening import parse_intake, screen
from needlepoint.domain.serialization import to_json
from needlepoint.domain.triage import parse_checkin, triage
from needlepoint.notify.calendar import aftercare_calendar
from needlepoint.notify.daylight import sunset_on


class InputError(click.ClickException):
    """Shown as one line on stderr; exit code 2."""

    exit_code = 2

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"needlepoint: error: {self.message}", err=True)


class RulesCommand(click.Command):
    """A command whose usage errors (missing argument, bad option) are one line too."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as error:
            raise InputError(error.format_message()) from None


def read_json(source: str) -> object:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise InputError(f"{source}: cannot read the file ({reason})") from None
    return parse_json_text(text)


def _print_json(result: object) -> None:
    click.echo(json.dumps(to_json(result), indent=2, sort_keys=True, ensure_ascii=False))


def _json_command(
    name: str, summary: str, decide: Callable[[object, Knowledge], object]
) -> click.Command:
    """A subcommand that reads FILE (or `-`), decides, and prints the decision as JSON."""

    @click.command(name, cls=RulesCommand, help=summary)
    @click.argument("file", metavar="FILE")
    def command(file: str) -> None:
        try:
            result = decide(read_json(file), load_knowledge())
        except DomainError as error:
            raise InputError(str(error)) from None
        _print_json(result)

    return command


@click.command("screen", cls=RulesCommand)
@click.argument("file", metavar="FILE")
@click.option(
    "--on",
    help="The day of the screening, YYYY-MM-DD (default: today): months since an event, such"
    " as the last isotretinoin dose, are counted to it.",
)
def screen_intake(file: str, on: str | None) -> None:
    """Screen intake answers: verdict, findings and missing answers."""
    day = date.today() if on is None else _day(on, "--on")
    try:
        known = load_knowledge()
        result = screen(parse_intake(read_json(file), known, day), known, day)
    except DomainError as error:
        raise InputError(str(error)) from None
    _print_json(result)


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{option}: must be a date, YYYY-MM-DD") from None


def _clinic_zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(f"--clinic-tz: unknown time zone {name!r}") from None


@click.command(cls=RulesCommand)
@click.option(
    "--performed-at",
    required=True,
    help="When the session was performed: ISO 8601 with a UTC offset.",
)
@click.option(
    "--clinic-tz",
    help="The clinic's IANA time zone, e.g. Europe/London (default: the offset given).",
)
@click.option(
    "--last-session-at",
    help="The course's last session, performed or booked (ISO 8601 with a UTC offset):"
    " sunscreen runs until 3 months after it (default: this session).",
)
@click.option("--clinic-phone", default="", help="The clinic's phone, named in the warning signs.")
@click.option(
    "--location",
    help="The clinic's LATITUDE,LONGITUDE in degrees, for sunset (default: the time zone's"
    " city when known, else the knowledge's evening hour).",
)
@click.option(
    "--now",
    help="When the calendar file is made (its DTSTAMP; reminders already past are left"
    " out), ISO 8601 with a UTC offset (default: now).",
)
@click.option(
    "--format", "output", type=click.Choice(["json", "ics"]), default="json", show_default=True
)
def aftercare(
    performed_at: str,
    clinic_tz: str | None,
    last_session_at: str | None,
    clinic_phone: str,
    location: str | None,
    now: str | None,
    output: str,
) -> None:
    """The timed aftercare instructions for a session, as JSON or an iCalendar file."""
    try:
        moment = as_aware_datetime(performed_at, "--performed-at")
        zone = moment.tzinfo if clinic_tz is None else _clinic_zone(clinic_tz)
        assert zone is not None  # the moment carries an offset
        knowledge = load_knowledge()
        local = moment.astimezone(zone)
        sunset = sunset_on(
            local.date(), zone, _location(location), knowledge.after_sunset.evening_hour
        )
        result = aftercare_items(
            moment,
            zone,
            knowledge,
            last_session_at=None
            if last_session_at is None
            else as_aware_datetime(last_session_at, "--last-session-at"),
            sunset=sunset,
            clinic_phone=clinic_phone,
        )
        stamp = datetime.now(UTC) if now is None else as_aware_datetime(now, "--now")
    except DomainError as error:
        raise InputError(str(error)) from None
    if output == "ics":
        click.echo(aftercare_calendar(result, moment, stamp), nl=False)
    else:
        _print_json(result)


def _location(text: str | None) -> tuple[float, float] | None:
    if text is None:
        return None
    try:
        latitude, longitude = (float(part) for part in text.split(","))
    except ValueError:
        latitude = longitude = float("nan")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise InputError("--location: must be LATITUDE,LONGITUDE in degrees, e.g. 51.5074,-0.1278")
    return latitude, longitude


@click.group()
def knowledge() -> None:
    """The clinical knowledge base."""


@knowledge.command(cls=RulesCommand)
def basis() -> None:
    """Print the clinical basis (docs/clinical-basis.md): each rule, value and source."""
    click.echo(render_basis(load_knowledge()), nl=False)


COMMANDS: list[click.Command] = [
    screen_intake,
    _json_command(
        "score",
        "Score a scar assessment (Goodman & Baron, ECCA) with each row's contribution.",
        lambda data, known: score(parse_assessment(data, known), known),
    ),
    _json_command(
        "plan",
        "Plan a course: sessions, interval, depth per zone, adjuncts, cost, published results.",
        lambda data, known: plan_course(parse_plan_request(data, known), known),
    ),
    aftercare,
    _json_command(
        "triage",
        "Triage a patient's check-in against the expected recovery course.",
        lambda data, known: triage(parse_checkin(data, known), known),
    ),
    knowledge,
]

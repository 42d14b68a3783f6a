"""The rules-engine subcommands: JSON in and out, and one clear line for every kind of bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from icalendar import Calendar

from needlepoint.cli.main import cli
from needlepoint.domain.knowledge import load_knowledge

DOCS = Path(__file__).resolve().parents[2] / "docs" / "clinical-basis.md"
NEEDLEPOINT = str(Path(sys.executable).with_name("needlepoint"))

VALID: dict[str, dict[str, Any]] = {
    "screen": {"age": 30, "fitzpatrick": 2},
    "score": {"qualitative_grade": 2, "ecca": {"counts": {"boxcar": 3}}},
    "plan": {"scar_types": ["boxcar"], "qualitative_grade": 2, "fitzpatrick": 3, "zones": ["chin"]},
    "triage": {
        "performed_at": "2025-03-01T10:00:00+00:00",
        "reported_at": "2025-03-02T09:00:00+00:00",
        "symptoms": {"redness": 3},
    },
}
INVALID: list[tuple[str, dict[str, Any], str]] = [
    ("screen", {"shoe_size": 9}, "shoe_size: unknown field"),
    ("screen", {"pregnant": "no"}, "pregnant: must be true or false"),
    ("screen", {"fitzpatrick": 9}, "fitzpatrick: must be an integer from 1 to 6"),
    ("score", {"ecca": {"counts": {"pits": 1}}}, "ecca.counts.pits: unknown field"),
    ("score", {"ecca": {"counts": {"boxcar": "3"}}}, "ecca.counts.boxcar: must be an integer"),
    ("score", {"qualitative_grade": 9}, "qualitative_grade: must be an integer from 1 to 4"),
    ("plan", {"price": 300}, "price: unknown field"),
    ("plan", {"zones": "chin"}, "zones: must be a list"),
    ("plan", {"depth_limit_mm": {"chin": 0}}, "depth_limit_mm.chin: must be greater than 0"),
    ("plan", {"findings": ["cold_sores"]}, "findings[0]: must be one of: "),
    ("plan", {"fitzpatrick": None}, "fitzpatrick: must be an integer from 1 to 6"),
    ("triage", {"symptoms": {"sneezing": True}}, "symptoms.sneezing: unknown field"),
    ("triage", {"symptoms": {"pus": 1}}, "symptoms.pus: must be true or false"),
    ("triage", {"symptoms": {"redness": 11}}, "symptoms.redness: must be an integer from 0 to 10"),
    ("triage", {"reported_at": "yesterday"}, "reported_at: must be an ISO 8601 date-time"),
    ("triage", {"patient": {"fitzpatrick": 0}}, "patient.fitzpatrick: must be an integer from 1"),
    (
        "triage",
        {"patient": {"findings": ["warfarin"]}},
        "patient.findings[0]: must be one of: ",
    ),
]


def _run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin)


def _one_error_line(result: Result, expected: str) -> None:
    """Exit code 2, nothing on stdout, and one stderr line starting with the expected error."""
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(f"needlepoint: error: {expected}")
    assert result.stderr.endswith("\n")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", VALID)
def test_reads_a_file_or_stdin_and_prints_sorted_json(command: str, tmp_path: Path) -> None:
    path = tmp_path / "input.json"
    path.write_text(json.dumps(VALID[command]), encoding="utf-8")
    from_file = _run(command, str(path))
    from_stdin = _run(command, "-", stdin=json.dumps(VALID[command]))
    assert from_file.exit_code == 0, from_file.output
    assert from_file.stdout == from_stdin.stdout
    output = json.loads(from_file.stdout)
    assert (
        from_file.stdout == json.dumps(output, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    )


@pytest.mark.parametrize(("command", "change", "message"), INVALID)
def test_invalid_fields_are_one_line_naming_the_field(
    command: str, change: dict[str, Any], message: str
) -> None:
    _one_error_line(_run(command, "-", stdin=json.dumps({**VALID[command], **change})), message)


@pytest.mark.parametrize("command", VALID)
@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        (
            "{",
            "input: invalid JSON at line 1 column 2: Expecting property name enclosed in",
        ),
        ("", "input: invalid JSON at line 1 column 1: Expecting value"),
        ("[1, 2]", "input: must be an object"),
        ('{"a": NaN}', "input: NaN is not a valid number"),
        ("[" * 100_000 + "]" * 100_000, "input: invalid JSON: nested too deeply"),
        ('{"a": ' + "9" * 5000 + "}", "input: invalid JSON: a number has more than 4300 digits"),
    ],
)
def test_bad_json_is_one_line(command: str, stdin: str, message: str) -> None:
    _one_error_line(_run(command, "-", stdin=stdin), message)


@pytest.mark.parametrize("command", VALID)
def test_a_missing_or_unreadable_file_is_one_line(command: str, tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    _one_error_line(
        _run(command, str(missing)), f"{missing}: cannot read the file (No such file or directory)"
    )
    _one_error_line(
        _run(command, str(tmp_path)), f"{tmp_path}: cannot read the file (Is a directory)"
    )
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe{}")
    _one_error_line(_run(command, str(binary)), f"{binary}: cannot read the file (not UTF-8 text)")
    _one_error_line(_run(command), "Missing argument 'FILE'.")


def test_the_real_command_exits_2_with_one_line() -> None:
    result = subprocess.run(
        [NEEDLEPOINT, "triage", "-"],
        input='{"performed_at": "2025-03-01T10:00:00Z"}',
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == "needlepoint: error: reported_at: is required\n"


def test_triage_takes_a_session_time_after_the_report_and_says_so() -> None:
    data = {**VALID["triage"], "performed_at": "2025-03-03T10:00:00+00:00"}
    result = _run("triage", "-", stdin=json.dumps({**data, "symptoms": {"fever": True}}))
    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    assert output["level"] == "urgent"
    assert [anomaly["code"] for anomaly in output["anomalies"]] == ["session_time_in_future"]
    assert output["expected_course"]["hours_since_session"] == 0


def test_aftercare_json_is_in_the_clinic_zone() -> None:
    result = _run(
        "aftercare", "--performed-at", "2025-07-01T09:00:00Z", "--clinic-tz", "America/New_York"
    )
    assert result.exit_code == 0, result.output
    items = {item["code"]: item for item in json.loads(result.stdout)["items"]}
    assert items["no_makeup"]["starts_at"] == "2025-07-01T05:00:00-04:00"
    assert items["no_makeup"]["ends_at"] == "2025-07-02T05:00:00-04:00"
    assert items["avoid_sun"]["sources"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--performed-at", "2025-07-01T09:00:00"], "--performed-at: must include a UTC offset"),
        (["--performed-at", "soon"], "--performed-at: must be an ISO 8601 date-time"),
        (
            ["--performed-at", "2025-07-01T09:00:00Z", "--clinic-tz", "Mars/Olympus"],
            "--clinic-tz: unknown time zone 'Mars/Olympus'",
        ),
        (
            ["--performed-at", "2025-07-01T09:00:00Z", "--clinic-tz", "../etc/passwd"],
            "--clinic-tz: unknown time zone '../etc/passwd'",
        ),
        (
            ["--performed-at", "2025-07-01T09:00:00Z", "--format", "pdf"],
            "Invalid value for '--format': 'pdf' is not one of 'json', 'ics'.",
        ),
        ([], "Missing option '--performed-at'."),
        (
            ["--performed-at", "2025-07-01T09:00:00Z", "--last-session-at", "2025-09-01"],
            "--last-session-at: must include a UTC offset",
        ),
        (
            ["--performed-at", "2025-07-01T09:00:00Z", "--now", "later"],
            "--now: must be an ISO 8601 date-time",
        ),
        *(
            (
                ["--performed-at", "2025-07-01T09:00:00Z", "--location", place],
                "--location: must be LATITUDE,LONGITUDE in degrees, e.g. 51.5074,-0.1278",
            )
            for place in ("91,0", "51.5", "51.5,-0.1,3", "north,west", "nan,0", "0,181")
        ),
    ],
)
def test_aftercare_errors_are_one_line(args: list[str], message: str) -> None:
    _one_error_line(_run("aftercare", *args), message)


def test_aftercare_calendar_parses_back_with_a_reminder_per_event() -> None:
    args = [
        "aftercare",
        "--performed-at",
        "2025-03-29T10:00:00+01:00",
        "--clinic-tz",
        "Europe/Paris",
    ]
    made = ["--now", "2025-03-29T09:55:00+01:00"]  # before the session ended
    result = _run(*args, *made, "--format", "ics")
    assert result.exit_code == 0, result.output
    assert _run(*args, *made, "--format", "ics").stdout_bytes == result.stdout_bytes
    calendar = Calendar.from_ical(result.stdout_bytes)
    events = calendar.walk("VEVENT")
    knowledge = load_knowledge()
    assert len(events) == len(knowledge.aftercare)
    assert len({str(event["UID"]) for event in events}) == len(events)
    json_items = json.loads(_run(*args).stdout)["items"]
    for event, item in zip(events, json_items, strict=True):
        assert event.decoded("DTSTAMP").isoformat() == "2025-03-29T08:55:00+00:00"
        assert event.decoded("DTSTART") == datetime.fromisoformat(item["starts_at"])
        assert event.decoded("DTEND") == datetime.fromisoformat(item["ends_at"])
        assert str(event["SUMMARY"]) == item["title"]
        assert str(event["DESCRIPTION"]) == item["text"]
        [alarm] = event.walk("VALARM")
        assert str(alarm["ACTION"]) == "DISPLAY"
        assert alarm.decoded("TRIGGER") == event.decoded("DTSTART")  # its own start
    # Made the next morning, the reminders already past are left out: those left are of
    # the skincare and sunscreen that start at 10:00 (a day later on the clock, 23 hours).
    later = _run(*args, "--now", "2025-03-30T09:00:00+02:00", "--format", "ics")
    events = Calendar.from_ical(later.stdout_bytes).walk("VEVENT")
    reminded = {str(e["SUMMARY"]) for e in events if e.walk("VALARM")}
    assert reminded == {"Gentle skincare", "Sunscreen every day"}


def test_aftercare_takes_the_course_the_clinics_phone_and_its_location() -> None:
    result = _run(
        "aftercare",
        "--performed-at",
        "2025-12-01T17:30:00Z",  # 17:30 in London, after sunset
        "--clinic-tz",
        "Europe/London",
        "--last-session-at",
        "2026-02-02T10:00:00Z",
        "--clinic-phone",
        "020 7946 0000",
        "--location",
        "51.5074,-0.1278",
    )
    assert result.exit_code == 0, result.output
    items = {item["code"]: item for item in json.loads(result.stdout)["items"]}
    assert items["avoid_sun"]["starts_at"] == "2025-12-02T07:00:00+00:00"
    assert items["sunscreen"]["ends_at"] == "2026-05-02T10:00:00+01:00"  # its clock time
    assert items["sunscreen"]["announce_end"] is False
    assert items["warning_signs"]["text"].startswith("Call the clinic on 020 7946 0000")
    # In Sydney the same evening hour is daylight (December): the sun items start at once.
    sydney = _run(
        "aftercare",
        "--performed-at",
        "2025-12-01T17:30:00+11:00",
        "--clinic-tz",
        "Australia/Sydney",
    )
    items = {item["code"]: item for item in json.loads(sydney.stdout)["items"]}
    assert items["avoid_sun"]["starts_at"] == "2025-12-01T17:30:00+11:00"


def test_knowledge_basis_prints_the_committed_document() -> None:
    result = _run("knowledge", "basis")
    assert result.exit_code == 0
    assert result.stdout == DOCS.read_text(encoding="utf-8")

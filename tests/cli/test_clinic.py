"""`needlepoint clinic create`: a validated clinic, printed and audited; bad input is one line
and exit 2, with nothing created."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from needlepoint.cli.main import cli
from needlepoint.clinics.models import Clinic
from needlepoint.safety.models import AuditEvent


def _create(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["clinic", "create", *args])


def test_creates_the_clinic_prints_it_and_audits_it(db):
    made = _create(
        "--slug", "city-skin", "--name", "City Skin", "--time-zone", "Europe/Paris",
        "--currency", "eur",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    clinic = Clinic.objects.get(slug="city-skin")
    assert (clinic.name, clinic.time_zone, clinic.currency) == ("City Skin", "Europe/Paris", "EUR")
    assert clinic.record_prefix == "CS"
    assert "city-skin: City Skin" in made.output
    assert "CS-00001" in made.output
    event = AuditEvent.objects.get(action="clinic.create")
    assert (event.clinic_id, event.actor_user_id) == (clinic.pk, None)
    assert event.detail["currency"] == "EUR"


def test_the_record_prefix_may_be_given(db):
    made = _create(
        "--slug", "northside", "--name", "N", "--time-zone", "UTC", "--record-prefix", "NS2"
    )
    assert made.exit_code == 0, made.output
    assert Clinic.objects.get(slug="northside").record_prefix == "NS2"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--slug", "City_Skin"], "slug: 'City_Skin': use lower-case letters"),
        (["--slug", "city skin"], "slug: Enter a valid"),
        (["--slug", "taken"], "slug: Clinic with this Slug already exists"),
        (["--time-zone", "Mars/Olympus"], "time-zone: 'Mars/Olympus' is not a known IANA"),
        (["--currency", "EURO"], "currency: 'EURO' is not an ISO 4217 currency code"),
        (["--currency", "ABC"], "currency: 'ABC' is not an ISO 4217 currency code"),
        (["--record-prefix", "too-long"], "record-prefix: Up to six capital letters"),
        (["--name", " "], "name: This field cannot be blank"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_creates_nothing(db, args, message):
    _create("--slug", "taken", "--name", "Taken", "--time-zone", "UTC")
    given = {"--slug": "new-clinic", "--name": "New", "--time-zone": "Europe/Berlin"}
    given.update(zip(args[::2], args[1::2], strict=True))
    result = _create(*[part for pair in given.items() for part in pair])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0, result.output
    assert message in result.output
    assert Clinic.objects.count() == 1
    assert AuditEvent.objects.filter(action="clinic.create").count() == 1


def test_a_missing_option_is_one_line_exit_2(db):
    result = _create("--slug", "x")
    assert result.exit_code == 2
    assert "--name" in result.output

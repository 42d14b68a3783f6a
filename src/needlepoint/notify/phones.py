"""Mobile numbers for text messages: parsed with `phonenumbers`, kept as E.164 (+14155550100).

A number written without its country code is read as one of the clinic's country, which
follows from its time zone (America/New_York: US); a clinic in UTC needs the country code.
"""

from __future__ import annotations

import functools
from importlib import resources

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType


class PhoneNumberInvalid(ValueError):
    """A number that cannot receive text messages, with what is wrong in the patient's terms."""


@functools.cache
def _zone_countries() -> dict[str, str]:
    table = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text()
    rows = (line.split("\t") for line in table.splitlines() if not line.startswith("#"))
    return {row[2]: row[0] for row in rows if len(row) >= 3}


def zone_region(time_zone: str) -> str | None:
    """The country (ISO 3166 code) of an IANA time zone, or None (UTC, Etc/…)."""
    return _zone_countries().get(time_zone)


def mobile_e164(raw: str, region: str | None) -> str:
    """`raw` as an E.164 number able to receive texts; PhoneNumberInvalid says why not."""
    text = raw.strip()
    if not text:
        raise PhoneNumberInvalid("Enter a mobile number.")
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException as error:
        if error.error_type == NumberParseException.INVALID_COUNTRY_CODE:
            raise PhoneNumberInvalid(
                f"{text!r}: start with + and the country code (e.g. +44 7700 900123)."
            ) from None
        raise PhoneNumberInvalid(f"{text!r} is not a phone number.") from None
    if not phonenumbers.is_valid_number(number):
        raise PhoneNumberInvalid(f"{text!r} is not a valid phone number.")
    if phonenumbers.number_type(number) not in (
        PhoneNumberType.MOBILE,
        PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise PhoneNumberInvalid(f"{text!r} is not a mobile number: texts cannot reach it.")
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)

"""Search values as FHIR R4 reads them: a date's prefix and the period its precision covers,
references and tokens; bad values are refused naming the parameter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from needlepoint.fhir.search import FhirSearchError, date_bound, reference_id, token

PARIS = ZoneInfo("Europe/Paris")


def _paris(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=PARIS)  # type: ignore[arg-type]


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "prefix", "start", "end"),
    [
        ("2026", "eq", _paris(2026, 1, 1), _paris(2027, 1, 1)),
        ("ge2026-12", "ge", _paris(2026, 12, 1), _paris(2027, 1, 1)),
        ("lt2026-02-28", "lt", _paris(2026, 2, 28), _paris(2026, 3, 1)),
        ("2026-03-01T10:00", "eq", _paris(2026, 3, 1, 10), _paris(2026, 3, 1, 10, 1)),
        ("gt2026-03-01T10:00:00Z", "gt", _utc(2026, 3, 1, 10), _utc(2026, 3, 1, 10, 0, 1)),
    ],
)
def test_a_date_is_the_period_its_precision_covers(
    value: str, prefix: str, start: datetime, end: datetime
) -> None:
    bound = date_bound("date", value, PARIS)
    assert (bound.prefix, bound.start, bound.end) == (prefix, start, end)


def test_an_offset_is_kept_and_a_plus_left_unescaped_in_a_url_is_read_as_one() -> None:
    bound = date_bound("date", "2026-03-01T10:00:00 02:00", PARIS)  # "+" decoded as a space
    assert bound.start.utcoffset() == timedelta(hours=2)
    assert bound.start == datetime(2026, 3, 1, 8, tzinfo=UTC)


@pytest.mark.parametrize("value", ["tomorrow", "2026-13", "2026-02-30", "sa2026", "ap2026", ""])
def test_bad_dates_and_unsupported_prefixes_are_refused(value: str) -> None:
    with pytest.raises(FhirSearchError, match=r"^birthdate: ") as refused:
        date_bound("birthdate", value, PARIS)
    assert refused.value.parameter == "birthdate"


def test_references_and_tokens() -> None:
    assert reference_id("patient", "Patient/abc", "Patient") == "abc"
    assert reference_id("patient", "abc", "Patient") == "abc"
    assert reference_id("patient", "https://x.example/fhir/R4/Patient/abc", "Patient") == "abc"
    with pytest.raises(FhirSearchError):
        reference_id("patient", "Practitioner/abc", "Patient")
    with pytest.raises(FhirSearchError):
        reference_id("patient", "Patient/", "Patient")
    assert token("http://sys|A-1") == ("http://sys", "A-1")
    assert token("|A-1") == ("", "A-1")
    assert token("A-1") == (None, "A-1")

"""The patient search: what a term matches on each database, the capped count, the indexes
that serve it, and a constant number of queries however many patients the clinic has."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from needlepoint.accounts.tokens import token_create
from needlepoint.notify.statistics import refresh_statistics
from needlepoint.patients import selectors
from needlepoint.patients.models import Patient
from tests.conftest import as_actor, signed_in
from tests.factories import PatientFactory

ON_POSTGRESQL = connection.vendor == "postgresql"


def _found(actor: Any, query: str) -> list[str]:
    return [p.family_name for p in selectors.access_patients(actor, query).patients]


def test_a_term_matches_inside_a_field_on_postgresql_and_its_start_on_sqlite(
    practitioner: Any, clinic: Any
) -> None:
    PatientFactory(clinic=clinic, given_name="Tamsin", family_name="Ames", email="t@mail.test")
    actor = as_actor(practitioner)
    assert _found(actor, "am") == ["Ames"]  # the start of the family name, on both
    assert _found(actor, "AMES tam") == ["Ames"]  # every term, in any field, any case
    assert _found(actor, "t@mail") == ["Ames"]
    assert _found(actor, "ames zed") == []
    assert _found(actor, "msin") == (["Ames"] if ON_POSTGRESQL else [])
    assert _found(actor, "ms") == []  # too short for a trigram: the start of a field only


def test_the_count_stops_a_thousand_matches_past_the_page(
    practitioner: Any, clinic: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "COUNT_AHEAD", 3)
    for i in range(7):
        PatientFactory(clinic=clinic, given_name="Pat", family_name=f"Family{i}")
    actor = as_actor(practitioner)

    def page(number: int) -> tuple[int, bool, int, int, list[str]]:
        found = selectors.access_patients(actor, "pat", page=number, page_size=2)
        names = [p.family_name for p in found.patients]
        return found.count, found.count_capped, found.pages, found.page, names

    assert page(1) == (3, True, 2, 1, ["Family0", "Family1"])
    assert page(2) == (5, True, 3, 2, ["Family2", "Family3"])
    assert page(3) == (7, False, 4, 3, ["Family4", "Family5"])
    assert page(9) == (7, False, 4, 4, ["Family6"])  # past the last: the last


def test_pages_and_api_say_when_the_count_is_capped(
    practitioner: Any, clinic: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "COUNT_AHEAD", 2)
    for i in range(4):
        PatientFactory(clinic=clinic, given_name="Pat", family_name=f"Family{i}")
    page = signed_in(practitioner).get("/patients/?q=pat").content.decode()
    assert "More than 2 patients" in page
    _, raw = token_create(practitioner.user)
    body = signed_in(practitioner).get(
        "/api/v1/patients?q=pat&page_size=1", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert {k: body.json()[k] for k in ("count", "count_capped", "pages")} == {
        "count": 2,
        "count_capped": True,
        "pages": 2,
    }


def test_each_searched_fields_index_serves_a_term(practitioner: Any, clinic: Any) -> None:
    """The lookup a term becomes is the expression each field's index holds. PostgreSQL's
    planner would read so few rows directly, so plain scans are priced out there; SQLite's
    indexes range over a field within the clinic and are chosen once it has statistics."""
    for n in range(100):
        PatientFactory(clinic=clinic, given_name=f"Given{n}", family_name=f"Family{n}")
    matches = Patient.objects.filter(selectors.term_matches("ames", connection.vendor))
    refresh_statistics()  # what migrate and the nightly job run
    if ON_POSTGRESQL:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE patients_patient")
            cursor.execute("SET LOCAL enable_seqscan = off")
    else:
        matches = matches.filter(clinic=clinic)
    plan = matches.explain()
    kind = "trgm" if ON_POSTGRESQL else "prefix"
    for field in selectors.SEARCHED:
        assert f"patient_{field}_{kind}" in plan, plan


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db
def test_the_trigram_indexes_take_new_patients_at_once() -> None:
    """A GIN index's pending list would be read in full by every search until a vacuum."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname LIKE 'patient\\_%\\_trgm'"
        )
        options = dict(cursor.fetchall())
    assert options == {f"patient_{field}_trgm": ["fastupdate=off"] for field in selectors.SEARCHED}


@pytest.mark.parametrize("url", ["/patients/?q=ana", "/api/v1/patients?q=ana%20am"])
def test_a_search_reads_the_same_queries_with_ten_times_the_patients(
    practitioner: Any, clinic: Any, url: str, django_assert_num_queries: Any
) -> None:
    client = signed_in(practitioner)
    _, raw = token_create(practitioner.user)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if url.startswith("/api/") else {}

    def grow(n: int) -> None:
        for _ in range(n):
            PatientFactory(clinic=clinic, given_name="Ana", family_name="Ames")

    grow(3)
    client.get(url, **headers)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, **headers).status_code == 200
    grow(27)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url, **headers).status_code == 200

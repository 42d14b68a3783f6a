"""The timeline a page at a time: paging through a long history shows every entry once, in
order (ties at one instant too), and a page reads no more queries however long it is."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from needlepoint.courses.models import Addendum, Session
from needlepoint.patients.consents import consent_revoke, consent_sign
from needlepoint.patients.models import ConsentTemplate
from needlepoint.records.timeline import Cursor, Entry, access_timeline
from needlepoint.safety.services import lot_recall
from tests.clinical_data import make_lot, treated_session
from tests.conftest import as_actor, signed_in
from tests.factories import PatientFactory


def _long_history(practitioner: Any, sessions: int) -> Any:
    """A patient treated once through the services, then `sessions` more signed sessions, each
    with an addendum, a recalled cartridge lot and a recalled product lot, and a consent
    signed and revoked."""
    actor = as_actor(practitioner)
    patient = PatientFactory(clinic=practitioner.clinic)
    first = treated_session(actor, patient.pk)
    lot_recall(actor, first.cartridge_lot_id, "Blunt tips")
    product = make_lot(practitioner.clinic, f"SERUM-{patient.pk}", kind="product", recalled=True)
    fields = {
        f.attname: getattr(first, f.attname)
        for f in Session._meta.concrete_fields
        if not f.primary_key
    }
    assert first.started_at is not None
    Session.objects.bulk_create(
        Session(
            **fields
            | {
                "number": 100 + n,
                "scheduled_at": first.started_at - timedelta(days=n),
                "started_at": first.started_at - timedelta(days=n),
                "ended_at": first.started_at - timedelta(days=n, minutes=-30),
            }
        )
        for n in range(1, sessions + 1)
    )
    made = list(Session.objects.filter(number__gt=100, patient=patient))
    Session.product_lots.through.objects.bulk_create(
        Session.product_lots.through(session=s, lot=product) for s in made
    )
    Addendum.objects.bulk_create(
        Addendum(clinic=s.clinic, session=s, text=f"Note {s.number}", author=practitioner.user)
        for s in made
    )
    template, _ = ConsentTemplate.objects.get_or_create(
        clinic=practitioner.clinic,
        kind="treatment",
        defaults={
            "version": 1,
            "title": "Treatment",
            "body": "I consent.",
            "created_by": practitioner.user,
        },
    )
    consent = consent_sign(actor, patient.pk, template.pk, patient.full_name)
    consent_revoke(actor, consent.pk, "Moved away")
    return patient


def _walk(actor: Any, patient_id: Any, size: int) -> list[Entry]:
    seen, before = [], None
    while True:
        page = access_timeline(actor, patient_id, before, size=size)
        assert len(page.entries) <= size
        seen += page.entries
        if page.earlier is None:
            return seen
        before = page.earlier


def test_paging_shows_every_entry_once_in_order(practitioner):  # type: ignore[no-untyped-def]
    patient = _long_history(practitioner, 12)
    # Ties: sessions, their aftercare and addenda at one instant, more than a page of each.
    instant = Session.objects.get(patient=patient, number=101).started_at
    Session.objects.filter(patient=patient, number__gt=100).update(
        started_at=instant, ended_at=instant
    )
    Addendum.objects.filter(session__patient=patient).update(at=instant)
    actor = as_actor(practitioner)
    everything = access_timeline(actor, patient.pk, size=1000)
    assert everything.earlier is None
    paged = _walk(actor, patient.pk, size=5)
    assert paged == everything.entries
    assert len({(e.source, e.ref) for e in paged}) == len(paged)
    assert [e.at for e in paged] == sorted((e.at for e in paged), reverse=True)
    kinds = {e.kind for e in paged}
    assert {"screening", "assessment", "course", "session", "addendum", "aftercare"} <= kinds
    assert {"recall", "consent"} <= kinds
    recalls = [e for e in paged if e.kind == "recall"]
    assert len(recalls) == 1 + 12 + 12
    assert all(e.flag for e in recalls)
    assert sum(e.kind == "session" for e in paged) == 3 + 12


def test_the_page_links_to_the_earlier_entries(practitioner):  # type: ignore[no-untyped-def]
    patient = _long_history(practitioner, 30)
    client = signed_in(practitioner)
    base = f"/patients/{patient.pk}/timeline/"
    url, titles = base, []
    while url:
        html = client.get(url).content.decode()
        titles += re.findall(r"<strong>(?:<a [^>]*>)?([^<]+)", html)
        earlier = re.search(r'href="(\?before=[^"]+)" rel="next"', html)
        url = base + earlier.group(1).replace("&amp;", "&") if earlier else ""
    assert len(titles) == len(
        access_timeline(as_actor(practitioner), patient.pk, size=1000).entries
    )
    assert titles.count("Addendum to session 130") == 1
    assert len(titles) > 50


@pytest.mark.parametrize("before", ["yesterday", "2026-01-01T10:00:00"])
def test_a_malformed_cursor_is_a_bad_request(practitioner, patient, before):  # type: ignore[no-untyped-def]
    response = signed_in(practitioner).get(
        f"/patients/{patient.pk}/timeline/", {"before": before, "entry": "session:1"}
    )
    assert response.status_code == 400


def test_a_page_of_200_sessions_reads_no_more_queries_than_one_of_20(practitioner):  # type: ignore[no-untyped-def]
    client = signed_in(practitioner)

    def queries(patient: Any, query: str = "") -> int:
        url = f"/patients/{patient.pk}/timeline/{query}"
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    short, long = _long_history(practitioner, 20), _long_history(practitioner, 200)
    queries(short)  # warm caches (sessions, knowledge)
    # The short history's page shows every kind of entry, each kind read in two queries.
    assert queries(long) <= queries(short)
    middle = access_timeline(as_actor(practitioner), long.pk).earlier
    assert middle is not None
    assert queries(long, f"?{middle.query()}") <= queries(short)


def test_the_cursor_round_trips_through_its_address() -> None:
    at = datetime(2026, 3, 1, 9, 30, 0, 123, tzinfo=UTC)
    cursor = Cursor.of(Entry(at, "session", "Session 1", source="session", ref="42"))
    assert Cursor.parse(dict(parse_qsl(cursor.query()))) == cursor

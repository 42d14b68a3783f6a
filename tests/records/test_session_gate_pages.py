"""The session gate as a clinic meets it: reviewing what is open before starting, lots refused
with their reason, and entries saved against a chart signed meanwhile kept as a draft."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from needlepoint.accounts.tokens import token_create
from needlepoint.courses import sessions
from needlepoint.courses.models import Addendum
from needlepoint.intakes.answers import intake_from_json
from needlepoint.records import services as records
from needlepoint.records.open_items import open_items
from needlepoint.safety.services import lot_recall
from tests.clinical_data import CLEAR, make_lot, planned_course, treated_session
from tests.conftest import as_actor, signed_in
from tests.factories import StaffFactory
from tests.intake_answers import intake_form_data


@pytest.fixture
def api(practitioner) -> Client:
    _, raw = token_create(practitioner.user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _second_session(practitioner, patient):  # type: ignore[no-untyped-def]
    """A patient treated once with a cartridge lot that is then recalled."""
    actor = as_actor(practitioner)
    first = treated_session(actor, patient.pk)
    lot_recall(actor, first.cartridge_lot_id, "Needle tips blunt")
    return first.course.sessions.get(number=2)


def test_open_items_list_a_recalled_lot_and_starting_needs_the_review(practitioner, patient):
    session = _second_session(practitioner, patient)
    actor = as_actor(practitioner)
    [item] = open_items(actor, session.patient)
    assert item.kind == "recalled_lot"
    assert "Needle tips blunt" in item.text
    client = signed_in(practitioner)
    page = client.get(f"/sessions/{session.pk}/").content.decode()
    assert "Open for this patient" in page
    assert "Needle tips blunt" in page
    refused = client.post(f"/sessions/{session.pk}/", intake_form_data()).content.decode()
    assert "Review what is open for this patient (1 item)" in refused
    session.refresh_from_db()
    assert session.screening is None
    client.post(f"/sessions/{session.pk}/", {**intake_form_data(), "reviewed": "1"})
    session.refresh_from_db()
    assert session.screening is not None
    assert [entry["kind"] for entry in session.start_review] == ["recalled_lot"]


def test_the_api_lists_open_items_and_refuses_an_unreviewed_start(api, practitioner, patient):
    session = _second_session(practitioner, patient)
    items = api.get(f"/api/v1/sessions/{session.pk}/open-items").json()
    assert [item["kind"] for item in items] == ["recalled_lot"]
    url = f"/api/v1/sessions/{session.pk}/start"
    refused = api.post(url, CLEAR, content_type="application/json")
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"
    started = api.post(f"{url}?reviewed=true", CLEAR, content_type="application/json")
    assert started.status_code == 201, started.content


def test_an_expired_lot_is_refused_with_its_reason_not_an_unknown_choice(
    practitioner, patient, clinic
):
    actor = as_actor(practitioner)
    session = planned_course(actor, patient.pk).sessions.get(number=1)
    records.session_start(actor, session.pk, intake_from_json(actor, CLEAR))
    expired = make_lot(clinic, "OLD-1", expires=date(2020, 1, 1))
    start = timezone.localtime() - timedelta(hours=1)
    response = signed_in(practitioner).post(
        f"/sessions/{session.pk}/chart/",
        {
            "revision": "0",
            "cartridge_lot": str(expired.pk),
            "started_at": start.strftime("%Y-%m-%dT%H:%M"),
            "save": "1",
        },
    )
    page = response.content.decode()
    assert "Lot OLD-1 expired on 2020-01-01." in page
    assert "Select a valid choice" not in page
    assert "OLD-1" not in page.split("Lot OLD-1 expired")[0].split('name="cartridge_lot"')[-1]


def test_a_future_treatment_time_is_refused_on_the_chart_page(practitioner, patient):
    actor = as_actor(practitioner)
    session = planned_course(actor, patient.pk).sessions.get(number=1)
    records.session_start(actor, session.pk, intake_from_json(actor, CLEAR))
    later = timezone.localtime() + timedelta(hours=3)
    page = (
        signed_in(practitioner)
        .post(
            f"/sessions/{session.pk}/chart/",
            {"revision": "0", "started_at": later.strftime("%Y-%m-%dT%H:%M"), "save": "1"},
        )
        .content.decode()
    )
    assert "This time is in the future" in page
    session.refresh_from_db()
    assert session.started_at is None


def test_a_save_against_a_chart_signed_meanwhile_becomes_a_draft_addendum(practitioner, patient):
    actor = as_actor(practitioner)
    signed = treated_session(actor, patient.pk)
    client = signed_in(practitioner)
    response = client.post(
        f"/sessions/{signed.pk}/chart/",
        {"revision": "0", "device_id": "PEN-2", "immediate_reactions": "Wheal", "save": "1"},
        follow=True,
    )
    page = response.content.decode()
    assert "kept as a draft addendum" in page
    assert "Your draft addendum" in page
    draft = Addendum.objects.get(session=signed, draft=True)
    assert "immediate reactions: Wheal" in draft.text
    signed.refresh_from_db()
    assert signed.device_id == "PEN-1"
    assert "Wheal" not in client.get(f"/patients/{patient.pk}/timeline/").content.decode()
    client.post(
        f"/sessions/{signed.pk}/addenda/",
        {"draft": str(draft.pk), "text": "Wheal on the left cheek at 20 min."},
    )
    draft.refresh_from_db()
    assert not draft.draft
    assert draft.text == "Wheal on the left cheek at 20 min."


def test_a_draft_addendum_can_be_discarded_only_by_its_author(practitioner, clinic, patient):
    actor = as_actor(practitioner)
    signed = treated_session(actor, patient.pk)
    with pytest.raises(sessions.ChartSigned) as kept:
        sessions.session_chart_save(actor, signed.pk, revision=1, device_id="X")
    draft = kept.value.draft
    colleague = StaffFactory(clinic=clinic, role="practitioner", licence_number="LIC-9")
    assert (
        "Your draft addendum"
        not in signed_in(colleague).get(f"/sessions/{signed.pk}/").content.decode()
    )
    with pytest.raises(ValidationError):
        sessions.addendum_discard(as_actor(colleague), signed.pk, draft.pk)
    signed_in(practitioner).post(
        f"/sessions/{signed.pk}/addenda/", {"draft": str(draft.pk), "discard": "1", "text": ""}
    )
    assert not Addendum.objects.filter(pk=draft.pk).exists()


def test_the_api_answers_409_with_the_draft_when_the_chart_was_signed(api, practitioner, patient):
    signed = treated_session(as_actor(practitioner), patient.pk)
    response = api.put(
        f"/api/v1/sessions/{signed.pk}/chart",
        {"revision": 0, "device_id": "LATE"},
        content_type="application/json",
    )
    assert response.status_code == 409
    body = response.json()
    draft = Addendum.objects.get(pk=body["draft_addendum_id"])
    assert draft.draft
    assert "device id: LATE" in draft.text
    published = api.post(
        f"/api/v1/sessions/{signed.pk}/addenda",
        {"text": "Device id was PEN-2.", "draft_id": draft.pk},
        content_type="application/json",
    )
    assert published.status_code == 201
    assert [a["text"] for a in published.json()["addenda"]] == ["Device id was PEN-2."]


@pytest.mark.parametrize("zone", ['{"depth_mm": 1.0, "passes": Infinity}', '{"depth_mm": NaN}'])
def test_a_chart_with_numbers_that_are_not_finite_is_refused_by_field(
    api, practitioner, patient, zone
):
    actor = as_actor(practitioner)
    session = planned_course(actor, patient.pk).sessions.get(number=1)
    records.session_start(actor, session.pk, intake_from_json(actor, CLEAR))
    response = api.put(
        f"/api/v1/sessions/{session.pk}/chart",
        '{"revision": 0, "zones": {"left_cheek": ' + zone + "}}",
        content_type="application/json",
    )
    assert response.status_code in (400, 422), response.content
    assert response["Content-Type"] == "application/problem+json"
    session.refresh_from_db()
    assert session.revision == 0

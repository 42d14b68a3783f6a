"""A clinic sees only its own patients; a patient only their own record — by page, API or id."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from needlepoint.patients import selectors, services
from tests.conftest import as_actor, signed_in


def test_search_is_scoped_to_the_actors_clinic(practitioner, patient, other_patient):
    page = selectors.access_patients(as_actor(practitioner))
    assert [p.pk for p in page.patients] == [patient.pk]
    assert page.count == 1


def test_other_clinics_patient_is_not_found_not_forbidden(practitioner, other_patient):
    with pytest.raises(Http404):
        selectors.access_patient(as_actor(practitioner), other_patient.pk)


@pytest.mark.parametrize("guess", ["1", "../", "not-a-uuid", str(uuid.uuid4())])
def test_guessed_ids_are_not_found(practitioner, guess):
    with pytest.raises(Http404):
        selectors.access_patient(as_actor(practitioner), guess)


def test_other_clinics_patient_cannot_be_changed(practitioner, other_patient):
    with pytest.raises(Http404):
        services.patient_update(as_actor(practitioner), other_patient.pk, given_name="X")
    other_patient.refresh_from_db()
    assert other_patient.given_name == "Harriet"


@pytest.mark.parametrize("suffix", ["", "edit/"])
def test_pages_answer_404_for_other_clinics_ids(practitioner, other_patient, suffix):
    response = signed_in(practitioner).get(f"/patients/{other_patient.pk}/{suffix}")
    assert response.status_code == 404


def test_edit_post_to_other_clinics_patient_changes_nothing(practitioner, other_patient):
    response = signed_in(practitioner).post(
        f"/patients/{other_patient.pk}/edit/", {"given_name": "Hacked"}
    )
    assert response.status_code == 404
    other_patient.refresh_from_db()
    assert other_patient.given_name == "Harriet"


@pytest.mark.parametrize("method", ["get", "patch"])
def test_api_answers_404_for_other_clinics_ids(practitioner, other_patient, method):
    client = signed_in(practitioner)
    url = f"/api/v1/patients/{other_patient.pk}"
    response = (
        client.get(url)
        if method == "get"
        else client.patch(url, {"given_name": "X"}, content_type="application/json")
    )
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_api_list_never_shows_other_clinics(practitioner, patient, other_patient):
    body = signed_in(practitioner).get("/api/v1/patients?page_size=100").json()
    assert {item["id"] for item in body["items"]} == {str(patient.pk)}


def test_patient_sees_only_their_own_record(portal_patient, patient):
    actor = as_actor(portal_patient)
    assert [p.pk for p in selectors.access_patients(actor).patients] == [portal_patient.pk]
    assert selectors.access_patient(actor, portal_patient.pk) == portal_patient
    with pytest.raises(Http404):
        selectors.access_patient(actor, patient.pk)


def test_patient_cannot_create_or_update(portal_patient):
    actor = as_actor(portal_patient)
    with pytest.raises(PermissionDenied):
        services.patient_update(actor, portal_patient.pk, given_name="X")
    with pytest.raises(PermissionDenied):
        services.patient_create(
            actor, given_name="A", family_name="B", date_of_birth="1990-01-01", sex="female"
        )


def test_patient_portal_shows_own_record_and_clinic_pages_are_closed(portal_patient, patient):
    client = signed_in(portal_patient)
    portal = client.get("/portal/")
    assert portal.status_code == 200
    assert "Paula" in portal.content.decode()
    assert client.get("/patients/").status_code == 403
    assert client.get(f"/api/v1/patients/{patient.pk}").status_code == 404


def test_staff_cannot_use_the_patient_portal(practitioner):
    assert signed_in(practitioner).get("/portal/").status_code == 403

"""The patient registry pages: list, search (HTMX), create, edit."""

from __future__ import annotations

from needlepoint.patients.models import Patient
from tests.conftest import signed_in
from tests.factories import PatientFactory

VALID = {
    "given_name": "Linh",
    "family_name": "Nguyen",
    "date_of_birth": "2002-08-05",
    "sex": "female",
    "fitzpatrick": "4",
    "preferred_language": "vi",
    "email": "",
    "phone": "",
    "address": "",
}


def test_list_and_htmx_search_partial(front_desk, clinic):
    PatientFactory(clinic=clinic, given_name="Mei", family_name="Chen")
    PatientFactory(clinic=clinic, given_name="Oliver", family_name="Schmidt")
    client = signed_in(front_desk)
    full = client.get("/patients/").content.decode()
    assert "Chen, Mei" in full
    assert "<html" in full
    partial = client.get("/patients/?q=schm", HTTP_HX_REQUEST="true").content.decode()
    assert "Schmidt, Oliver" in partial
    assert "Chen" not in partial
    assert "<html" not in partial


def test_create_then_detail(front_desk):
    response = signed_in(front_desk).post("/patients/new/", VALID, follow=True)
    patient = Patient.objects.get()
    assert response.redirect_chain[-1][0] == f"/patients/{patient.pk}/"
    assert "Linh Nguyen was added." in response.content.decode()
    assert patient.record_number.endswith("-00001")


def test_errors_are_shown_next_to_fields_and_nothing_is_saved(front_desk):
    bad = {**VALID, "given_name": "", "date_of_birth": "2999-01-01"}
    page = signed_in(front_desk).post("/patients/new/", bad).content.decode()
    assert 'id="id_given_name_error"' in page
    assert "Date of birth cannot be in the future." in page
    assert 'value="Nguyen"' in page  # what was typed is kept
    assert not Patient.objects.exists()


def test_edit_and_archive(practitioner, patient):
    client = signed_in(practitioner)
    data = {**VALID, "given_name": "Maya", "family_name": "Thompson-Lee", "archived": "on"}
    assert client.post(f"/patients/{patient.pk}/edit/", data).status_code == 302
    patient.refresh_from_db()
    assert (patient.family_name, patient.archived) == ("Thompson-Lee", True)
    assert "Thompson-Lee" not in client.get("/patients/").content.decode()
    assert "Thompson-Lee" in client.get("/patients/?archived=1").content.decode()


def test_list_query_count_does_not_grow_with_patients(
    front_desk, clinic, django_assert_max_num_queries
):
    client = signed_in(front_desk)
    client.get("/patients/")
    PatientFactory.create_batch(3, clinic=clinic)
    with django_assert_max_num_queries(15) as few:
        client.get("/patients/")
    PatientFactory.create_batch(20, clinic=clinic)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/patients/")

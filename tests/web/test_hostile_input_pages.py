"""Hostile input on the pages: NUL is a 400 naming the field before any view reads it, other
control characters and bidirectional overrides are an error on the form's field, and any page
number gives a page."""

from __future__ import annotations

from typing import Any

import pytest

from needlepoint.patients.models import Patient
from tests.conftest import signed_in
from tests.factories import PatientFactory
from tests.web.test_patient_pages import VALID


@pytest.mark.parametrize("url", ["/patients/?q=%00", "/lots/?q=a%00", "/audit/?action=%00"])
def test_nul_in_a_query_string_is_a_400_naming_the_field(admin: Any, url: str) -> None:
    response = signed_in(admin).get(url)
    assert response.status_code == 400
    assert response.content.decode().startswith(url.split("?")[1].split("=")[0] + ": ")


def test_nul_in_a_form_is_a_400_and_saves_nothing(front_desk: Any) -> None:
    response = signed_in(front_desk).post("/patients/new/", {**VALID, "family_name": "Ng\x00"})
    assert response.status_code == 400
    assert response.content.decode() == "family_name: must not contain a NUL character"
    assert not Patient.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("given_name", "\x07\x08"),
        ("given_name", "\u202enhiL"),
        ("family_name", "Ngu\nyen"),
        ("address", "12 Rue\x1b[2J"),
    ],
)
def test_control_and_bidi_characters_are_an_error_on_the_field(
    front_desk: Any, field: str, value: str
) -> None:
    page = signed_in(front_desk).post("/patients/new/", {**VALID, field: value}).content.decode()
    assert f'id="id_{field}_error"' in page
    assert "must not contain a" in page
    assert not Patient.objects.exists()


def test_free_text_on_a_form_keeps_its_line_breaks(front_desk: Any) -> None:
    signed_in(front_desk).post("/patients/new/", {**VALID, "address": "12 Rue\r\n\tBack"})
    assert Patient.objects.get().address == "12 Rue\r\n\tBack"


@pytest.mark.parametrize("page", ["9223372036854775807", "-5", "abc", "1" * 5000])
def test_any_page_number_gives_a_page(admin: Any, clinic: Any, page: str) -> None:
    PatientFactory(clinic=clinic, family_name="Chen")
    client = signed_in(admin)
    for url in ("/patients/", "/lots/", "/audit/"):
        assert client.get(f"{url}?page={page}").status_code == 200, url
    assert "Chen" in client.get(f"/patients/?page={page}").content.decode()

"""A clinic admin sets the clinic's details and its overrides of the clinical defaults."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps as django_apps

from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.safety.models import AuditEvent
from tests.conftest import signed_in

DETAILS = {
    "name": "Demo Clinic",
    "time_zone": "Europe/London",
    "currency": "GBP",
    "phone": "+44 20 1",
    "email": "a@example.test",
    "address": "",
    "alert_escalation_minutes": "60",
    "record_retention_years": "10",
}


def test_overrides_reach_the_rules_engine(admin, clinic):
    response = signed_in(admin).post(
        "/clinic/settings/",
        {
            **DETAILS,
            "price_per_session": "280",
            "depth_limit_mm.left_cheek": "1.2",
            "aftercare__no_makeup__ends": "48",
            "self_booking.notice_hours": "48",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    clinic.refresh_from_db()
    knowledge = clinic_knowledge(clinic)
    assert (knowledge.self_booking.notice_hours, knowledge.self_booking.horizon_days) == (48, 56)
    assert knowledge.zones["left_cheek"].depth_limit_mm == 1.2
    assert knowledge.zones["right_cheek"].depth_limit_mm == 2.0  # untouched default
    no_makeup = next(i for i in knowledge.aftercare if i.code == "no_makeup")
    assert no_makeup.window.ends_after_hours == 48
    assert knowledge.course.price_per_session.min == 280
    assert (clinic.time_zone, clinic.alert_escalation_minutes) == ("Europe/London", 60)
    assert clinic.record_retention_years == 10
    assert AuditEvent.objects.filter(action="clinic.settings").exists()


def test_bad_values_are_refused_and_nothing_changes(admin, clinic):
    page = (
        signed_in(admin)
        .post(
            "/clinic/settings/",
            {
                **DETAILS,
                "time_zone": "Mars/Olympus",
                "depth_limit_mm.nose": "9",
                "aftercare__no_makeup__starts": "72",
                "aftercare__no_makeup__ends": "24",
            },
        )
        .content.decode()
    )
    assert "not a known IANA time zone" in page
    assert "less than or equal to 3" in page
    clinic.refresh_from_db()
    assert clinic.time_zone == "America/New_York"


def test_inverted_aftercare_window_is_refused(admin, clinic):
    page = (
        signed_in(admin)
        .post(
            "/clinic/settings/",
            {
                **DETAILS,
                "aftercare__no_makeup__starts": "72",
                "aftercare__no_makeup__ends": "24",
            },
        )
        .content.decode()
    )
    assert "aftercare.no_makeup.ends_after_hours: must be a number of at least 72" in page
    clinic.refresh_from_db()
    assert clinic.settings == {}


def test_only_admins(practitioner):
    assert signed_in(practitioner).get("/clinic/settings/").status_code == 403


def test_the_clinics_location_is_saved(admin, clinic):
    location = {"latitude": "51.5074", "longitude": "-0.1278"}
    response = signed_in(admin).post("/clinic/settings/", {**DETAILS, **location})
    assert response.status_code == 302, response.content.decode()[:3000]
    clinic.refresh_from_db()
    assert (float(clinic.latitude), float(clinic.longitude)) == (51.5074, -0.1278)
    audit = AuditEvent.objects.filter(action="clinic.settings").latest("pk")
    assert {"latitude", "longitude"} <= set(audit.detail["fields"])


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ({"latitude": "51.5"}, "Give both latitude and longitude, or neither."),
        ({"longitude": "-0.1"}, "Give both latitude and longitude, or neither."),
        ({"latitude": "91", "longitude": "0"}, "less than or equal to 90"),
        ({"latitude": "0", "longitude": "-181"}, "greater than or equal to -180"),
    ],
)
def test_a_half_or_impossible_location_is_refused(admin, clinic, location, message):
    page = signed_in(admin).post("/clinic/settings/", {**DETAILS, **location}).content.decode()
    assert message in page
    clinic.refresh_from_db()
    assert (clinic.latitude, clinic.longitude) == (None, None)


def test_sunscreen_ends_in_months_after_the_course(admin, clinic):
    response = signed_in(admin).post(
        "/clinic/settings/", {**DETAILS, "aftercare__sunscreen__ends": "6"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    clinic.refresh_from_db()
    sunscreen = next(i for i in clinic_knowledge(clinic).aftercare if i.code == "sunscreen")
    assert sunscreen.window.ends_months_after_course == 6
    assert sunscreen.window.starts_after_hours == 24  # the default, kept
    page = signed_in(admin).get("/clinic/settings/").content.decode()
    assert "Sunscreen every day: ends (months after the course&#x27;s last session)" in page
    assert "Default 3 months" in page
    assert "No makeup: ends after (hours)" in page


MIGRATION = import_module("needlepoint.clinics.migrations.0004_overrides_depth_limit_key")


def test_stored_depth_limits_move_to_the_new_key_and_back(clinic):
    """A clinic's saved limits keep working under `depth_limit_mm`; going back restores them."""
    old = {
        "depth_limits_mm": {"left_cheek": 1.2},
        "price_per_session": {"amount": 280, "currency": "EUR"},
    }
    clinic.settings = {**clinic.settings, "overrides": old}
    clinic.save()
    MIGRATION.rename_to_depth_limit(django_apps, None)
    clinic.refresh_from_db()
    assert clinic.settings["overrides"] == {
        "depth_limit_mm": {"left_cheek": 1.2},
        "price_per_session": {"amount": 280, "currency": "EUR"},
    }
    assert clinic_knowledge(clinic).zones["left_cheek"].depth_limit_mm == 1.2
    MIGRATION.rename_to_depth_limits(django_apps, None)
    clinic.refresh_from_db()
    assert clinic.settings["overrides"] == old

"""Shared fixtures: two clinics with staff and patients, actors, API clients."""

from __future__ import annotations

from datetime import time

import pytest
from django.apps.registry import Apps
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from needlepoint.clinics.actors import Actor, actor_for
from needlepoint.notify import sms
from needlepoint.scheduling import services as scheduling_services
from tests.factories import ClinicFactory, PatientFactory, StaffFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _texts_in_memory(settings):  # type: ignore[no-untyped-def]
    """Text messages are kept in `needlepoint.notify.sms.outbox`, as e-mails in mail.outbox."""
    settings.SMS_BACKEND = "needlepoint.notify.sms.MemoryBackend"
    sms.outbox.clear()


@pytest.fixture(autouse=True)
def _fresh_rate_limits():  # type: ignore[no-untyped-def]
    """Rate-limit counters live in the cache; each test starts with none."""
    cache.clear()


@pytest.fixture
def clinic(db):  # type: ignore[no-untyped-def]
    return ClinicFactory(name="Demo Clinic", record_prefix="DC")


@pytest.fixture
def other_clinic(db):  # type: ignore[no-untyped-def]
    return ClinicFactory(name="Northside Clinic", record_prefix="NS")


@pytest.fixture
def admin(clinic):  # type: ignore[no-untyped-def]
    return StaffFactory(clinic=clinic, role="clinic_admin")


@pytest.fixture
def practitioner(clinic):  # type: ignore[no-untyped-def]
    return StaffFactory(clinic=clinic, role="practitioner", licence_number="LIC-1")


@pytest.fixture
def front_desk(clinic):  # type: ignore[no-untyped-def]
    return StaffFactory(clinic=clinic, role="front_desk")


@pytest.fixture
def other_practitioner(other_clinic):  # type: ignore[no-untyped-def]
    return StaffFactory(clinic=other_clinic, role="practitioner", licence_number="LIC-2")


@pytest.fixture
def patient(clinic):  # type: ignore[no-untyped-def]
    return PatientFactory(clinic=clinic, given_name="Maya", family_name="Thompson")


@pytest.fixture
def other_patient(other_clinic):  # type: ignore[no-untyped-def]
    return PatientFactory(clinic=other_clinic, given_name="Harriet", family_name="Clarke")


@pytest.fixture
def portal_patient(clinic):  # type: ignore[no-untyped-def]
    user = UserFactory(email="patient@example.test")
    return PatientFactory(clinic=clinic, user=user, given_name="Paula", family_name="Portal")


@pytest.fixture
def portal_calendar(clinic, admin, practitioner):  # type: ignore[no-untyped-def]
    """One practitioner every day 9:00-17:00, one treatment room and one numbing chair."""
    actor = as_actor(admin)
    scheduling_services.working_hours_set(
        actor, practitioner.pk, [(d, time(9), time(17)) for d in range(7)]
    )
    return {
        "room": scheduling_services.room_create(actor, name="Room 1"),
        "chair": scheduling_services.room_create(actor, name="Numbing chair", kind="numbing"),
        "type": scheduling_services.appointment_type_create(
            actor, kind="microneedling", name="Microneedling", minutes=45
        ),
    }


def as_actor(staff_or_patient) -> Actor:  # type: ignore[no-untyped-def]
    actor = actor_for(staff_or_patient.user)
    assert actor is not None
    return actor


def read_actions() -> list[str]:
    """Every read the trail records, also those a request's one event names under
    `also_read` (a page that reads several things writes one event)."""
    from needlepoint.safety.models import AuditEvent

    return [
        action
        for event in AuditEvent.objects.all()
        for action in [event.action, *(r["action"] for r in event.detail.get("also_read", []))]
    ]


def signed_in(member) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(member.user)
    return client


@pytest.fixture
def migrate(transactional_db):  # type: ignore[no-untyped-def]
    """Move the test database to the given migrations and return the models as they were
    there; the database is back at the latest migrations afterwards."""

    def to(*targets: tuple[str, str | None]) -> Apps:
        return MigrationExecutor(connection).migrate(list(targets)).apps

    yield to
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

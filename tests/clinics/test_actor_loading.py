"""Resolving who is acting costs no query of its own: the user is loaded with their role and
clinic, by the session's backend and by a bearer token alike; a token's last use is written
at most once a minute."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from needlepoint.accounts.models import ApiToken
from needlepoint.accounts.tokens import LAST_USED_RESOLUTION, token_create, token_user
from needlepoint.clinics.actors import ACTOR_RELATED, actor_for
from needlepoint.clinics.backends import ActorBackend
from needlepoint.clinics.roles import Role
from tests.factories import PatientFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_session_backend_loads_a_staff_members_role_and_clinic_with_them(
    django_assert_num_queries,
) -> None:
    staff = StaffFactory(role="practitioner", licence_number="RN-1")
    with django_assert_num_queries(1):
        actor = actor_for(ActorBackend().get_user(staff.user.pk))
        assert actor is not None
        assert (actor.role, actor.clinic.time_zone) == (Role.PRACTITIONER, staff.clinic.time_zone)


def test_the_session_backend_loads_a_patients_record_and_clinic_with_them(
    django_assert_num_queries,
) -> None:
    patient = PatientFactory(user=UserFactory())
    with django_assert_num_queries(1):
        actor = actor_for(ActorBackend().get_user(patient.user.pk))
        assert actor is not None
        assert (actor.patient_id, actor.clinic.pk) == (patient.pk, patient.clinic.pk)


def test_the_session_backend_refuses_unknown_and_inactive_users() -> None:
    staff = StaffFactory()
    staff.user.is_active = False
    staff.user.save()
    assert ActorBackend().get_user(staff.user.pk) is None
    assert ActorBackend().get_user(staff.user.pk + 1000) is None


def test_a_token_resolves_its_actor_in_one_query_then_from_the_cache(
    django_assert_num_queries,
) -> None:
    staff = StaffFactory(role="practitioner", licence_number="RN-1")
    _, raw = token_create(staff.user)
    with django_assert_num_queries(2):  # the read, and the first use recorded
        token_user(raw, related=ACTOR_RELATED)
    with django_assert_num_queries(0):
        actor = actor_for(token_user(raw, related=ACTOR_RELATED))
        assert actor is not None
        assert actor.clinic.pk == staff.clinic.pk
    cache.clear()  # the cached minute is over
    with django_assert_num_queries(1):  # the read; its use was recorded under a minute ago
        assert actor_for(token_user(raw, related=ACTOR_RELATED)) == actor


def test_a_tokens_last_use_is_written_at_most_once_a_minute() -> None:
    staff = StaffFactory()
    token, raw = token_create(staff.user)
    token_user(raw)
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    token_user(raw)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    stale = timezone.now() - LAST_USED_RESOLUTION - timedelta(seconds=1)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=stale)
    cache.clear()  # so is the minute the token's user was cached for
    token_user(raw)
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first


@pytest.mark.parametrize("auth", ["token", "session"])
def test_an_api_read_never_queries_the_staff_or_clinic_tables_on_their_own(auth: str) -> None:
    staff = StaffFactory(role="practitioner", licence_number="RN-1")
    patient = PatientFactory(clinic=staff.clinic)
    client = Client()
    if auth == "token":
        _, raw = token_create(staff.user)
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    else:
        client.force_login(staff.user, backend="needlepoint.clinics.backends.ActorBackend")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/api/v1/patients/{patient.pk}").status_code == 200
    main_tables = [
        query["sql"].split(" FROM ", 1)[1].split()[0].strip('"`')
        for query in queries.captured_queries
        if query["sql"].startswith("SELECT") and " FROM " in query["sql"]
    ]
    assert "clinics_staff" not in main_tables
    assert "clinics_clinic" not in main_tables
    assert main_tables.count("accounts_user") == (0 if auth == "token" else 1)

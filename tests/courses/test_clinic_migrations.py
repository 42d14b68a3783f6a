"""Rows that reached their clinic only through a parent are given the parent's clinic by
the migration that adds the column; going back drops it."""

from __future__ import annotations

from django.db import connection

from needlepoint.courses.models import Addendum
from tests.clinical_data import treated_session
from tests.conftest import as_actor

BEFORE = ("courses", "0007_session_dashboard_indexes")
AFTER = ("courses", "0009_addendum_clinic_required_and_session_number_by_clinic")


def _columns() -> list[str]:
    with connection.cursor() as cursor:
        described = connection.introspection.get_table_description(cursor, "courses_addendum")
    return [column.name for column in described]


def test_an_addendum_gets_its_sessions_clinic(migrate, practitioner, patient):  # type: ignore[no-untyped-def]
    session = treated_session(as_actor(practitioner), patient.pk)
    addendum = Addendum.objects.create(session=session, text="Note", author=practitioner.user)
    migrate(BEFORE)
    assert "clinic_id" not in _columns()
    after = migrate(AFTER)
    stored = after.get_model("courses", "Addendum").objects.get(pk=addendum.pk)
    assert stored.clinic_id == session.clinic_id

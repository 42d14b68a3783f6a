"""Rows that reach their clinic through a parent (an addendum through its session) carry the
parent's clinic, and never another."""

from __future__ import annotations

import pytest

from needlepoint.courses.models import Addendum
from tests.clinical_data import treated_session
from tests.conftest import as_actor


def test_a_row_takes_its_parents_clinic_and_refuses_another(
    practitioner, patient, other_practitioner
):  # type: ignore[no-untyped-def]
    session = treated_session(as_actor(practitioner), patient.pk)
    addendum = Addendum.objects.create(session=session, text="Note", author=practitioner.user)
    assert addendum.clinic_id == session.clinic_id
    with pytest.raises(ValueError, match="under a session of clinic"):
        Addendum.objects.create(
            session=session,
            clinic=other_practitioner.clinic,
            text="Note",
            author=practitioner.user,
        )

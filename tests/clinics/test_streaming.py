"""Reading rows a chunk at a time in a query's order: every row once, in order, ties on the
first field kept in order across chunk boundaries, one short query a chunk."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from needlepoint.clinics.streaming import in_order
from needlepoint.patients.models import Patient
from tests.factories import ClinicFactory, PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def patients() -> Any:
    clinic = ClinicFactory()
    births = [date(1990, 1, 1)] * 4 + [date(1985, 5, 5)] * 3 + [date(2000, 2, 2)]
    for born in births:
        PatientFactory(clinic=clinic, date_of_birth=born)
    PatientFactory()  # another clinic's
    return Patient.objects.filter(clinic=clinic)


@pytest.mark.parametrize("chunk", [1, 2, 3, 8, 50])
def test_rows_come_once_each_in_order_across_chunks(patients: Any, chunk: int) -> None:
    expected = list(patients.order_by("date_of_birth", "pk"))
    assert list(in_order(patients, "date_of_birth", "pk", chunk=chunk)) == expected
    assert list(in_order(patients, chunk=chunk)) == list(patients.order_by("pk"))


def test_each_chunk_is_one_query(patients: Any, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(3):  # 3 + 3 rows, 2 more, and the chunk that ends it
        assert len(list(in_order(patients, "date_of_birth", "pk", chunk=3))) == 8
    with django_assert_num_queries(4):  # 3 full chunks and the last row
        assert len(list(in_order(patients.exclude(date_of_birth=date(2000, 2, 2)), chunk=2))) == 7

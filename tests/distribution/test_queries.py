"""Every read the pages and the API make of a table of patient data names its clinic, so on
a schema distributed by clinic each runs on one clinic's shard (ADR 25).

Each page and API read of `tests/test_query_counts.py` is requested and its queries recorded.
A SELECT, UPDATE or DELETE whose table (the first after FROM or UPDATE) is a tenant table
must either filter on that table's `clinic_id` or follow a foreign key from rows already read
in the clinic (`"courses_addendum"."session_id" IN (…)`, as a prefetch or a related manager
does). A lookup by primary key alone, or a list filtered by anything else, fails.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from needlepoint.accounts.tokens import token_create
from tests.conftest import signed_in
from tests.distribution.tenancy import tenant_tables
from tests.test_query_counts import API, PAGES, grow

__all__ = ["grow"]  # the fixture, shared with the query counts

_KEYWORD = r"(?:WHERE|INNER|LEFT|JOIN|GROUP|ORDER|LIMIT|OFFSET|UNION|FOR|SET)\b"
# The first table after FROM (or UPDATE), with the alias Django gives it in a subquery (U0).
_TABLE = re.compile(
    rf'^(?:SELECT .*? FROM|UPDATE|DELETE FROM)\s+"(\w+)"(?: (?!{_KEYWORD})(\w+))?', re.S
)
_FOREIGN_KEY_FIRST = re.compile(r'^\(*(?:"\w+"|\w+)\."\w+_id" (?:= |IN \()')


def unscoped(sql: str, tables: set[str]) -> bool:
    """Whether a statement reads or changes a tenant table without naming its clinic."""
    match = _TABLE.match(sql)
    if match is None or match.group(1) not in tables:
        return False
    table, alias = match.groups()
    rest = sql[match.end() :]  # the table's own WHERE: not a FILTER (WHERE …) before it
    where = rest.split(" WHERE ", 1)[1] if " WHERE " in rest else ""
    reference = alias or f'"{table}"'
    if f'{reference}."clinic_id" ' in where:
        return False
    return _FOREIGN_KEY_FIRST.match(where) is None


def _select(where: str) -> str:
    return f'SELECT "courses_session"."id" FROM "courses_session" WHERE {where}'


def test_the_rule_tells_scoped_from_unscoped_statements() -> None:
    tables = {"courses_session"}
    session = '"courses_session"'
    assert not unscoped(_select(f'({session}."clinic_id" = 1 AND {session}."id" = 2)'), tables)
    assert not unscoped(_select(f'{session}."course_id" IN (1, 2)'), tables)
    assert unscoped(_select(f'{session}."id" = 2 LIMIT 21'), tables)
    assert unscoped(f'UPDATE {session} SET "status" = 1 WHERE {session}."status" = 2', tables)
    assert not unscoped('SELECT "id" FROM "accounts_user" WHERE "accounts_user"."id" = 2', tables)
    # A subquery's table under its alias, after an aggregate's FILTER (WHERE …).
    counted = 'SELECT COUNT("id") FILTER (WHERE EXISTS(SELECT 1 FROM "courses_session" U0 WHERE '
    assert not unscoped(counted + '(U0."clinic_id" = 1 AND U0."id" = 2)))', tables)
    assert unscoped(counted + 'U0."id" = 2))', tables)


def _client(url: str, practitioner: Any, admin: Any) -> Client:
    if url.startswith("/api/"):
        _, raw = token_create(practitioner.user)
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return signed_in(admin if url in ("/audit/", "/staff/") else practitioner)


@pytest.mark.parametrize("url", PAGES + API)
def test_every_read_of_patient_data_names_its_clinic(  # type: ignore[no-untyped-def]
    practitioner, admin, grow: Callable[[int], dict[str, Any]], url: str
):
    ids = grow(1)
    client = _client(url, practitioner, admin)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url.format(**ids))
    assert response.status_code == 200
    tables = tenant_tables()
    strays = [q["sql"] for q in captured.captured_queries if unscoped(q["sql"], tables)]
    assert not strays, f"{url} reads patient data without its clinic:\n" + "\n".join(strays)

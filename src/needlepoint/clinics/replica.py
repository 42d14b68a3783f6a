"""Where reports and analytics read: the read replica when `DATABASE_REPLICA_URL` configures
one, else the primary (ADR 25).

A replica lags the primary a little, so it serves only reads that nothing is written from: a
clinic's adverse-event report, its audit trail. Never a read that a write follows (a
service's lookup, an `*_in_scope`): those read the primary. The audit event a report writes
goes to the primary as always.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"


def reporting_database() -> str:
    return REPLICA if REPLICA in connections.settings else DEFAULT_DB_ALIAS

"""The query planner's table statistics. PostgreSQL's autovacuum keeps them current; SQLite
gathers them only when asked, and without them it leaves the search indexes unused."""

from __future__ import annotations

from django.db import connection

# Bounds the rows ANALYZE reads per index, so a refresh stays quick on a large database.
ANALYSIS_LIMIT = 1000


def refresh_statistics() -> None:
    """Re-analyse, on SQLite, the tables whose statistics are missing or out of date."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        cursor.execute("PRAGMA optimize=0x10002")  # every table, ANALYZE where it helps

"""Indexes for the patient search, one per searched field, each leading with the clinic.

PostgreSQL finds a term anywhere in a field: a trigram GIN index on `UPPER(field)` (what
Django's `icontains` compares) serves `UPPER(field) LIKE '%TERM%'`, and btree_gin lets the
clinic lead it. SQLite matches the start of a field: an index in the NOCASE collation serves
its case-insensitive `LIKE 'term%'`. Each database gets only its own kind.
"""

from collections.abc import Callable
from typing import Any

from django.apps.registry import Apps
from django.contrib.postgres.operations import BtreeGinExtension, TrigramExtension
from django.db import migrations

FIELDS = ("given_name", "family_name", "record_number", "email", "phone")

CREATE = {
    "postgresql": "CREATE INDEX patient_{field}_trgm ON patients_patient "
    "USING gin (clinic_id, UPPER({field}) gin_trgm_ops)",
    "sqlite": "CREATE INDEX patient_{field}_prefix ON patients_patient "
    "(clinic_id, {field} COLLATE NOCASE)",
}
DROP = {
    "postgresql": "DROP INDEX patient_{field}_trgm",
    "sqlite": "DROP INDEX patient_{field}_prefix",
}


def _run(statements: dict[str, str]) -> Callable[[Apps, Any], None]:
    def run(apps: Apps, schema_editor: Any) -> None:
        sql = statements.get(schema_editor.connection.vendor, "")
        for field in FIELDS if sql else ():
            schema_editor.execute(sql.format(field=field))

    return run


class Migration(migrations.Migration):
    dependencies = [("patients", "0005_patient_restriction")]

    operations = [
        TrigramExtension(),
        BtreeGinExtension(),
        migrations.RunPython(_run(CREATE), _run(DROP)),
    ]

"""The patient search's trigram indexes take each new row at once (`fastupdate = off`).

By default a GIN index collects new rows in a pending list, which every search reads in
full until a vacuum merges it (up to 4 MB: tens of thousands of patients after an import).
Patients are added rarely and searched all day, so the search's time stays that of the index.
Rows already pending are merged now. SQLite's search indexes are B-trees: nothing to do.
"""

from typing import Any

from django.apps.registry import Apps
from django.db import migrations

FIELDS = ("given_name", "family_name", "record_number", "email", "phone")


def _fastupdate(on: bool) -> Any:
    def run(apps: Apps, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for field in FIELDS:
            index = f"patient_{field}_trgm"
            schema_editor.execute(f"ALTER INDEX {index} SET (fastupdate = {'on' if on else 'off'})")
            if not on:
                schema_editor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])

    return run


class Migration(migrations.Migration):
    dependencies = [("patients", "0006_patient_search_indexes")]

    operations = [migrations.RunPython(_fastupdate(False), _fastupdate(True))]

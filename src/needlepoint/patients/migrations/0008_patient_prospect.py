"""Patients marked prospects until the front desk confirms them.

SQLite adds a NOT NULL column by rebuilding the table, which drops the search's prefix
indexes (0006, written as SQL Django does not track): they are made again after the column is
added. (Removing it drops the column in place.)
"""

from importlib import import_module
from typing import Any

from django.apps.registry import Apps
from django.db import migrations, models

search_indexes = import_module("needlepoint.patients.migrations.0006_patient_search_indexes")


def _sqlite_search_indexes(apps: Apps, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        search_indexes._run(search_indexes.CREATE)(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("patients", "0007_search_indexes_without_pending_list")]

    operations = [
        migrations.AddField(
            model_name="patient",
            name="prospect",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="Asked for a consultation on the clinic's public booking page; the "
                "front desk confirms their details before their first visit.",
            ),
        ),
        migrations.RunPython(_sqlite_search_indexes, migrations.RunPython.noop),
    ]

"""On PostgreSQL, two live reservations of one practitioner or one room never overlap: an
exclusion constraint over the time range (btree_gist for the equality of the keys). SQLite has
no such constraint; there the booking service checks inside its IMMEDIATE transaction."""

from django.db import migrations

RESOURCES = ("staff", "room")


def _add(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for resource in RESOURCES:
        schema_editor.execute(
            f"ALTER TABLE scheduling_reservation ADD CONSTRAINT reservation_{resource}_free "
            f"EXCLUDE USING gist (clinic_id WITH =, {resource}_id WITH =, "
            "tstzrange(starts_at, ends_at, '[)') WITH &&) "
            f"WHERE (live AND {resource}_id IS NOT NULL)"
        )


def _drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for resource in RESOURCES:
        schema_editor.execute(
            f"ALTER TABLE scheduling_reservation DROP CONSTRAINT reservation_{resource}_free"
        )


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]

    operations = [migrations.RunPython(_add, _drop)]

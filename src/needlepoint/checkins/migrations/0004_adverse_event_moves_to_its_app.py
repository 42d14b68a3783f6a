"""Adverse events move to their own app (`adverse_events.0001`): the model leaves this app's
migration state only; its table and rows are untouched, and going back restores the state."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("checkins", "0003_checkin_triage_without_level"),
        ("adverse_events", "0001_adverse_event_from_checkins"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AdverseEvent")],
        ),
    ]

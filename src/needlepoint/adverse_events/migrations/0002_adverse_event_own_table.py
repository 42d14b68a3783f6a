"""The adverse events' table takes this app's name (`checkins_adverseevent` becomes
`adverse_events_adverseevent`): a rename, so the rows, keys and indexes stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("adverse_events", "0001_adverse_event_from_checkins"),
        ("checkins", "0004_adverse_event_moves_to_its_app"),
    ]

    operations = [migrations.AlterModelTable(name="adverseevent", table=None)]

"""A check-in's triage no longer repeats its level, which is `CheckIn.level`.

Going back puts the level into the triage again from the column.
"""

from typing import Any

from django.apps.registry import Apps
from django.db import migrations

BATCH = 500


def _rewrite(apps: Apps, with_level: bool) -> None:
    CheckIn = apps.get_model("checkins", "CheckIn")
    changed = []
    for checkin in CheckIn.objects.only("level", "triage").iterator(chunk_size=BATCH):
        triage = {key: value for key, value in checkin.triage.items() if key != "level"}
        checkin.triage = {"level": checkin.level, **triage} if with_level else triage
        changed.append(checkin)
        if len(changed) == BATCH:
            CheckIn.objects.bulk_update(changed, ["triage"])
            changed = []
    CheckIn.objects.bulk_update(changed, ["triage"])


def drop_level(apps: Apps, schema_editor: Any) -> None:
    _rewrite(apps, with_level=False)


def restore_level(apps: Apps, schema_editor: Any) -> None:
    _rewrite(apps, with_level=True)


class Migration(migrations.Migration):
    dependencies = [("checkins", "0002_alert_level_read_from_checkin")]

    operations = [migrations.RunPython(drop_level, restore_level)]

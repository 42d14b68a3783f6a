"""An alert's level is its check-in's: the copy on the alert goes.

The column only ever held the check-in's level, so dropping it loses nothing. Going back
adds it nullable, re-fills it from the check-in and then makes it required again.
"""

from typing import Any

from django.apps.registry import Apps
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

LEVEL_CHOICES = [
    ("expected", "As expected"),
    ("monitor", "Keep an eye on it"),
    ("contact_clinic", "Contact the clinic"),
    ("urgent", "Urgent"),
]


def refill_level(apps: Apps, schema_editor: Any) -> None:
    Alert: Any = apps.get_model("checkins", "Alert")  # as it was, with the column
    CheckIn = apps.get_model("checkins", "CheckIn")
    level = CheckIn.objects.filter(pk=OuterRef("checkin_id")).values("level")
    Alert.objects.update(level=Subquery(level))


class Migration(migrations.Migration):
    dependencies = [("checkins", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="alert",
            name="level",
            field=models.CharField(choices=LEVEL_CHOICES, max_length=20, null=True),
        ),
        migrations.RunPython(migrations.RunPython.noop, refill_level),
        migrations.RemoveField(model_name="alert", name="level"),
    ]

"""An alert's actions carry the alert's clinic, like every other row of patient data (ADR 25)."""

from typing import Any

from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import OuterRef, Subquery


def fill_clinic(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    AlertAction: Any = apps.get_model("checkins", "AlertAction")
    Alert: Any = apps.get_model("checkins", "Alert")
    AlertAction.objects.update(
        clinic_id=Subquery(
            Alert.objects.filter(pk=OuterRef("alert_id")).values("clinic_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("clinics", "0006_clinic_record_retention_years"),
        ("checkins", "0005_alert_open_newest_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="alertaction",
            name="clinic",
            field=models.ForeignKey(
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="+",
                to="clinics.clinic",
            ),
        ),
        # Going back drops the column, so there is nothing to undo here.
        migrations.RunPython(fill_clinic, migrations.RunPython.noop),
    ]

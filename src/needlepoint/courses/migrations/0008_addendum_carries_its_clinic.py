"""An addendum carries its session's clinic, like every other row of patient data (ADR 25)."""

from typing import Any

from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import OuterRef, Subquery


def fill_clinic(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Addendum: Any = apps.get_model("courses", "Addendum")
    Session: Any = apps.get_model("courses", "Session")
    Addendum.objects.update(
        clinic_id=Subquery(
            Session.objects.filter(pk=OuterRef("session_id")).values("clinic_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("clinics", "0006_clinic_record_retention_years"),
        ("courses", "0007_session_dashboard_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="addendum",
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

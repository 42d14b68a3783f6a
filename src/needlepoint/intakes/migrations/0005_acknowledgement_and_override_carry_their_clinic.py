"""Acknowledgements and overrides carry their screening's clinic, like every other row of
patient data (ADR 25)."""

from typing import Any

from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import OuterRef, Subquery


def fill_clinic(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Acknowledgement: Any = apps.get_model("intakes", "Acknowledgement")
    Screening: Any = apps.get_model("intakes", "Screening")
    Acknowledgement.objects.update(
        clinic_id=Subquery(
            Screening.objects.filter(pk=OuterRef("screening_id")).values("clinic_id")[:1]
        )
    )
    Override: Any = apps.get_model("intakes", "Override")
    Override.objects.update(
        clinic_id=Subquery(
            Screening.objects.filter(pk=OuterRef("screening_id")).values("clinic_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("clinics", "0006_clinic_record_retention_years"),
        ("intakes", "0004_screening_blocking_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="acknowledgement",
            name="clinic",
            field=models.ForeignKey(
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="+",
                to="clinics.clinic",
            ),
        ),
        migrations.AddField(
            model_name="override",
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

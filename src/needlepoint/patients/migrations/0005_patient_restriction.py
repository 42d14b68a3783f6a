from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0004_patient_tombstone"),
    ]

    operations = [
        migrations.AddField(
            model_name="patient",
            name="restricted_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="Set while the record is restricted: read-only and left out of lists.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="patient",
            name="restriction_reason",
            field=models.TextField(blank=True, editable=False),
        ),
    ]

from django.db import migrations, models


class Migration(migrations.Migration):
    """One chain head per clinic: the existing head (every event so far) becomes the
    system chain's, which the keyed chain continues (0004)."""

    dependencies = [
        ("safety", "0002_lot"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditchainhead",
            name="chain",
            field=models.CharField(default="system", max_length=40),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditchainhead",
            name="chain",
            field=models.CharField(max_length=40, unique=True),
        ),
    ]

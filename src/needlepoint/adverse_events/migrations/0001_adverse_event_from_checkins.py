"""Adverse events move from the check-ins app to their own (docs/adr/0013-adverse-events-app.md).

Only the migration state changes: the model is created here on its existing table,
`checkins_adverseevent`, and `checkins.0004` removes it from that app's state. No row is
touched; going back moves the model back in the state alone.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("checkins", "0003_checkin_triage_without_level"),
        ("clinics", "0001_initial"),
        ("courses", "0002_initial"),
        ("patients", "0002_consent"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AdverseEvent",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=[("pih", "Post-inflammatory hyperpigmentation"), ("infection", "Infection"), ("herpes_reactivation", "Herpes simplex reactivation"), ("allergic_reaction", "Allergic or contact reaction"), ("granulomatous_reaction", "Granulomatous reaction"), ("tram_track_scarring", "Tram-track scarring"), ("acne_flare", "Acne flare or milia"), ("bruising", "Bruising"), ("prolonged_erythema", "Prolonged redness"), ("other", "Other")], max_length=30)),
                        ("severity", models.CharField(choices=[("mild", "Mild"), ("moderate", "Moderate"), ("severe", "Severe")], max_length=10)),
                        ("serious", models.BooleanField(default=False, help_text="Led to hospital care, disability, or was life-threatening.")),
                        ("outcome", models.CharField(choices=[("resolved", "Resolved"), ("recovering", "Recovering"), ("ongoing", "Ongoing"), ("resolvedWithSequelae", "Resolved with sequelae"), ("fatal", "Fatal"), ("unknown", "Unknown")], max_length=30)),
                        ("onset", models.DateField()),
                        ("description", models.TextField()),
                        ("recorded_at", models.DateTimeField(auto_now_add=True)),
                        ("clinic", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to="clinics.clinic")),
                        ("patient", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="adverse_events", to="patients.patient")),
                        ("recorded_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to=settings.AUTH_USER_MODEL)),
                        ("session", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="adverse_events", to="courses.session")),
                        ("alert", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="adverse_events", to="checkins.alert")),
                    ],
                    options={"ordering": ("-onset",), "db_table": "checkins_adverseevent"},
                ),
            ],
        ),
    ]

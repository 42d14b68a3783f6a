"""Keep each intake's answers as given, and store the isotretinoin answer as the date of the
last dose so that it ages between screenings (docs/adr/0010-dated-answers.md).

Under the old contract a stored `isotretinoin_months_ago: null` meant "never taken" (the form's
box and the API both sent null for it), so it becomes "never"; a number of months becomes the
date that many months before the day the intake was recorded, in the clinic's time zone. The
original answers are copied to `answers_given` first, and going back restores them.
"""

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.apps.registry import Apps
from django.db import migrations, models

QUESTION = "isotretinoin_months_ago"
DAYS_PER_MONTH = 365.25 / 12  # as in needlepoint.domain.screening
NEVER = "never"


def _recorded_on(intake: Any) -> date:
    recorded: datetime = intake.recorded_at
    return recorded.astimezone(ZoneInfo(intake.clinic.time_zone)).date()


def date_the_last_dose(apps: Apps, schema_editor: Any) -> None:
    Intake = apps.get_model("intakes", "Intake")
    for intake in Intake.objects.select_related("clinic").iterator():
        intake.answers_given = dict(intake.answers)
        if QUESTION in intake.answers:
            months = intake.answers[QUESTION]
            if months is None:
                intake.answers[QUESTION] = NEVER
            elif isinstance(months, int | float) and not isinstance(months, bool):
                days = timedelta(days=round(months * DAYS_PER_MONTH))
                intake.answers[QUESTION] = (_recorded_on(intake) - days).isoformat()
        intake.save(update_fields=["answers", "answers_given"])


def restore_months(apps: Apps, schema_editor: Any) -> None:
    """The answers as given, in the old contract: "never" is null, a date is months."""
    Intake = apps.get_model("intakes", "Intake")
    for intake in Intake.objects.select_related("clinic").iterator():
        answers = dict(intake.answers_given)
        given = answers.get(QUESTION)
        if given == NEVER:
            answers[QUESTION] = None
        elif isinstance(given, str):
            days = (_recorded_on(intake) - date.fromisoformat(given)).days
            answers[QUESTION] = round(days / DAYS_PER_MONTH, 1)
        intake.answers = answers
        intake.save(update_fields=["answers"])


class Migration(migrations.Migration):

    dependencies = [
        ('intakes', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='intake',
            name='answers_given',
            field=models.JSONField(default=dict, help_text='The answers exactly as received, e.g. the months from which the date in `answers` was computed.'),
        ),
        migrations.AlterField(
            model_name='intake',
            name='answers',
            field=models.JSONField(help_text='The answers as screened, keyed by question name (absent = unanswered); a months_ago answer is the ISO date of the event or "never".'),
        ),
        migrations.RunPython(date_the_last_dose, restore_months),
    ]

"""A course keeps the rules engine's course plan it was made from as `plan` (was
`suggestion`), and each zone of a stored plan uses the depth names of the rules: `depth_mm`
the suggested depth (was `suggested_mm`), `depth_range_mm` its range (was `depth_mm`) and
`depth_limit_mm` (was `limit_mm`). Going back restores the old names; values are unchanged.
"""

from typing import Any

from django.apps.registry import Apps
from django.db import migrations, models

NEW_NAMES = (  # (old, new), applied together: the old `depth_mm` is the new `depth_range_mm`
    ("depth_mm", "depth_range_mm"),
    ("suggested_mm", "depth_mm"),
    ("limit_mm", "depth_limit_mm"),
)


def _rename_keys(apps: Apps, renames: tuple[tuple[str, str], ...]) -> None:
    Course: Any = apps.get_model("courses", "Course")
    for course in Course.objects.iterator():
        for zone in course.plan.get("zones", {}).values():
            values = {old: zone.pop(old) for old, _ in renames if old in zone}
            zone.update({new: values[old] for old, new in renames if old in values})
        course.save(update_fields=["plan"])


def to_depth_names(apps: Apps, schema_editor: Any) -> None:
    _rename_keys(apps, NEW_NAMES)


def to_old_names(apps: Apps, schema_editor: Any) -> None:
    _rename_keys(apps, tuple((new, old) for old, new in NEW_NAMES))


class Migration(migrations.Migration):

    dependencies = [
        ("courses", "0005_course_zones_with_depth_mm"),
    ]

    operations = [
        migrations.RenameField(model_name="course", old_name="suggestion", new_name="plan"),
        migrations.AlterField(
            model_name="course",
            name="plan",
            field=models.JSONField(
                help_text="The rules engine's course plan this course was made from."
            ),
        ),
        migrations.RunPython(to_depth_names, to_old_names),
    ]

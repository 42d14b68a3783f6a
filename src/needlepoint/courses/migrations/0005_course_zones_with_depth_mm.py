"""Store a course's planned depths as `zones: {zone: {"depth_mm": mm}}`, the shape a chart
stores, instead of `zone_depths_mm: {zone: mm}`.

Every row is converted, and going back converts it the other way. The old column goes in the
same migration: no release has read it.
"""

from typing import Any

from django.apps.registry import Apps
from django.db import migrations, models


def to_zones(apps: Apps, schema_editor: Any) -> None:
    # The historical model has both fields (today's has only `zones`): typed as Any.
    Course: Any = apps.get_model("courses", "Course")
    for course in Course.objects.iterator():
        course.zones = {zone: {"depth_mm": mm} for zone, mm in course.zone_depths_mm.items()}
        course.save(update_fields=["zones"])


def to_zone_depths(apps: Apps, schema_editor: Any) -> None:
    Course: Any = apps.get_model("courses", "Course")
    for course in Course.objects.iterator():
        course.zone_depths_mm = {zone: entry["depth_mm"] for zone, entry in course.zones.items()}
        course.save(update_fields=["zone_depths_mm"])


class Migration(migrations.Migration):

    dependencies = [
        ("courses", "0004_assessment_whole_face_counts"),
    ]

    operations = [
        migrations.AddField(
            model_name="course",
            name="zones",
            field=models.JSONField(
                default=dict, help_text="{zone: {depth_mm}}: the planned depth per zone"
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="course",
            name="zone_depths_mm",
            field=models.JSONField(default=dict, help_text="{zone: planned depth in mm}"),
        ),
        migrations.RunPython(to_zones, to_zone_depths),
        migrations.RemoveField(model_name="course", name="zone_depths_mm"),
    ]

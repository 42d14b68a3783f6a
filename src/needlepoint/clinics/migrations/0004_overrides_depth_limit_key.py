"""Store each clinic's per-zone depth limits under the key `depth_limit_mm` (was
`depth_limits_mm`), the one name the rules, the plan and the forms use for a depth limit.

The values are kept as they are; going back moves them to the old key.
"""

from typing import Any

from django.apps.registry import Apps
from django.db import migrations

OVERRIDES = "overrides"  # clinic.settings[OVERRIDES], as in needlepoint.clinics.knowledge


def _move(apps: Apps, old: str, new: str) -> None:
    Clinic = apps.get_model("clinics", "Clinic")
    for clinic in Clinic.objects.iterator():
        overrides = (clinic.settings or {}).get(OVERRIDES)
        if isinstance(overrides, dict) and old in overrides:
            overrides[new] = overrides.pop(old)
            clinic.save(update_fields=["settings"])


def rename_to_depth_limit(apps: Apps, schema_editor: Any) -> None:
    _move(apps, "depth_limits_mm", "depth_limit_mm")


def rename_to_depth_limits(apps: Apps, schema_editor: Any) -> None:
    _move(apps, "depth_limit_mm", "depth_limits_mm")


class Migration(migrations.Migration):

    dependencies = [
        ("clinics", "0003_clinic_location"),
    ]

    operations = [
        migrations.RunPython(rename_to_depth_limit, rename_to_depth_limits),
    ]

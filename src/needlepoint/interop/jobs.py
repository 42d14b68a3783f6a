"""The Bulk Data export's background jobs, on the app's huey queue (`needlepoint worker`)."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab

from needlepoint.interop.bulk import bulk_export_write, bulk_exports_expire
from needlepoint.notify.jobs import huey


@huey.task()  # type: ignore[untyped-decorator]
def bulk_export_job(export_id: str) -> None:
    bulk_export_write(export_id)


@huey.periodic_task(crontab(minute="41", hour="3"))  # type: ignore[untyped-decorator]
def expire_bulk_exports() -> int:
    """Nightly: remove the files of exports kept for long enough."""
    return bulk_exports_expire(timezone.now())

"""The Bulk Data export's background job, on the app's huey queue (`needlepoint worker`)."""

from __future__ import annotations

from needlepoint.interop.bulk import bulk_export_write
from needlepoint.notify.jobs import huey


@huey.task()  # type: ignore[untyped-decorator]
def bulk_export_job(export_id: str) -> None:
    bulk_export_write(export_id)

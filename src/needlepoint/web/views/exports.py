"""The clinic's lists as CSV downloads, for clinic admins (linked from the clinic settings)."""

from __future__ import annotations

from django.http import HttpRequest, StreamingHttpResponse

from needlepoint.clinics.roles import Permission
from needlepoint.reports.csv import Table
from needlepoint.reports.exports import access_clinic_table
from needlepoint.web.views.access import Actor, with_actor


def csv_download(table: Table) -> StreamingHttpResponse:
    """A table streamed as a CSV attachment, a line at a time."""
    response = StreamingHttpResponse(table.lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table.filename}"'
    return response


@with_actor(Permission.PATIENT_DATA_RIGHTS)
def clinic_export(request: HttpRequest, actor: Actor, kind: str) -> StreamingHttpResponse:
    return csv_download(access_clinic_table(actor, kind))

"""The portal's "My progress": open at the course's milestones only, the before/after slider
of two photos that may be compared (else why not), the patient's own scores over the course
(the sessions marked), and what studies of courses like theirs reported, with their
citations; never that reassurance past a red flag."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from needlepoint.courses.models import Session
from needlepoint.records.progress import access_my_progress
from needlepoint.reports.charts import Mark
from needlepoint.reports.course_summary import score_charts
from needlepoint.web.views.access import Actor, with_actor
from needlepoint.web.views.photos.compare import aligned_response


@with_actor(patients=True)
def portal_progress(request: HttpRequest, actor: Actor) -> HttpResponse:
    progress = access_my_progress(
        actor, request.GET.get("course"), request.GET.get("milestone", "")
    )
    context: dict[str, object] = {"progress": progress, "clinic": actor.clinic}
    if progress is not None:
        marks = [
            Mark(s.ended_at, f"Session {s.number}", "session", f"S{s.number}")
            for s in progress.course.sessions.all()
            if s.status == Session.Status.SIGNED and s.ended_at is not None
        ]
        charts = score_charts(progress.scores, actor.zone, marks)
        context["charts"] = [chart for _, chart in charts]
    compared = progress.compared if progress is not None else None
    if compared is not None:
        baseline, later = compared
        query = urlencode({"baseline": baseline.pk, "followup": later.pk})
        context.update(
            baseline=baseline,
            later=later,
            aligned_url=f"{reverse('portal-photo-aligned')}?{query}",
        )
    return render(request, "portal/progress.html", context)


@with_actor(patients=True)
def portal_photo_aligned(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The patient's later photo lined up with their first, as JPEG: their own photos only."""
    return aligned_response(request, actor, actor.patient_id)

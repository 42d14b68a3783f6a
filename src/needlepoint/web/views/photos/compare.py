"""The compare page: a baseline and a follow-up of one pose lined up, the change per zone,
each metric over the course; and the aligned follow-up as JPEG."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from needlepoint.clinics.roles import Permission
from needlepoint.photos import selectors
from needlepoint.photos.models import POSE_CHOICES, Photo
from needlepoint.photos.responses import NO_STORE
from needlepoint.reports.charts import metric_charts
from needlepoint.web.views.access import Actor, with_actor


def _pick(candidates: list[Photo], wanted: str | None) -> Photo | None:
    return next((p for p in candidates if str(p.pk) == wanted), None)


@with_actor(Permission.CLINICAL_READ)
def patient_photo_compare(request: HttpRequest, actor: Actor, patient_id: str) -> HttpResponse:
    """Choose a baseline and a follow-up of one pose: the follow-up lined up with the
    baseline (side by side, overlay, slider), the change per zone, and each metric over
    the course."""
    patient, photos = selectors.access_patient_photos(actor, patient_id)
    shown = [p for p in photos if selectors.photo_shown(p)]
    poses = [(pose, label) for pose, label in POSE_CHOICES if any(p.pose == pose for p in shown)]
    wanted_followup = request.GET.get("followup")
    pose = request.GET.get("pose") or ""
    chosen = _pick(shown, wanted_followup)
    if chosen is not None and not request.GET.get("pose"):
        pose = chosen.pose
    if pose not in {p for p, _ in poses}:
        pose = poses[0][0] if poses else ""
    candidates = [p for p in shown if p.pose == pose]
    baseline = _pick(candidates, request.GET.get("baseline")) or (
        candidates[0] if candidates else None
    )
    followup = _pick(candidates, wanted_followup)
    if followup is None or followup == baseline:
        later = [p for p in candidates if p != baseline]
        followup = later[-1] if later else None
    comparison, problem = None, ""
    if baseline is not None and followup is not None:
        try:
            comparison = selectors.access_photo_comparison(
                actor, patient.pk, baseline.pk, followup.pk
            )
        except ValidationError as error:
            problem = " ".join(error.messages)
    measured, data = selectors.photo_series(candidates)
    hidden = [p for p in photos if not selectors.photo_shown(p)]
    context = {
        "patient": patient,
        "poses": poses,
        "pose": pose,
        "candidates": candidates,
        "baseline": baseline,
        "followup": followup,
        "comparison": comparison,
        "deltas": _delta_rows(comparison) if comparison else [],
        "problem": problem,
        "charts": metric_charts(
            selectors.metric_series(measured, data), timezone.get_current_timezone()
        ),
        "aligned_url": (
            f"{reverse('photo-aligned', args=[patient.pk])}"
            f"?baseline={baseline.pk}&followup={followup.pk}"
            if comparison and baseline and followup
            else ""
        ),
        "series_photos": measured,
        "series": data,
        "hidden_count": len(hidden),
    }
    return render(request, "photos/compare.html", context)


def _delta_rows(comparison: selectors.PhotoComparison) -> list[dict[str, Any]]:
    base_zones = comparison.baseline.analysis.get("zones") or {}
    follow_zones = comparison.followup.analysis.get("zones") or {}
    rows = []
    for zone, delta in comparison.comparison.zones.items():
        rows.append(
            {
                "zone": zone,
                "delta": delta.to_json(),
                "baseline_pixels": base_zones.get(zone, {}).get("pixels"),
                "followup_pixels": follow_zones.get(zone, {}).get("pixels"),
            }
        )
    return rows


@with_actor(Permission.CLINICAL_READ)
def photo_aligned(request: HttpRequest, actor: Actor, patient_id: str) -> HttpResponse:
    return aligned_response(request, actor, patient_id)


def aligned_response(request: HttpRequest, actor: Actor, patient_id: object) -> HttpResponse:
    """The follow-up lined up with the baseline, as JPEG: scoped, gated, audited."""
    try:
        data = selectors.access_photo_aligned(
            actor, patient_id, request.GET.get("baseline"), request.GET.get("followup")
        )
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=422, content_type="text/plain")
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = NO_STORE
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response

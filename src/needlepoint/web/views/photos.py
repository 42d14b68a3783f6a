"""Photo pages: a session's photos (upload, camera capture with a ghost of the baseline),
check-in photos, the compare page (aligned pair, per-zone change, metrics over the course),
the patient's check-in photo in the portal, and the one authorised way to a photo's pixels.

Figures are shown to clinical staff with their basis; they are for documentation and
comparison, never a diagnosis or a scar grade. Patients see their photos, not the figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from needlepoint.checkins.services import checkin_submit
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.roles import Permission, allows
from needlepoint.courses.models import Session
from needlepoint.imaging import ZONES, Series
from needlepoint.patients.models import PhotoUse
from needlepoint.patients.selectors import access_consents
from needlepoint.photos import selectors, services
from needlepoint.photos.models import POSE_CHOICES, Photo
from needlepoint.photos.responses import NO_STORE, image_response
from needlepoint.web.forms.shared import submit
from needlepoint.web.views.access import Actor, with_actor
from needlepoint.web.views.portal import CheckInForm

GATE_REFUSALS = ("quality", "no_face")
KEEP_ANYWAY_HINT = (
    "Take the photo again, or tick “Keep anyway” to keep it without trusting its figures."
)


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label="Photo",
        widget=forms.FileInput(attrs={"accept": "image/*"}),
        help_text="JPEG, PNG or HEIC as it came from the camera, up to 40 MB.",
    )
    pose = forms.ChoiceField(
        choices=[("", "As detected"), *POSE_CHOICES],
        required=False,
        help_text="Name the pose to have it checked and recorded as confirmed.",
    )
    keep_anyway = forms.BooleanField(
        required=False,
        label="Keep anyway if the quality check fails (its figures are then not to be trusted)",
    )


class ArchiveForm(forms.Form):
    reason = forms.CharField(max_length=500)


@dataclass(frozen=True)
class PhotoCard:
    """A photo as a page shows it: hidden when its consent no longer allows the record."""

    photo: Photo
    shown: bool

    @property
    def zones(self) -> list[tuple[str, dict[str, Any]]]:
        zones = self.photo.analysis.get("zones") or {}
        return [(name, zones[name]) for name in ZONES if name in zones]

    @property
    def basis(self) -> dict[str, str]:
        return dict(self.photo.analysis.get("basis") or {})


def _cards(photos: list[Photo]) -> list[PhotoCard]:
    return [PhotoCard(photo, selectors.photo_shown(photo)) for photo in photos]


def _stored_message(photo: Photo) -> str:
    pose = photo.get_pose_display() if photo.pose else "pose unknown"
    if photo.quality_passed:
        return f"Photo saved ({pose}); it passed the quality check."
    return f"Photo saved ({pose}); kept although it failed the quality check."


# ---------------------------------------------------------------- session photos (clinic)


def _session_context(actor: Actor, session_id: int) -> dict[str, Any]:
    session, photos = selectors.access_session_photos(actor, session_id)
    consent = access_consents(actor, session.patient_id)
    cards = _cards(photos)
    return {
        "session": session,
        "patient": session.patient,
        "cards": [card for card in cards if not card.photo.archived],
        "archived": [card for card in cards if card.photo.archived],
        "photo_consent": consent.allows_photo_use(PhotoUse.CLINICAL_RECORD),
        "can_record": allows(actor.role, Permission.PHOTO_RECORD)
        and session.status != Session.Status.CANCELLED,
        "form": PhotoForm(),
    }


@with_actor(Permission.CLINICAL_READ)
def session_photos(request: HttpRequest, actor: Actor, session_id: int) -> HttpResponse:
    """The session page's Photos section (loaded into it), or a page of its own."""
    context = _session_context(actor, session_id)
    fragment = request.headers.get("HX-Request") == "true"
    template = "photos/_session_photos.html" if fragment else "photos/session_photos.html"
    return render(request, template, context)


@with_actor(Permission.PHOTO_RECORD)
def session_photo_new(request: HttpRequest, actor: Actor, session_id: int) -> HttpResponse:
    """Upload a photo to a session; a refusal says why and what to do, and nothing is kept."""
    context = _session_context(actor, session_id)
    form = PhotoForm(request.POST or None, request.FILES or None)
    refused: services.PhotoRefused | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            photo = services.photo_upload(
                actor,
                data["photo"],
                data["photo"].name,
                session_id=session_id,
                pose=data["pose"],
                keep_anyway=data["keep_anyway"],
            )
        except services.PhotoRefused as error:
            refused = error
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _stored_message(photo))
            return redirect(reverse("session-detail", args=[session_id]) + "#photos")
    context.update(
        form=form,
        refused=refused,
        hint=KEEP_ANYWAY_HINT if refused and refused.refusal in GATE_REFUSALS else "",
    )
    return render(request, "photos/upload.html", context, status=422 if refused else 200)


@with_actor(Permission.PHOTO_RECORD)
def session_photo_capture(request: HttpRequest, actor: Actor, session_id: int) -> HttpResponse:
    """Capture from the device's camera with the baseline photo of the pose as a ghost."""
    context = _session_context(actor, session_id)
    _, photos = selectors.access_patient_photos(actor, context["patient"].pk)
    ghosts = []
    for pose, label in POSE_CHOICES:
        baseline = selectors.baseline_photo(photos, pose)
        ghosts.append(
            {
                "pose": pose,
                "label": label,
                "url": reverse("photo-image", args=[baseline.pk]) if baseline else "",
                "date": baseline.captured_at if baseline else None,
            }
        )
    context.update(
        ghosts=ghosts, upload_url=reverse("api-v1:upload_session_photo", args=[session_id])
    )
    return render(request, "photos/capture.html", context)


@require_POST
@with_actor(Permission.PHOTO_RECORD)
def photo_archive(request: HttpRequest, actor: Actor, photo_id: str) -> HttpResponse:
    form = ArchiveForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Say why the photo is archived.")
        photo = services.photo_archive(actor, photo_id, form.cleaned_data["reason"])
        messages.success(request, "Photo archived; it is kept but no longer listed or compared.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        photo = selectors.photo_in_scope(actor, photo_id)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    if photo.session_id:
        return redirect(target or reverse("session-detail", args=[photo.session_id]) + "#photos")
    return redirect(target or reverse("patient-photo-compare", args=[photo.patient_id]))


# ---------------------------------------------------------------- the pixels


def _image_response(actor: Actor, photo_id: str) -> HttpResponse:
    # Streamed; the page decorators are typed for HttpResponse.
    return cast(HttpResponse, image_response(*selectors.access_photo_file(actor, photo_id)))


@with_actor()
def photo_image(request: HttpRequest, actor: Actor, photo_id: str) -> HttpResponse:
    """A photo's stored file (orientation applied, no metadata): scoped, consent-gated,
    audited, never cached."""
    return _image_response(actor, photo_id)


@with_actor(patients=True)
def portal_photo_image(request: HttpRequest, actor: Actor, photo_id: str) -> HttpResponse:
    return _image_response(actor, photo_id)


# ---------------------------------------------------------------- check-in photos


@with_actor(Permission.CLINICAL_READ)
def checkin_photos(request: HttpRequest, actor: Actor, checkin_id: int) -> HttpResponse:
    """The photos a patient sent with a check-in, for the alert page."""
    checkin, photos = selectors.access_checkin_photos(actor, checkin_id)
    return render(
        request, "photos/_checkin_photos.html", {"checkin": checkin, "cards": _cards(photos)}
    )


def _add_checkin_photo(request: HttpRequest, actor: Actor, checkin_id: int, upload: Any) -> None:
    """Check and keep the patient's photo; a refusal is told plainly, the check-in stays."""
    try:
        services.photo_upload(actor, upload, upload.name, checkin_id=checkin_id)
    except services.PhotoRefused as refused:
        text = f"Your check-in was sent to the clinic, but your photo was not added: {refused.what}"
        if refused.instructions:
            text += f" To take one that can be used: {'; '.join(refused.instructions)}."
        messages.warning(request, text)
    else:
        messages.success(request, "Your photo was added to your check-in.")


@with_actor(patients=True)
def portal_checkin_with_photo(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The check-in form with an optional photo. The check-in is saved first; the photo is
    then checked like any other (the quality gate must pass), and a refused photo never
    loses the check-in: the result page says what to do."""
    if request.method != "POST":
        return redirect("portal-checkin-new")
    form = CheckInForm(clinic_knowledge(actor.clinic), request.POST)
    checkin = submit(form, lambda note, **_: checkin_submit(actor, form.symptoms(), note))
    if checkin is None:
        return render(request, "portal/checkin_form.html", {"form": form})
    upload = request.FILES.get("photo")
    if upload is not None:
        _add_checkin_photo(request, actor, checkin.pk, upload)
    return redirect("portal-checkin", checkin_id=checkin.pk)


@with_actor(patients=True)
def portal_checkin_photos(request: HttpRequest, actor: Actor, checkin_id: int) -> HttpResponse:
    """A check-in's photos on its result page, and adding one more."""
    checkin, photos = selectors.access_checkin_photos(actor, checkin_id)
    if request.method == "POST":
        upload = request.FILES.get("photo")
        if upload is None:
            messages.error(request, "Choose a photo to add.")
        else:
            _add_checkin_photo(request, actor, checkin.pk, upload)
        return redirect("portal-checkin", checkin_id=checkin.pk)
    return render(
        request, "photos/_portal_checkin_photos.html", {"checkin": checkin, "cards": _cards(photos)}
    )


# ---------------------------------------------------------------- comparing and charts


CHART_METRICS = (
    ("a", "Redness, a*", "CIELAB a* (mean over the zone)"),
    ("ita_deg", "ITA°", "individual typology angle from the zone's mean L* and b*"),
    ("spot_count", "Dark spots", "regions darker than the surrounding skin"),
)
ZONE_COLOURS = {
    "forehead": "#1f77b4",
    "nose": "#7f7f7f",
    "left_cheek": "#d62728",
    "right_cheek": "#ff7f0e",
    "perioral": "#2ca02c",
    "chin": "#9467bd",
}
WIDTH, HEIGHT = 520, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 34


@dataclass(frozen=True)
class ChartLine:
    zone: str
    colour: str
    points: str
    dots: list[tuple[str, str, str]]  # x, y, the value as shown


@dataclass(frozen=True)
class Chart:
    """An inline SVG line chart (coordinates in the SVG's own units)."""

    metric: str
    title: str
    description: str
    lines: list[ChartLine]
    x_labels: list[tuple[str, str]]
    y_ticks: list[tuple[str, str]]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    bottom: int = HEIGHT - BOTTOM
    tick_x: int = LEFT - 6
    label_y: int = HEIGHT - 12


def _fmt(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _charts(photos: list[Photo], data: Series) -> list[Chart]:
    """One line chart per metric, a line per zone, the photos placed by their date."""
    times = [photo.captured_at.timestamp() for photo in photos]
    if not times:
        return []
    span = max(times) - min(times)
    inset = 24  # keeps the first and last date labels inside the chart
    plot_w, plot_h = WIDTH - LEFT - RIGHT - 2 * inset, HEIGHT - TOP - BOTTOM

    def x_of(index: int) -> float:
        if span == 0:
            return LEFT + inset + plot_w * (index + 0.5) / len(times)
        return LEFT + inset + plot_w * (times[index] - times[0]) / span

    x_labels: list[tuple[str, str]] = []
    for index, photo in enumerate(photos):
        local = timezone.localtime(photo.captured_at)
        day = f"{local.day} {local:%b}"
        if not x_labels or x_labels[-1][1] != day:  # one label per day
            x_labels.append((f"{x_of(index):.1f}", day))
    charts = []
    for metric, title, description in CHART_METRICS:
        values = [v for zone in data.values.values() for v in zone.get(metric, []) if v is not None]
        if not values:
            continue
        low, high = min(values), max(values)
        if high - low < 1e-9:
            low, high = low - 1, high + 1
        pad = (high - low) * 0.08
        low, high = low - pad, high + pad

        def y_of(value: float, low: float = low, high: float = high) -> float:
            return TOP + plot_h * (1 - (value - low) / (high - low))

        lines = []
        for zone, metrics in data.values.items():
            dots = [
                (f"{x_of(i):.1f}", f"{y_of(v):.1f}", _fmt(v))
                for i, v in enumerate(metrics.get(metric, []))
                if v is not None
            ]
            if dots:
                points = " ".join(f"{x},{y}" for x, y, _ in dots)
                lines.append(ChartLine(zone, ZONE_COLOURS.get(zone, "#333"), points, dots))
        ticks = [low + (high - low) * k / 4 for k in range(5)]
        y_ticks = [(f"{y_of(t):.1f}", _fmt(round(t, 1))) for t in ticks]
        charts.append(Chart(metric, title, description, lines, x_labels, y_ticks))
    return charts


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
        "charts": _charts(measured, data),
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

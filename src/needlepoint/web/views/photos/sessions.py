"""A session's photos for the clinic: the list, uploading one, capturing one with the
camera (the baseline of the pose as a ghost), and archiving one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from needlepoint.clinics.roles import Permission, allows
from needlepoint.courses.models import Session
from needlepoint.patients.models import PhotoUse
from needlepoint.patients.selectors import access_consents
from needlepoint.photos import selectors, services
from needlepoint.photos.models import POSE_CHOICES, Photo
from needlepoint.web.forms.photos import ArchiveForm, PhotoForm
from needlepoint.web.middleware import uses_camera
from needlepoint.web.views.access import Actor, with_actor
from needlepoint.web.views.photos.cards import photo_cards

GATE_REFUSALS = ("quality", "no_face")
KEEP_ANYWAY_HINT = (
    "Take the photo again, or tick “Keep anyway” to keep it without trusting its figures."
)


def _stored_message(photo: Photo) -> str:
    pose = photo.get_pose_display() if photo.pose else "pose unknown"
    if photo.quality_passed:
        return f"Photo saved ({pose}); it passed the quality check."
    return f"Photo saved ({pose}); kept although it failed the quality check."


def _session_context(actor: Actor, session_id: int) -> dict[str, Any]:
    session, photos = selectors.access_session_photos(actor, session_id)
    consent = access_consents(actor, session.patient_id)
    cards = photo_cards(photos)
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


@uses_camera
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
                "sample": bool(baseline and baseline.sample),
            }
        )
    context.update(
        ghosts=ghosts, upload_url=reverse("api-v1:session_photo_upload", args=[session_id])
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

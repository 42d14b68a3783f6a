"""Check-in photos: the photos a patient sent, on the alert page and on the check-in's
result page in the portal, and the check-in form with a photo."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from needlepoint.checkins.services import checkin_submit
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.roles import Permission
from needlepoint.photos import selectors, services
from needlepoint.web.forms.shared import submit
from needlepoint.web.views.access import Actor, with_actor
from needlepoint.web.views.photos.cards import photo_cards
from needlepoint.web.views.portal import CheckInForm


@with_actor(Permission.CLINICAL_READ)
def checkin_photos(request: HttpRequest, actor: Actor, checkin_id: int) -> HttpResponse:
    """The photos a patient sent with a check-in, for the alert page."""
    checkin, photos = selectors.access_checkin_photos(actor, checkin_id)
    return render(
        request, "photos/_checkin_photos.html", {"checkin": checkin, "cards": photo_cards(photos)}
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
        request,
        "photos/_portal_checkin_photos.html",
        {"checkin": checkin, "cards": photo_cards(photos)},
    )

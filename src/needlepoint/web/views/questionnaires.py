"""Clinic settings: the clinic's licensed questionnaires, loaded as FHIR Questionnaire JSON
files (as `needlepoint questionnaire load` does)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from needlepoint.clinics.roles import Permission
from needlepoint.domain.errors import DomainError
from needlepoint.domain.parsing import parse_json_text
from needlepoint.outcomes.selectors import clinic_questionnaires
from needlepoint.outcomes.services import questionnaire_load
from needlepoint.web.views.access import Actor, with_actor

LARGEST_FILE = 2 * 1024 * 1024


class QuestionnaireForm(forms.Form):
    file = forms.FileField(label="FHIR Questionnaire (JSON)")


def _load(actor: Actor, form: QuestionnaireForm) -> str | None:
    """Load the uploaded file; the message of what was done, or None with the form's errors."""
    upload = form.cleaned_data["file"]
    if upload.size > LARGEST_FILE:
        form.add_error("file", f"The file is over {LARGEST_FILE // (1024 * 1024)} MB.")
        return None
    try:
        resource = parse_json_text(upload.read().decode("utf-8"))
        loaded, created = questionnaire_load(actor.clinic, resource, actor=actor)
    except UnicodeDecodeError:
        form.add_error("file", "The file is not UTF-8 text.")
    except DomainError as error:
        form.add_error("file", f"Not JSON: {error}")
    except ValidationError as error:
        for where, problems in error.message_dict.items():
            form.add_error("file", f"{where}: {' '.join(problems)}")
    else:
        return f"{loaded.title} {'loaded' if created else 'replaced'}."
    return None


@with_actor(Permission.STAFF_MANAGE)
def questionnaires(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = QuestionnaireForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done = _load(actor, form)
        if done is not None:
            messages.success(request, done)
            return redirect("clinic-questionnaires")
    return render(
        request,
        "clinic/questionnaires.html",
        {"form": form, "questionnaires": clinic_questionnaires(actor)},
    )

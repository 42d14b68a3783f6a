"""A staff member's own API tokens: created and revoked from a two-factor-verified session,
since a token reaches patient data without the second factor."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from needlepoint.clinics import api_tokens as token_services
from needlepoint.web.forms.api_tokens import ApiTokenForm, ApiTokenRevokeForm
from needlepoint.web.views.access import Actor, session_verified, with_actor


def _require_verified(request: HttpRequest) -> None:
    if not session_verified(request):
        raise PermissionDenied("API tokens need a session verified with two-factor.")


@with_actor()
def api_tokens(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    raw = None
    if request.method == "POST":
        _require_verified(request)
        if form.is_valid():
            member, label = actor.user.staff, form.cleaned_data["label"]
            _, raw = token_services.api_token_create(member, label, by=actor)
            form = ApiTokenForm()
    context = {
        "form": form,
        "raw": raw,
        "verified": session_verified(request),
        "tokens": token_services.api_token_list(actor.user.staff),
    }
    return render(request, "api_tokens/list.html", context)


@require_POST
@with_actor()
def api_token_revoke(request: HttpRequest, actor: Actor) -> HttpResponse:
    _require_verified(request)
    form = ApiTokenRevokeForm(request.POST)
    prefix = form.cleaned_data["token_prefix"] if form.is_valid() else None
    count = prefix and token_services.api_token_revoke(actor.user.staff, prefix, by=actor)
    messages.success(request, "Token revoked." if count else "No active token matched.")
    return redirect("api-tokens")

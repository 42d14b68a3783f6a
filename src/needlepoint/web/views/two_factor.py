"""Staff two-factor pages: sign-in (password, then a code), enrolment, recovery codes."""

from __future__ import annotations

import time
from base64 import b32encode
from typing import Any

import qrcode
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from qrcode.image.svg import SvgPathImage

from needlepoint.accounts.models import User
from needlepoint.clinics import two_factor
from needlepoint.clinics.actors import actor_for
from needlepoint.web.forms.shared import submit
from needlepoint.web.forms.two_factor import CodeForm
from needlepoint.web.views.access import Actor, session_verified, with_actor

PENDING_KEY = "two_factor_pending"
PENDING_SECONDS = 300  # from the password to the code


class SignInView(LoginView):
    """Password first; a member with two-factor is signed in only once their code is right,
    so no session is authenticated by the password alone."""

    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if not two_factor.has_two_factor(user):
            return super().form_valid(form)
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "at": time.time(),
        }
        return redirect("two-factor-verify")


def _signing_in(request: HttpRequest) -> tuple[User | None, dict[str, Any] | None]:
    """Who the code is for: a signed-in member whose session is not verified yet, or the
    member of a pending sign-in (with its state) that has not expired."""
    if request.user.is_authenticated:
        return request.user, None
    pending = request.session.get(PENDING_KEY)
    if pending is None or time.time() - pending["at"] > PENDING_SECONDS:
        return None, None
    return two_factor.sign_in_member(pending["user"]), pending


def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user, pending = _signing_in(request)
    actor = actor_for(user)
    if actor is None:
        request.session.pop(PENDING_KEY, None)
        messages.info(request, "Sign in again, please.")
        return redirect("login")
    if session_verified(request) or not two_factor.has_two_factor(actor.user):
        return redirect("home")
    after = pending["next"] if pending else request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(after, {request.get_host()}):
        after = "/"
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        device = submit(form, lambda code: two_factor.two_factor_verify(actor, code))
        if device is not None:
            if pending is not None:
                del request.session[PENDING_KEY]
                login(request, actor.user, backend=pending["backend"])
            otp_login(request, device)
            return redirect(after)
    return render(request, "two_factor/verify.html", {"form": form})


def qr_svg(text: str) -> str:
    """An inline SVG QR code: the page makes no request to draw it."""
    svg: str = qrcode.make(text, image_factory=SvgPathImage, box_size=8).to_string(
        encoding="unicode"
    )
    return svg[svg.index("<svg") :]  # without the XML declaration, to sit inside HTML


@with_actor(before_two_factor=True)
def two_factor_enrol(request: HttpRequest, actor: Actor) -> HttpResponse:
    if two_factor.has_two_factor(actor.user):
        verified = session_verified(request)
        return render(request, "two_factor/status.html", {"verified": verified})
    device = two_factor.enrolment_device(actor)
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        enrolled = submit(form, lambda code: two_factor.two_factor_enrol(actor, code))
        if enrolled is not None:
            device, codes = enrolled
            otp_login(request, device)
            return render(request, "two_factor/recovery_codes.html", {"codes": codes})
    context = {
        "form": form,
        "qr": qr_svg(device.config_url),
        "secret": b32encode(device.bin_key).decode(),
    }
    return render(request, "two_factor/enrol.html", context)


@require_POST
@with_actor()
def recovery_codes_renew(request: HttpRequest, actor: Actor) -> HttpResponse:
    if not two_factor.has_two_factor(actor.user):
        return redirect("two-factor-enrol")
    codes = two_factor.recovery_codes_renew(actor)
    return render(request, "two_factor/recovery_codes.html", {"codes": codes})

"""Clinic-admin pages (settings, staff, the audit log) and the landing redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from needlepoint.clinics import selectors as clinic_selectors
from needlepoint.clinics import services as clinic_services
from needlepoint.clinics.actors import actor_for
from needlepoint.clinics.roles import Permission, Role
from needlepoint.clinics.two_factor import two_factor_reset
from needlepoint.domain.knowledge import load_knowledge
from needlepoint.safety.selectors import audit_log
from needlepoint.web.forms.clinic import (
    AuditFilterForm,
    ClinicSettingsForm,
    StaffCreateForm,
    StaffEditForm,
)
from needlepoint.web.forms.shared import submit
from needlepoint.web.views.access import Actor, with_actor
from needlepoint.web.views.patients import page_number


@login_required
def home(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    if actor is None:
        return render(request, "no_role.html", status=403)
    landing = {Role.PATIENT: "portal", Role.FRONT_DESK: "patient-list"}
    return redirect(landing.get(actor.role, "dashboard"))


@with_actor(Permission.STAFF_MANAGE)
def staff_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    members = clinic_selectors.staff_list(actor)
    return render(request, "staff/list.html", {"members": members})


@with_actor(Permission.STAFF_MANAGE)
def staff_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = StaffCreateForm(request.POST or None)
    if request.method == "POST":
        member = submit(form, lambda **data: clinic_services.staff_create(actor, **data))
        if member is not None:
            messages.success(request, f"{member.user.full_name} can now sign in.")
            return redirect("staff-list")
    return render(request, "staff/form.html", {"form": form, "title": "Add staff member"})


@with_actor(Permission.STAFF_MANAGE)
def staff_edit(request: HttpRequest, actor: Actor, staff_id: int) -> HttpResponse:
    member = clinic_selectors.staff_member(actor, staff_id)
    initial = {
        "full_name": member.user.full_name,
        "role": member.role,
        "profession": member.profession,
        "licence_number": member.licence_number,
        "is_active": member.user.is_active,
    }
    form = StaffEditForm(request.POST or None, initial=initial)
    if request.method == "POST":
        saved = submit(form, lambda **data: clinic_services.staff_update(actor, staff_id, **data))
        if saved is not None:
            messages.success(request, "Changes saved.")
            return redirect("staff-list")
    context = {"form": form, "title": f"Edit {member.user.full_name}", "member": member}
    return render(request, "staff/form.html", context)


@require_POST
@with_actor(Permission.STAFF_MANAGE)
def staff_two_factor_reset(request: HttpRequest, actor: Actor, staff_id: int) -> HttpResponse:
    two_factor_reset(actor, staff_id)
    messages.success(
        request, "Two-factor reset: they sign in with their password and set it up again."
    )
    return redirect("staff-edit", staff_id=staff_id)


@with_actor(Permission.AUDIT_READ)
def audit_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_log(actor, **{k: v for k, v in filters.items() if v})
    page = Paginator(events, 50).get_page(page_number(request))
    return render(request, "audit/list.html", {"form": form, "page": page})


@with_actor(Permission.STAFF_MANAGE)
def clinic_settings(request: HttpRequest, actor: Actor) -> HttpResponse:
    knowledge = load_knowledge()  # the defaults, shown beside each override
    form = ClinicSettingsForm(knowledge, request.POST or None, instance=actor.clinic)
    if request.method == "POST":
        saved = submit(
            form,
            lambda **_: clinic_services.clinic_settings_update(
                actor, overrides=form.overrides(), **form.details()
            ),
        )
        if saved is not None:
            messages.success(request, "Clinic settings saved.")
            return redirect("clinic-settings")
    return render(request, "clinic/settings.html", {"form": form})

"""Clinic pages: lots of needle cartridges and products, and their recalls."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from needlepoint.clinics.roles import Permission, allows
from needlepoint.safety import selectors, services
from needlepoint.safety.models import Lot
from needlepoint.web.forms.shared import submit
from needlepoint.web.views.access import Actor, with_actor
from needlepoint.web.views.patients import page_number


class LotForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Lot
        fields = services.LOT_FIELDS
        labels = {"kind": "Type", "received_at": "Received on"}
        help_texts = {
            "lot_number": "As printed on the box or pouch (LOT).",
            "expiry_date": "Usable up to and including this date.",
        }
        widgets = {
            "expiry_date": forms.DateInput(attrs={"type": "date"}),
            "received_at": forms.DateInput(attrs={"type": "date"}),
        }


class RecallForm(forms.Form):
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason for the recall",
        help_text="For example the manufacturer's notice and what it says.",
    )


@with_actor(Permission.LOT_READ)
def lot_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    expired = request.GET.get("expired") == "1"
    lots = selectors.lot_list(actor, query, include_expired=expired)
    page = Paginator(lots, 50).get_page(page_number(request))
    today = selectors.clinic_today(actor.clinic)
    context = {
        "page": page,
        "rows": [(lot, services.lot_status(lot, today)) for lot in page],
        "q": query,
        "expired": expired,
        "can_manage": allows(actor.role, Permission.LOT_MANAGE),
    }
    partial = request.headers.get("HX-Request") == "true"
    return render(request, "lots/_results.html" if partial else "lots/list.html", context)


@with_actor(Permission.LOT_MANAGE)
def lot_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = LotForm(request.POST or None)
    if request.method == "POST":
        lot = submit(form, lambda **data: services.lot_create(actor, **data))
        if lot is not None:
            messages.success(request, f"Lot {lot.lot_number} was added.")
            return redirect("lot-list")
    return render(request, "lots/form.html", {"form": form})


@with_actor(Permission.LOT_MANAGE)
def lot_recall(request: HttpRequest, actor: Actor, lot_id: int) -> HttpResponse:
    lot = selectors.lot_in_scope(actor, lot_id)
    form = RecallForm(request.POST or None)
    if request.method == "POST" and lot.recalled_at is None:
        recalled = submit(form, lambda **data: services.lot_recall(actor, lot.pk, **data))
        if recalled is not None:
            messages.success(
                request, f"Lot {recalled.lot_number} is recalled: it can no longer be used."
            )
            return redirect("lot-list")
    return render(request, "lots/recall.html", {"form": form, "lot": lot})

"""The chart form of a session: device, lots, depth and passes per zone, times."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from needlepoint.courses.models import Session
from needlepoint.domain.knowledge import Knowledge
from needlepoint.safety.models import Lot
from needlepoint.web.forms.shared import DATETIME


class ChartForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput)
    anaesthetic = forms.CharField(max_length=200, required=False, label="Topical anaesthetic")
    numbing_applied_at = forms.DateTimeField(
        widget=DATETIME, required=False, label="Numbing applied"
    )
    numbing_removed_at = forms.DateTimeField(
        widget=DATETIME, required=False, label="Numbing removed"
    )
    device = forms.ChoiceField(choices=[("", "—"), *Session.Device.choices], required=False)
    device_id = forms.CharField(max_length=100, required=False, label="Device id / serial")
    cartridge_lot = forms.ModelChoiceField(
        queryset=Lot.objects.none(), required=False, label="Cartridge lot"
    )
    product_lots = forms.ModelMultipleChoiceField(
        queryset=Lot.objects.none(), required=False, label="Products applied (lots)"
    )
    endpoint = forms.ChoiceField(
        choices=[("", "—"), *Session.Endpoint.choices], required=False, label="Endpoint reached"
    )
    adjuncts = forms.CharField(
        max_length=300, required=False, help_text="Adjuncts done, comma-separated."
    )
    immediate_reactions = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    started_at = forms.DateTimeField(widget=DATETIME, required=False, label="Treatment started")
    ended_at = forms.DateTimeField(widget=DATETIME, required=False, label="Treatment ended")

    def __init__(
        self,
        knowledge: Knowledge,
        zones: list[str],
        lots: Any,
        offered: Any,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        """`lots` are the clinic's lots (any one is accepted here, and the session gate refuses
        an expired or recalled one with its reason); `offered` are those listed to choose."""
        super().__init__(*args, **kwargs)
        for name, kind in (("cartridge_lot", "cartridge"), ("product_lots", "product")):
            field = self.fields[name]
            field.queryset = lots.filter(kind=kind)  # type: ignore[attr-defined]
            chosen = self.initial.get(name) or []
            chosen_ids = [lot.pk for lot in (chosen if isinstance(chosen, list) else [chosen])]
            listed = lots.filter(kind=kind).filter(
                Q(pk__in=offered.values("pk")) | Q(pk__in=chosen_ids)
            )
            field.widget.choices = [
                *([("", "—")] if name == "cartridge_lot" else []),
                *((lot.pk, str(lot)) for lot in listed),
            ]
        passes = knowledge.charting.passes
        self.zone_names = zones
        for zone in zones:
            label, deepest = knowledge.zones[zone].label, knowledge.zones[zone].deepest_mm
            self.fields[f"zones.{zone}.depth_mm"] = forms.FloatField(
                label=f"{label} depth (mm)",
                required=False,
                widget=forms.NumberInput(attrs={"min": 0, "max": deepest, "step": 0.05}),
                help_text=f"At most {deepest:g} mm",
            )
            self.fields[f"zones.{zone}.passes"] = forms.IntegerField(
                label=f"{label} passes",
                required=False,
                widget=forms.NumberInput(attrs={"min": passes.min, "max": passes.max}),
            )

    def chart(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        zones = {}
        for zone in self.zone_names:
            depth, passes = data.pop(f"zones.{zone}.depth_mm"), data.pop(f"zones.{zone}.passes")
            if depth:
                zones[zone] = {"depth_mm": depth, "passes": passes}
        data["zones"] = zones
        data["adjuncts"] = [a.strip() for a in data["adjuncts"].split(",") if a.strip()]
        data["product_lots"] = list(data["product_lots"])
        return data

"""The clinic forms: settings and overrides, staff, the audit-log filter."""

from __future__ import annotations

from typing import Any

from django import forms

from needlepoint.clinics.models import Clinic, Staff
from needlepoint.clinics.services import CLINIC_FIELDS
from needlepoint.domain.knowledge import Knowledge
from needlepoint.domain.knowledge.model.aftercare import Window
from needlepoint.domain.knowledge.model.booking import (
    MAX_HORIZON_DAYS,
    MAX_NOTICE_HOURS,
    SelfBooking,
)

SELF_BOOKING_FIELDS = ("notice_hours", "horizon_days")


def _window_end(window: Window) -> tuple[str, float]:
    """An aftercare window's end: its override key and its default."""
    if window.ends_months_after_course is not None:
        return "ends_months_after_course", window.ends_months_after_course
    assert window.ends_after_hours is not None  # the loader gives every window one end
    return "ends_after_hours", window.ends_after_hours


class ClinicSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    """The clinic's details and its overrides of the clinical defaults; empty = the default."""

    price_per_session = forms.DecimalField(
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text="Used for course cost estimates. Empty: the published range.",
    )

    class Meta:
        model = Clinic
        fields = CLINIC_FIELDS
        widgets = {"address": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, knowledge: Knowledge, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.knowledge = knowledge
        saved = (self.instance.settings or {}).get("overrides", {})
        price = saved.get("price_per_session")
        self.initial["price_per_session"] = price["amount"] if price else None
        for name, zone in knowledge.zones.items():
            self.fields[f"depth_limit_mm.{name}"] = forms.FloatField(
                label=f"{zone.label}: depth limit (mm)",
                required=False,
                min_value=0.1,
                max_value=knowledge.device_max_depth_mm,
                help_text=f"Default {zone.depth_limit_mm:g} mm",
            )
            self.initial[f"depth_limit_mm.{name}"] = saved.get("depth_limit_mm", {}).get(name)
        for item in knowledge.aftercare:
            window = saved.get("aftercare", {}).get(item.code, {})
            prefix = f"aftercare__{item.code}__"
            start = item.window.starts_after_hours
            self.fields[prefix + "starts"] = forms.FloatField(
                label=f"{item.title}: starts after (hours)",
                required=False,
                min_value=0,
                help_text=f"Default {start:g} h",
            )
            self.initial[prefix + "starts"] = window.get("starts_after_hours")
            end_key, end = _window_end(item.window)
            if end_key == "ends_months_after_course":
                self.fields[prefix + "ends"] = forms.IntegerField(
                    label=f"{item.title}: ends (months after the course's last session)",
                    required=False,
                    min_value=1,
                    max_value=24,
                    help_text=f"Default {end:g} months",
                )
            else:
                self.fields[prefix + "ends"] = forms.FloatField(
                    label=f"{item.title}: ends after (hours)",
                    required=False,
                    min_value=0,
                    help_text=f"Default {end:g} h",
                )
            self.initial[prefix + "ends"] = window.get(end_key)
        self._self_booking_fields(saved.get("self_booking", {}))

    def _self_booking_fields(self, saved: dict[str, Any]) -> None:
        default = SelfBooking()
        self.fields["self_booking.notice_hours"] = forms.IntegerField(
            label="Online booking: notice (hours)",
            required=False,
            min_value=0,
            max_value=MAX_NOTICE_HOURS,
            help_text=f"Patients book, move or cancel online until this long before an "
            f"appointment. Default {default.notice_hours} h",
        )
        self.fields["self_booking.horizon_days"] = forms.IntegerField(
            label="Online booking: offered ahead (days)",
            required=False,
            min_value=1,
            max_value=MAX_HORIZON_DAYS,
            help_text=f"How far ahead the portal offers times. Default {default.horizon_days} days",
        )
        for name in SELF_BOOKING_FIELDS:
            self.initial[f"self_booking.{name}"] = saved.get(name)

    def overrides(self) -> dict[str, Any]:
        """The overrides JSON the rules engine reads (only what differs from the defaults)."""
        data = self.cleaned_data
        result: dict[str, Any] = {}
        if data.get("price_per_session") is not None:
            result["price_per_session"] = {
                "amount": float(data["price_per_session"]),
                "currency": data["currency"],
            }
        limits = {
            zone: data[f"depth_limit_mm.{zone}"]
            for zone in self.knowledge.zones
            if data.get(f"depth_limit_mm.{zone}")
        }
        if limits:
            result["depth_limit_mm"] = limits
        windows = {}
        for item in self.knowledge.aftercare:
            starts, ends = (
                data.get(f"aftercare__{item.code}__starts"),
                data.get(f"aftercare__{item.code}__ends"),
            )
            if starts is not None or ends is not None:
                end_key, end = _window_end(item.window)
                windows[item.code] = {
                    "starts_after_hours": item.window.starts_after_hours
                    if starts is None
                    else starts,
                    end_key: end if ends is None else ends,
                }
        if windows:
            result["aftercare"] = windows
        self_booking = {
            name: data[f"self_booking.{name}"]
            for name in SELF_BOOKING_FIELDS
            if data.get(f"self_booking.{name}") is not None
        }
        if self_booking:
            result["self_booking"] = self_booking
        return result

    def details(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class StaffForm(forms.Form):
    full_name = forms.CharField(max_length=200)
    role = forms.ChoiceField(choices=Staff.ROLE_CHOICES)
    profession = forms.CharField(max_length=100, required=False)
    licence_number = forms.CharField(
        max_length=60, required=False, help_text="Required for practitioners."
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") == "practitioner" and not data.get("licence_number"):
            self.add_error("licence_number", "A practitioner needs a licence number.")
        return data


class StaffCreateForm(StaffForm):
    email = forms.EmailField()
    password = forms.CharField(
        widget=forms.PasswordInput,
        help_text="An initial password; they can change it after signing in.",
    )
    field_order = ("email", "full_name", "role", "profession", "licence_number", "password")


class StaffEditForm(StaffForm):
    is_active = forms.BooleanField(required=False, label="Account active")


class AuditFilterForm(forms.Form):
    action = forms.CharField(required=False)
    actor_email = forms.CharField(required=False, label="User")
    object_id = forms.CharField(required=False, label="Record id")
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

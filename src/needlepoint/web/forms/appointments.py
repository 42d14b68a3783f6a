"""Forms of the calendar: booking an appointment, moving it, the resources a course's
sessions are booked with."""

from __future__ import annotations

from datetime import time
from typing import Any, cast

from django import forms

from needlepoint.clinics.models import Staff
from needlepoint.scheduling.models import AppointmentType, Room
from needlepoint.web.forms.shared import DATETIME


def _choices(rows: list[Any], empty: str | None = None) -> list[tuple[str, str]]:
    first = [("", empty)] if empty is not None else []
    return first + [
        (str(row.pk), str(row.user) if isinstance(row, Staff) else str(row)) for row in rows
    ]


class ResourcesForm(forms.Form):
    """Who and where: the type, practitioner, room and (optional) numbing chair."""

    type_id = forms.ChoiceField(label="Appointment type")
    practitioner_id = forms.ChoiceField(label="Practitioner")
    room_id = forms.ChoiceField(label="Room")
    numbing_room_id = forms.ChoiceField(
        label="Numbing in", required=False, help_text="Empty: numbing in the same room."
    )

    def __init__(
        self,
        types: list[AppointmentType],
        practitioners: list[Staff],
        rooms: list[Room],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = {
            "type_id": _choices(types),
            "practitioner_id": _choices(practitioners),
            "room_id": _choices(rooms),
            "numbing_room_id": _choices(rooms, "The same room"),
        }
        for name, options in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = options


class BookingForm(ResourcesForm):
    starts_at = forms.DateTimeField(label="Starts (the clinic's time)", widget=DATETIME)
    notes = forms.CharField(max_length=500, required=False)


class MoveForm(forms.Form):
    starts_at = forms.DateTimeField(widget=DATETIME)
    revision = forms.IntegerField(widget=forms.HiddenInput)


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(s, s) for s in ("arrived", "in_progress", "completed", "cancelled", "no_show")]
    )
    reason = forms.CharField(max_length=500, required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput)


class RoomForm(forms.Form):
    name = forms.CharField(max_length=100)
    kind = forms.ChoiceField(choices=Room.Kind.choices)


class AppointmentTypeForm(forms.Form):
    kind = forms.ChoiceField(choices=AppointmentType.Kind.choices)
    name = forms.CharField(max_length=100)
    minutes = forms.IntegerField(min_value=5, max_value=480)
    numbing_minutes = forms.IntegerField(
        min_value=0,
        max_value=120,
        required=False,
        help_text="Empty: the clinical basis's numbing time for microneedling, none otherwise.",
    )


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class HoursForm(forms.Form):
    """A practitioner's week, one stretch a line: `Mon 09:00-12:30`; two lines of one day leave
    a break between them."""

    staff_id = forms.ChoiceField(label="Practitioner")
    hours = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text="One stretch a line, e.g. Mon 09:00-12:30 and Mon 13:30-17:30.",
    )

    def __init__(self, practitioners: list[Staff], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["staff_id"]).choices = _choices(practitioners)

    def clean_hours(self) -> list[tuple[int, time, time]]:
        stretches = []
        for line in str(self.cleaned_data["hours"]).splitlines():
            if not line.strip():
                continue
            try:
                day, span = line.split(maxsplit=1)
                starts, ends = (time.fromisoformat(t.strip()) for t in span.split("-"))
                stretches.append((WEEKDAYS.index(day.strip().title()[:3]), starts, ends))
            except ValueError:
                raise forms.ValidationError(f"Not a stretch of a day: {line.strip()!r}.") from None
        return stretches


def hours_text(stretches: list[tuple[int, time, time]]) -> str:
    return "\n".join(f"{WEEKDAYS[d]} {s:%H:%M}-{e:%H:%M}" for d, s, e in sorted(stretches))


class ClosureForm(forms.Form):
    starts_at = forms.DateTimeField(widget=DATETIME)
    ends_at = forms.DateTimeField(widget=DATETIME)
    reason = forms.CharField(max_length=200, required=False)
    staff_id = forms.ChoiceField(label="Practitioner (empty: the clinic)", required=False)
    room_id = forms.ChoiceField(label="Or room", required=False)

    def __init__(
        self, practitioners: list[Staff], rooms: list[Room], *args: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["staff_id"]).choices = _choices(practitioners, "—")
        cast(forms.ChoiceField, self.fields["room_id"]).choices = _choices(rooms, "—")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["staff_id"] = data.get("staff_id") or None
        data["room_id"] = data.get("room_id") or None
        return data

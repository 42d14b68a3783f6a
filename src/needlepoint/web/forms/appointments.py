"""Forms of the calendar: booking an appointment, moving it, the resources a course's
sessions are booked with."""

from __future__ import annotations

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

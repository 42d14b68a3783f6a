"""The outcome measures as one form: a respondent's questions at a timepoint, each a row of
radio buttons (a 0-10 rating or the measure's options), sized for a phone."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from needlepoint.domain.knowledge.model.measures import Item, Measure

# A whole-number item with more values than this is a number box, not a row of buttons.
MOST_BUTTONS = 11


def _field(item: Item) -> forms.Field:
    if item.options:
        return forms.ChoiceField(
            label=item.text,
            widget=forms.RadioSelect,
            choices=[(option.code, option.label) for option in item.options],
            required=False,  # the rules name a missing answer (`measure_score`)
        )
    if item.maximum - item.minimum + 1 > MOST_BUTTONS:
        return forms.IntegerField(label=item.text, required=False)  # the rules check its range
    return forms.TypedChoiceField(
        label=item.text,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        choices=[(n, str(n)) for n in range(item.minimum, item.maximum + 1)],
        help_text=f"{item.minimum} = {item.minimum_label}, {item.maximum} = {item.maximum_label}"
        if item.minimum_label
        else "",
        required=False,
    )


class MeasuresForm(forms.Form):
    """One field per item, named `<measure>.<item>` as the service names its errors."""

    def __init__(self, measures: Sequence[Measure], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.measures = measures
        self.scales: list[str] = []
        for measure in measures:
            for item in measure.items:
                name = f"{measure.code}.{item.code}"
                self.fields[name] = _field(item)
                if isinstance(self.fields[name], forms.TypedChoiceField):
                    self.scales.append(name)

    def answers(self) -> dict[str, dict[str, object]]:
        return {
            measure.code: {
                item.code: self.cleaned_data.get(f"{measure.code}.{item.code}")
                for item in measure.items
                if self.cleaned_data.get(f"{measure.code}.{item.code}") not in (None, "")
            }
            for measure in self.measures
        }

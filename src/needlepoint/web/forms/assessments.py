"""The assessment form: grade, scar types and lesion counts per zone."""

from __future__ import annotations

import functools
from typing import Any

from django import forms

from needlepoint.domain import scars
from needlepoint.domain.knowledge import Knowledge
from needlepoint.domain.knowledge.model.scar_scales import SCAR_AREA_CM2, SCAR_COUNT, CountScale


def count_field(zone: str, scale: str, item: str) -> str:
    """A count's field, named by its path in the API's JSON (so are its errors)."""
    return f"zones.{zone}.{scale}.counts.{item}"


def area_field(zone: str, scale: CountScale, scale_name: str) -> str:
    assert scale.area is not None
    return f"zones.{zone}.{scale_name}.{scale.area.name}_area_cm2"


class AssessmentForm(forms.Form):
    """Qualitative grade, scar types and lesion counts per zone for both scales."""

    qualitative_grade = forms.TypedChoiceField(
        coerce=int, label="Goodman & Baron qualitative grade"
    )
    scar_types = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, label="Scar types present"
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, knowledge: Knowledge, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.knowledge = knowledge
        self.fields["qualitative_grade"].choices = [  # type: ignore[attr-defined]
            (g.grade, f"{g.grade}: {g.level}") for g in knowledge.qualitative.grades
        ]
        self.fields["scar_types"].choices = [  # type: ignore[attr-defined]
            (name, scar.label) for name, scar in knowledge.scar_types.items()
        ]
        for zone in knowledge.zones:
            for scale_name, scale in self.scales():
                for item, row in scale.items.items():
                    self.fields[count_field(zone, scale_name, item)] = forms.IntegerField(
                        label=row.label,
                        required=False,
                        min_value=SCAR_COUNT.min,
                        max_value=SCAR_COUNT.max,
                    )
                if scale.area:
                    self.fields[area_field(zone, scale, scale_name)] = forms.FloatField(
                        label=scale.area.label,
                        required=False,
                        min_value=SCAR_AREA_CM2.min,
                        max_value=SCAR_AREA_CM2.max,
                    )

    def assessment_fields(self) -> list[forms.BoundField]:
        """The fields about the whole assessment (the counts are shown per zone)."""
        return [self[name] for name in ("qualitative_grade", "scar_types", "notes")]

    def scales(self) -> list[tuple[str, CountScale]]:
        return [("goodman_baron", self.knowledge.goodman_baron), ("ecca", self.knowledge.ecca)]

    def zone_rows(self) -> list[tuple[str, list[tuple[str, list[forms.BoundField]]]]]:
        """(zone label, [(scale title, fields)]) for the template."""
        rows = []
        for zone_name, zone in self.knowledge.zones.items():
            scales = []
            for scale_name, scale in self.scales():
                prefix = f"zones.{zone_name}.{scale_name}."
                scales.append((scale.title, [self[n] for n in self.fields if n.startswith(prefix)]))
            rows.append((zone.label, scales))
        return rows

    def counts(self, qualitative_grade: int) -> scars.Assessment:
        """The counts per zone as the rules engine takes them, leaving out empty zones and
        scales (a count or area of 0 is not counted)."""
        data = self.cleaned_data
        zones = {}
        for zone in self.knowledge.zones:
            sections: dict[str, scars.ScaleCounts] = {}
            for scale_name, scale in self.scales():
                field = functools.partial(count_field, zone, scale_name)
                counts = {item: data[field(item)] for item in scale.items if data.get(field(item))}
                area = data.get(area_field(zone, scale, scale_name)) if scale.area else None
                if counts or area:
                    sections[scale_name] = scars.ScaleCounts(counts, area or 0.0)
            if sections:
                zones[zone] = scars.ScarCounts(**sections)
        return scars.Assessment(qualitative_grade, zones=zones)

"""The forms before a course: the Fitzpatrick skin type and the course itself."""

from __future__ import annotations

from typing import Any

from django import forms

from needlepoint.domain.knowledge import Knowledge
from needlepoint.domain.knowledge.model.planning import COURSE_SESSIONS, INTERVAL_WEEKS
from needlepoint.domain.planning import CoursePlan
from needlepoint.web.forms.shared import DATETIME, SKIN_TYPE_CHOICES


class FitzpatrickForm(forms.Form):
    """The patient's Fitzpatrick skin type, asked for before a plan (none is assumed)."""

    fitzpatrick = forms.TypedChoiceField(
        coerce=int,
        choices=[("", "—"), *SKIN_TYPE_CHOICES],
        label="Fitzpatrick skin type",
        help_text="I (always burns) to VI (never burns). Saved to the patient's record.",
    )


class CourseForm(forms.Form):
    """The practitioner's course, pre-filled from the plan; each zone's depth is bounded by
    the plan's limit for it, with the reasons that limit is lower than asked."""

    sessions_planned = forms.IntegerField(
        min_value=COURSE_SESSIONS.min, max_value=COURSE_SESSIONS.max, label="Number of sessions"
    )
    interval_weeks = forms.IntegerField(
        min_value=INTERVAL_WEEKS.min, max_value=INTERVAL_WEEKS.max, label="Weeks between sessions"
    )
    price_per_session = forms.DecimalField(min_value=0, max_digits=10, decimal_places=2)
    first_session_at = forms.DateTimeField(widget=DATETIME, label="First session")
    adjuncts = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, knowledge: Knowledge, plan: CoursePlan, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["adjuncts"].choices = [  # type: ignore[attr-defined]
            (rule.code, rule.code.replace("_", " ")) for rule in knowledge.adjuncts
        ]
        if plan.minimum_interval_weeks:
            interval = self.fields["interval_weeks"]
            interval.help_text = f"At least {plan.minimum_interval_weeks} weeks in this plan."
        self.zone_names = list(plan.zones)
        for zone, zone_plan in plan.zones.items():
            depth, passes = zone_plan.depth_range_mm, zone_plan.passes
            notes = " ".join(reason.text for reason in zone_plan.reasons)
            self.fields[f"zones.{zone}.depth_mm"] = forms.FloatField(
                label=f"{knowledge.zones[zone].label} depth (mm)",
                widget=forms.NumberInput(
                    attrs={"min": 0.05, "max": zone_plan.depth_limit_mm, "step": 0.05}
                ),
                help_text=(
                    f"Suggested {depth.min:g}-{depth.max:g} mm, {passes.min}-{passes.max} "
                    f"passes; at most {zone_plan.depth_limit_mm:g} mm. {notes}"
                ).strip(),
            )

    def course(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        zones = {zone: {"depth_mm": data.pop(f"zones.{zone}.depth_mm")} for zone in self.zone_names}
        return {**data, "zones": zones}

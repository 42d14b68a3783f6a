"""Forms built from the clinical knowledge: intake questions, scar counts, plan, chart."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django import forms
from django.db.models import Q

from needlepoint.clinics.models import Clinic
from needlepoint.clinics.services import CLINIC_FIELDS
from needlepoint.courses.models import Session
from needlepoint.domain.knowledge import Knowledge
from needlepoint.domain.knowledge.model import CountScale, Question, QuestionKind, Window
from needlepoint.domain.planning import CoursePlan
from needlepoint.domain.screening import NEVER, missing_answers
from needlepoint.safety.models import Lot

YES_NO = [("", "Not answered"), ("yes", "Yes"), ("no", "No")]
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _question_field(question: Question, initial: object) -> tuple[forms.Field, object]:
    """A form field for one intake question and its initial value from an earlier answer."""
    label = question.text
    if question.kind is QuestionKind.BOOLEAN:
        field = forms.ChoiceField(
            label=label, choices=YES_NO, required=False, widget=forms.RadioSelect
        )
        return field, {True: "yes", False: "no"}.get(initial, "")  # type: ignore[call-overload]
    if question.kind is QuestionKind.CHOICE:
        choices = [("", "Not answered"), *((c, c.capitalize()) for c in question.choices)]
        return forms.ChoiceField(label=label, choices=choices, required=False), initial or ""
    low, high = question.minimum, question.maximum
    if question.kind is QuestionKind.INTEGER:
        integer = forms.IntegerField(
            label=label,
            required=False,
            min_value=None if low is None else int(low),
            max_value=None if high is None else int(high),
        )
        return integer, initial
    number = forms.FloatField(label=label, required=False, min_value=low, max_value=high)
    if question.kind is QuestionKind.MONTHS_AGO:
        number.help_text = f"Or give the date, or tick “{question.never}”: only one of them."
        return number, None  # a previous answer is kept as its date (or never): see below
    return number, initial


def _alternatives(question: Question, previous: object) -> dict[str, tuple[forms.Field, object]]:
    """A months_ago question's other answers: the date of the event, or never."""
    return {
        f"{question.name}_date": (
            forms.DateField(
                label="Or the date",
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
                help_text="An approximate date is fine; it is kept so the months count on.",
            ),
            previous if isinstance(previous, str) and previous != NEVER else None,
        ),
        f"{question.name}_{NEVER}": (
            forms.BooleanField(label=question.never or NEVER, required=False),
            previous == NEVER,
        ),
    }


class IntakeForm(forms.Form):
    """The intake questions of the knowledge, in its order; unanswered stays unanswered.
    Given the previous intake's answers, it starts from them and marks each required question
    they leave unanswered (e.g. one added since) so that it is asked now."""

    def __init__(
        self,
        knowledge: Knowledge,
        *args: Any,
        answers: Mapping[str, object] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = knowledge.questions
        previous = answers or {}
        self.unanswered = missing_answers(previous, knowledge) if previous else ()
        for question in self.questions:
            fields = {question.name: _question_field(question, previous.get(question.name))}
            if question.kind is QuestionKind.MONTHS_AGO:
                fields |= _alternatives(question, previous.get(question.name))
            if question.name in self.unanswered:
                field = fields[question.name][0]
                field.help_text = f"Not answered before: please answer. {field.help_text}".strip()
            for name, (field, initial) in fields.items():
                self.fields[name] = field
                self.initial[name] = initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for question in self.questions:
            if question.kind is QuestionKind.MONTHS_AGO and len(self._given(question, data)) > 1:
                self.add_error(
                    question.name,
                    f"Give the months, the date or “{question.never}”, not more than one.",
                )
        return data

    def _given(self, question: Question, data: Mapping[str, Any]) -> list[object]:
        """A months_ago question's answers that were filled in: months, date, never."""
        answers = (
            data.get(question.name),
            data.get(f"{question.name}_date"),
            NEVER if data.get(f"{question.name}_{NEVER}") else None,
        )
        return [answer for answer in answers if answer is not None]

    def answers(self) -> dict[str, object]:
        """The rules engine's intake JSON: absent means unanswered; a months_ago answer is
        the months, the ISO date or "never"."""
        data = self.cleaned_data
        result: dict[str, object] = {}
        for question in self.questions:
            value = data.get(question.name)
            if question.kind is QuestionKind.MONTHS_AGO:
                given = self._given(question, data)
                if given:
                    [value] = given
                    result[question.name] = value.isoformat() if isinstance(value, date) else value
            elif question.kind is QuestionKind.BOOLEAN and value:
                result[question.name] = value == "yes"
            elif value not in (None, ""):
                result[question.name] = value
        return result


def assessment_field_name(scale: str, zone: str, item: str) -> str:
    return f"{scale}__{zone}__{item}"


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
                    self.fields[assessment_field_name(scale_name, zone, item)] = forms.IntegerField(
                        label=row.label, required=False, min_value=0, max_value=10_000
                    )
                if scale.area:
                    area = assessment_field_name(scale_name, zone, f"{scale.area.name}_area_cm2")
                    self.fields[area] = forms.FloatField(
                        label=scale.area.label, required=False, min_value=0, max_value=2000
                    )

    def scales(self) -> list[tuple[str, CountScale]]:
        return [("goodman_baron", self.knowledge.goodman_baron), ("ecca", self.knowledge.ecca)]

    def zone_rows(self) -> list[tuple[str, list[tuple[str, list[forms.BoundField]]]]]:
        """(zone label, [(scale title, fields)]) for the template."""
        rows = []
        for zone_name, zone in self.knowledge.zones.items():
            scales = []
            for scale_name, scale in self.scales():
                prefix = f"{scale_name}__{zone_name}__"
                scales.append((scale.title, [self[n] for n in self.fields if n.startswith(prefix)]))
            rows.append((zone.label, scales))
        return rows

    def zones(self) -> dict[str, dict[str, object]]:
        """Counts per zone in the rules engine's shape, leaving out empty zones and scales."""
        zones: dict[str, dict[str, Any]] = {}
        for name, value in self.cleaned_data.items():
            if "__" not in name or value in (None, 0):
                continue
            scale, zone, item = name.split("__")
            section = zones.setdefault(zone, {}).setdefault(scale, {})
            if item.endswith("_area_cm2"):
                section[item] = value
            else:
                section.setdefault("counts", {})[item] = value
        return zones


class FitzpatrickForm(forms.Form):
    """The patient's Fitzpatrick skin type, asked for before a plan (none is assumed)."""

    fitzpatrick = forms.TypedChoiceField(
        coerce=int,
        choices=[("", "—"), *((n, f"Type {n}") for n in range(1, 7))],
        label="Fitzpatrick skin type",
        help_text="I (always burns) to VI (never burns). Saved to the patient's record.",
    )


class CoursePlanForm(forms.Form):
    """The practitioner's course, pre-filled from the plan; each zone's depth is bounded by
    the plan's limit for it, with the reasons that limit is lower than asked."""

    sessions_planned = forms.IntegerField(min_value=1, max_value=12, label="Number of sessions")
    interval_weeks = forms.IntegerField(min_value=1, max_value=52, label="Weeks between sessions")
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
            depth, passes = zone_plan.depth_mm, zone_plan.passes
            notes = " ".join(reason.text for reason in zone_plan.reasons)
            self.fields[f"depth__{zone}"] = forms.FloatField(
                label=f"{knowledge.zones[zone].label} depth (mm)",
                widget=forms.NumberInput(
                    attrs={"min": 0.05, "max": zone_plan.limit_mm, "step": 0.05}
                ),
                help_text=(
                    f"Suggested {depth.min:g}-{depth.max:g} mm, {passes.min}-{passes.max} "
                    f"passes; at most {zone_plan.limit_mm:g} mm. {notes}"
                ).strip(),
            )

    def plan(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        depths = {zone: data.pop(f"depth__{zone}") for zone in self.zone_names}
        return {**data, "zone_depths_mm": depths}


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
            self.fields[f"depth__{zone}"] = forms.FloatField(
                label=f"{label} depth (mm)",
                required=False,
                widget=forms.NumberInput(attrs={"min": 0, "max": deepest, "step": 0.05}),
                help_text=f"At most {deepest:g} mm",
            )
            self.fields[f"passes__{zone}"] = forms.IntegerField(
                label=f"{label} passes",
                required=False,
                widget=forms.NumberInput(attrs={"min": passes.min, "max": passes.max}),
            )

    def chart(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        zones = {}
        for zone in self.zone_names:
            depth, passes = data.pop(f"depth__{zone}"), data.pop(f"passes__{zone}")
            if depth:
                zones[zone] = {"depth_mm": depth, "passes": passes}
        data["zones"] = zones
        data["adjuncts"] = [a.strip() for a in data["adjuncts"].split(",") if a.strip()]
        data["product_lots"] = list(data["product_lots"])
        return data


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
            self.fields[f"limit__{name}"] = forms.FloatField(
                label=f"{zone.label}: depth limit (mm)",
                required=False,
                min_value=0.1,
                max_value=knowledge.max_device_depth_mm,
                help_text=f"Default {zone.limit_mm:g} mm",
            )
            self.initial[f"limit__{name}"] = saved.get("depth_limits_mm", {}).get(name)
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

    def overrides(self) -> dict[str, Any]:
        """The overrides JSON the rules engine reads (only what differs from the defaults)."""
        data = self.cleaned_data
        result: dict[str, Any] = {}
        if data.get("price_per_session") is not None:
            result["price_per_session"] = {
                "amount": float(data["price_per_session"]),
                "currency": data["currency"],
            }
        limits = {z: data[f"limit__{z}"] for z in self.knowledge.zones if data.get(f"limit__{z}")}
        if limits:
            result["depth_limits_mm"] = limits
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
        return result

    def details(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

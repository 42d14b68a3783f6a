"""The intake form, built from the questions of the clinical knowledge."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django import forms

from needlepoint.clinics.knowledge import validation_error
from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.knowledge import Knowledge
from needlepoint.domain.knowledge.model.contraindications import Question, QuestionKind
from needlepoint.domain.screening import NEVER, Intake, missing_answers, read_answer

YES_NO = [("", "Not answered"), ("yes", "Yes"), ("no", "No")]


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

    def _answered(self) -> dict[Question, object]:
        """Each answered question's value as the form holds it: a boolean, a number, a
        choice; for a months_ago question the months, the date or "never"."""
        data = self.cleaned_data
        answered: dict[Question, object] = {}
        for question in self.questions:
            value = data.get(question.name)
            if question.kind is QuestionKind.MONTHS_AGO:
                given = self._given(question, data)
                if given:
                    [answered[question]] = given
            elif question.kind is QuestionKind.BOOLEAN and value:
                answered[question] = value == "yes"
            elif value not in (None, ""):
                answered[question] = value
        return answered

    def answers(self) -> dict[str, object]:
        """The answers as given, as JSON (absent means unanswered; a date in ISO form)."""
        return {
            question.name: value.isoformat() if isinstance(value, date) else value
            for question, value in self._answered().items()
        }

    def intake(self, on: date) -> Intake:
        """The answers as the rules engine takes them on the day `on` (months become the
        event's date); one it refuses, e.g. a date after `on`, is an error on its field."""
        try:
            answers = {q.name: read_answer(v, q, on) for q, v in self._answered().items()}
        except InvalidInput as error:
            raise validation_error(error) from None
        return Intake(answers, given=self.answers())

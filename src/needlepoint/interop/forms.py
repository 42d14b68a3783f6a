"""The clinic's forms, the intakes and check-ins filled in, and the screenings, as mapper
inputs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import F, QuerySet

from needlepoint.checkins.models import CheckIn
from needlepoint.clinics.models import Clinic
from needlepoint.domain.knowledge import Knowledge
from needlepoint.domain.knowledge.model.contraindications import QuestionKind
from needlepoint.domain.knowledge.model.recovery import SymptomKind
from needlepoint.fhir import ids
from needlepoint.fhir.mappers import provenance, questionnaire, screening
from needlepoint.intakes.models import Intake, Screening
from needlepoint.interop.clinical import has_procedure, session_id
from needlepoint.interop.refs import USER_ROLES, person, with_person

INTAKE_FORMS = {
    Intake.Context.INITIAL: ("intake", "Medical history"),
    Intake.Context.PRE_SESSION: ("pre-session-intake", "Before a session: anything changed?"),
}
CHECKIN_FORM = "checkin"
KINDS = {
    QuestionKind.BOOLEAN: "boolean",
    QuestionKind.INTEGER: "integer",
    QuestionKind.NUMBER: "decimal",
    QuestionKind.CHOICE: "open-choice",
    QuestionKind.MONTHS_AGO: "open-choice",  # the date of the event, or "never"
}


def forms(knowledge: Knowledge) -> Iterator[questionnaire.Form]:
    questions = tuple(
        questionnaire.FormItem(
            question.name,
            question.text,
            KINDS[question.kind],
            question.choices or (("never",) if question.kind is QuestionKind.MONTHS_AGO else ()),
        )
        for question in knowledge.questions
    )
    for name, title in INTAKE_FORMS.values():
        yield questionnaire.Form(name, title, questions)
    symptoms = tuple(
        questionnaire.FormItem(
            name,
            course.label,
            "integer" if course.kind is SymptomKind.SCALE else "boolean",
        )
        for name, course in knowledge.recovery.items()
    )
    note = questionnaire.FormItem("note", "Anything else?", "string")
    yield questionnaire.Form(CHECKIN_FORM, "Recovery check-in", (*symptoms, note))


def _answers(values: dict[str, Any]) -> dict[str, questionnaire.Answer]:
    return {name: value for name, value in values.items() if value is not None}


# Intakes and screenings are read as named tuples of what their resources map (not, e.g.,
# which answers were given when): after sessions they are a clinic's most numerous records.
def intake_rows(clinic: Clinic) -> QuerySet[Intake, Any]:
    rows = with_person(Intake.objects.filter(clinic=clinic), "recorded_by", clinic.pk)
    fields = ("pk", "patient_id", "context", "version", "recorded_at", "answers")
    people = ("recorded_by_id", *(f"recorded_by_{role}" for role in USER_ROLES))
    return rows.values_list(*fields, *people, named=True)


def intake_inputs(record: Any, clinic: Clinic) -> Iterator[object]:
    intake_id = ids.of("intake", record.pk)
    author = person(record, "recorded_by")
    yield questionnaire.FormResponse(
        id=intake_id,
        form=INTAKE_FORMS[Intake.Context(record.context)][0],
        patient_id=str(record.patient_id),
        author=author,
        authored=record.recorded_at,
        answers=_answers(record.answers),
        version=record.version,
    )
    yield provenance.Record(
        ids.part(intake_id, "provenance"),
        (("QuestionnaireResponse", intake_id),),
        record.recorded_at,
        (provenance.Agent("author", author),),
    )


def screening_rows(clinic: Clinic) -> QuerySet[Screening, Any]:
    fields = ("pk", "patient_id", "intake_id", "screened_at", "verdict", "findings")
    return Screening.objects.filter(clinic=clinic).values_list(*fields, named=True)


def screening_inputs(record: Any, clinic: Clinic) -> Iterator[object]:
    yield screening.Screening(
        id=ids.of("screening", record.pk),
        patient_id=str(record.patient_id),
        intake_id=ids.of("intake", record.intake_id),
        screened_at=record.screened_at,
        verdict=record.verdict,
        findings=tuple(
            screening.Finding(str(f["code"]), str(f["severity"]), str(f["message"]))
            for f in record.findings
        ),
    )


def checkin_rows(clinic: Clinic) -> QuerySet[CheckIn]:
    # The session's status, not its row; not the stored triage, which the response does not
    # carry (an import triages the answers again, ADR 30).
    rows = CheckIn.objects.filter(clinic=clinic).annotate(session_status=F("session__status"))
    return rows.defer("triage")


def checkin_inputs(record: CheckIn, clinic: Clinic) -> Iterator[object]:
    checkin_id = ids.of("checkin", record.pk)
    answers = {**record.symptoms, **({"note": record.note} if record.note else {})}
    yield questionnaire.FormResponse(
        id=checkin_id,
        form=CHECKIN_FORM,
        patient_id=str(record.patient_id),
        author=("Patient", str(record.patient_id)),
        authored=record.reported_at,
        answers=_answers(answers),
        procedure_id=session_id(record.session_id)
        if has_procedure(record.session_status)  # type: ignore[attr-defined]  # checkin_rows
        else None,
    )

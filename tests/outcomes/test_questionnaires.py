"""A clinic's own questionnaire: loaded from the command line (refused naming the element
when it cannot be scored), asked in the portal beside the built-in measures and scored like
them; once answered, its scoring cannot change under the same name."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from click.testing import CliRunner
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from needlepoint.cli.main import cli
from needlepoint.fhir.instrument import questionnaire_measure
from needlepoint.outcomes import selectors
from needlepoint.outcomes.models import Questionnaire
from needlepoint.outcomes.services import questionnaire_load
from needlepoint.safety.models import AuditEvent
from needlepoint.web.forms.outcomes import MeasuresForm
from tests.clinical_data import planned_course
from tests.conftest import as_actor, signed_in
from tests.questionnaires import skin_mood


def _load(clinic, resource, tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "questionnaire.json"
    path.write_text(json.dumps(resource))
    return CliRunner().invoke(cli, ["questionnaire", "load", "--clinic", clinic.slug, str(path)])


def test_a_loaded_questionnaire_is_asked_and_scored_like_the_built_in_measures(
    clinic, practitioner, portal_patient, tmp_path
):
    loaded = _load(clinic, skin_mood(), tmp_path)
    assert loaded.exit_code == 0, loaded.output
    assert "questionnaire skin_mood: Skin mood (made-up test instrument) (loaded" in loaded.output
    assert AuditEvent.objects.filter(action="questionnaire.load", clinic_id=clinic.pk).exists()
    start = timezone.now() + timedelta(days=2)
    course = planned_course(as_actor(practitioner), portal_patient.pk, first_session_at=start)
    client = signed_in(portal_patient)
    url = f"/portal/questions/{course.pk}/baseline/"
    form = client.get(url).content.decode()
    assert "How often did mirrors upset you?" in form
    answers = {"scar_bother.scar_bother": "5", "skin_mood.hide": "often"}
    missing = client.post(url, answers).content.decode()
    assert "How often did mirrors upset you?" in missing  # the question named in the error
    assert client.post(url, {**answers, "skin_mood.mirror": "never"}).status_code == 302
    scores = {s.measure: s for s in selectors.course_scores(clinic.pk, course.pk)}
    assert scores["skin_mood"].value == 50  # raw 2, through the table
    assert (scores["skin_mood"].maximum, scores["skin_mood"].sources) == (
        100,
        ("clinic-instrument",),
    )
    changed = skin_mood()
    changed["item"][1]["item"].pop()
    with pytest.raises(ValidationError, match="cannot change"):
        questionnaire_load(clinic, changed)


def test_a_questionnaire_that_cannot_be_scored_is_one_line_and_nothing_is_stored(clinic, tmp_path):
    broken = skin_mood()
    del broken["item"][1]["item"][0]["answerOption"][0]["extension"]
    refused = _load(clinic, broken, tmp_path)
    assert refused.exit_code == 2
    assert refused.output.strip() == (
        "needlepoint: error: Questionnaire.item[1].item[0].answerOption[0]: needs its score: "
        "an extension http://hl7.org/fhir/StructureDefinition/ordinalValue with a valueDecimal"
    )
    assert not Questionnaire.objects.exists()


def test_a_wide_whole_number_item_is_a_number_box_and_a_short_one_a_row_of_buttons() -> None:
    resource = skin_mood()
    resource["item"][1]["item"].append(
        {
            "linkId": "days",
            "text": "On how many of the last 30 days?",
            "type": "integer",
            "extension": [
                {"url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueInteger": 0},
                {"url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueInteger": 30},
            ],
        }
    )
    for entry in resource["extension"][:]:
        if entry["url"].endswith("score-table"):
            resource["extension"].remove(entry)
    measure = questionnaire_measure(resource)
    form = MeasuresForm([measure], {"skin_mood.hide": "often", "skin_mood.days": "12"})
    assert form.is_valid()
    assert isinstance(form.fields["skin_mood.days"], forms.IntegerField)
    assert form.scales == []  # choices and a number box: no 0-10 row
    assert form.answers() == {"skin_mood": {"hide": "often", "days": 12}}


def test_a_clinic_admin_loads_a_questionnaire_on_the_settings_page(admin, practitioner):
    client, url = signed_in(admin), "/clinic/questionnaires/"
    broken = skin_mood()
    broken["extension"] = [e for e in broken["extension"] if not e["url"].endswith("better")]
    refused = client.post(url, {"file": _upload(broken)}).content.decode()
    assert "Questionnaire: say whether a higher or lower score is better" in refused
    assert not Questionnaire.objects.exists()
    assert client.post(url, {"file": _upload(skin_mood())}).status_code == 302
    page = client.get(url).content.decode()
    assert "Skin mood (made-up test instrument)" in page
    assert Questionnaire.objects.get().clinic_id == admin.clinic_id  # the admin's clinic's
    assert signed_in(practitioner).get(url).status_code == 403


def _upload(resource):  # type: ignore[no-untyped-def]
    return SimpleUploadedFile("q.json", json.dumps(resource).encode(), "application/json")

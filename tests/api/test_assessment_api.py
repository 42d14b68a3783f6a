"""Assessments through the API take what `needlepoint score` reads (counts for the whole face
or per zone) and give the scores it prints."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.test import Client

from needlepoint.accounts.tokens import token_create
from needlepoint.cli.main import cli
from tests.conftest import signed_in

JSON = "application/json"
GOLDEN = Path(__file__).resolve().parents[1] / "cli" / "golden"


@pytest.fixture
def api(practitioner) -> Client:  # type: ignore[no-untyped-def]
    _, raw = token_create(practitioner.user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _record(api: Client, patient: Any, counts: dict[str, Any]) -> Any:
    body = {**counts, "scar_types": ["boxcar", "rolling"]}
    return api.post(f"/api/v1/patients/{patient.pk}/assessments", body, content_type=JSON)


@pytest.mark.parametrize("case", ["score-whole-face.json", "score-per-zone.json"])
def test_the_score_input_gives_the_scores_the_cli_prints(case, api, patient, tmp_path):  # type: ignore[no-untyped-def]
    score_file = tmp_path / "assessment.json"
    score_file.write_text(json.dumps(json.loads((GOLDEN / case).read_text())["input"]))
    printed = CliRunner().invoke(cli, ["score", str(score_file)])
    assert printed.exit_code == 0, printed.output
    counts = json.loads(score_file.read_text())
    response = _record(api, patient, counts)
    assert response.status_code == 201, response.content
    recorded = response.json()
    assert recorded["scores"] == json.loads(printed.stdout)
    for section in ("goodman_baron", "ecca", "zones"):
        assert recorded[section] == counts.get(section, {} if section == "zones" else None)


def test_bad_counts_name_the_field(api, patient):  # type: ignore[no-untyped-def]
    counts = {"left_cheek": {"goodman_baron": {"counts": {"moderate_atrophic": -1}}}}
    response = _record(api, patient, {"qualitative_grade": 3, "zones": counts})
    assert response.status_code == 422
    fields = [error["field"] for error in response.json()["errors"]]
    assert "zones.left_cheek.goodman_baron.counts.moderate_atrophic" in fields


@pytest.mark.parametrize(
    ("counts", "field"),
    [
        ({"qualitative_grade": 5, "ecca": {"counts": {"boxcar": 1}}}, "qualitative_grade"),
        ({"qualitative_grade": 2, "ecca": {"counts": {"pits": 1}}}, "ecca.counts.pits"),
        ({"qualitative_grade": 2, "ecca": {"counts": {"boxcar": 1.5}}}, "ecca.counts.boxcar"),
        ({"qualitative_grade": 2, "zones": {"forehead_top": {}}}, "zones.forehead_top"),
    ],
)
def test_what_the_cli_refuses_is_a_422_naming_the_field(api, patient, counts, field):  # type: ignore[no-untyped-def]
    response = _record(api, patient, counts)
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_counts_for_the_whole_face_and_per_zone_at_once_are_refused(api, patient):  # type: ignore[no-untyped-def]
    both = {"qualitative_grade": 2, "ecca": {"counts": {"boxcar": 1}}, "zones": {}}
    response = _record(api, patient, both)
    assert response.status_code == 422
    assert "whole face, or per zone" in response.json()["detail"]


def test_whole_face_counts_show_on_the_assessment_page(api, practitioner, patient):  # type: ignore[no-untyped-def]
    counts = {"qualitative_grade": 2, "ecca": {"counts": {"boxcar": 4}}}
    recorded = _record(api, patient, counts).json()
    page = signed_in(practitioner).get(f"/assessments/{recorded['id']}/").content.decode()
    assert "Whole face" in page
    assert "boxcar: 4" in page

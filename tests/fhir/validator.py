"""The two independent FHIR R4 validators (tools/fhir-validate, installed by scripts/bootstrap),
run once over a whole set of resources: required under CI=true, otherwise skipped if Node or
the validators are not installed."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from tests.services import require

TOOL = Path(__file__).resolve().parents[2] / "tools" / "fhir-validate"
# @medplum/core 4.5.2 fails RiskAssessment's ras-2 ("probability is decimal implies (probability
# as decimal) <= 100") on a prediction without a probability, which the constraint allows (the
# same defect was fixed in HAPI's validator: hapifhir/org.hl7.fhir.core#623).
# In a Bundle the same message names the entry: `Bundle.entry[3].resource.prediction[0]`.
RAS_2 = re.compile(
    r"(?:Bundle\.entry\[(\d+)\]\.resource\.|RiskAssessment\.)prediction\[(\d+)\]: "
    r"Constraint ras-2 not met"
)


def _allowed(resource: dict[str, Any], message: str) -> bool:
    found = RAS_2.match(message)
    if found is None:
        return False
    if found.group(1) is not None and resource["resourceType"] == "Bundle":
        resource = resource["entry"][int(found.group(1))]["resource"]
    if resource["resourceType"] != "RiskAssessment":
        return False
    prediction = resource["prediction"][int(found.group(2))]
    return not any(key.startswith("probability") for key in prediction)


def validate(resources: list[dict[str, Any]]) -> dict[str, dict[str, list[str]]]:
    """{"Type/id": {"medplum": [...], "fhir": [...]}} for every resource either refused."""
    node = shutil.which("node")
    require(node is not None, "Node.js (for the FHIR validators)")
    require((TOOL / "node_modules" / "@medplum" / "core").is_dir(), "tools/fhir-validate (npm ci)")
    assert node is not None
    ndjson = "".join(json.dumps(resource) + "\n" for resource in resources)
    run = subprocess.run(
        [node, str(TOOL / "validate.mjs")],
        input=ndjson,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert lines, run.stderr
    summary = lines.pop()
    assert summary["checked"] == len(resources), (summary, run.stderr)
    by_key = {f"{r['resourceType']}/{r['id']}": r for r in resources}
    refused = {}
    for line in lines:
        resource = by_key[line["resource"]]
        medplum = [m for m in line["medplum"] if not _allowed(resource, m)]
        if medplum or line["fhir"]:
            refused[line["resource"]] = {"medplum": medplum, "fhir": line["fhir"]}
    return refused

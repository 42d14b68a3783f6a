"""Code systems: the standard ones used, and Needlepoint's own under one canonical base.

Needlepoint's CodeSystems live at `CANONICAL/CodeSystem/<name>` (to be served at
`/fhir/R4/CodeSystem/<name>`); `codesystems.py` builds the resources. The base is a constant,
not a setting: a code's meaning must not depend on which server exported it.
"""

from __future__ import annotations

from typing import Any

CANONICAL = "https://needlepoint.example/fhir"

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
BCP47 = "urn:ietf:bcp:47"
HL7 = "http://terminology.hl7.org/CodeSystem"
V2_IDENTIFIER_TYPE = f"{HL7}/v2-0203"
OBSERVATION_CATEGORY = f"{HL7}/observation-category"
CONDITION_CLINICAL = f"{HL7}/condition-clinical"
CONDITION_VERIFICATION = f"{HL7}/condition-ver-status"
CONDITION_CATEGORY = f"{HL7}/condition-category"
CONSENT_SCOPE = f"{HL7}/consentscope"
CONSENT_POLICY = f"{HL7}/consentpolicycodes"
AE_SERIOUSNESS = f"{HL7}/adverse-event-seriousness"
AE_SEVERITY = f"{HL7}/adverse-event-severity"
AE_OUTCOME = f"{HL7}/adverse-event-outcome"
PROVENANCE_AGENT_TYPE = f"{HL7}/provenance-participant-type"
DATA_OPERATION = f"{HL7}/v3-DataOperation"

# LOINC 59284-0 "Consent Document": the category FHIR's own Consent examples use.
CONSENT_DOCUMENT = ("59284-0", "Consent Document")
# SNOMED CT skin phototype findings, type I to VI (as published in HL7 implementation guides).
SKIN_PHOTOTYPE = {
    1: ("403221005", "Skin phototype I"),
    2: ("403222003", "Skin phototype II"),
    3: ("403226000", "Skin phototype III"),
    4: ("403231003", "Skin phototype IV"),
    5: ("403235007", "Skin phototype V"),
    6: ("403236008", "Skin phototype VI"),
}


def own(name: str) -> str:
    """The canonical URL of Needlepoint's CodeSystem `name`."""
    return f"{CANONICAL}/CodeSystem/{name}"


def identifier_system(kind: str) -> str:
    """The system of one of Needlepoint's identifiers (`clinic/<slug>/record-number`)."""
    return f"{CANONICAL}/identifier/{kind}"


def coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {"system": system, "code": code}
    if display:
        result["display"] = display
    return result


def concept(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    """A CodeableConcept of one coding."""
    return {"coding": [coding(system, code, display)]}

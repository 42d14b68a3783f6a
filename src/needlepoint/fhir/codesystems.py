"""Needlepoint's own CodeSystems as resources, so a receiver can resolve every code.

The codes the mapping itself defines are listed here; those that are the clinic's knowledge
or the app's choices (zones, scar types, adverse-event kinds...) are passed in by whoever
reads them, and `code_system_resources` refuses a code system it does not know."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from needlepoint.fhir.codes import CANONICAL, own
from needlepoint.fhir.errors import FhirMappingError
from needlepoint.fhir.json import Resource

# name: (title, the concepts the mapping defines, or None when they come from the app)
CODE_SYSTEMS: dict[str, tuple[str, dict[str, str] | None]] = {
    "observation": (
        "Needlepoint observations",
        {
            "fitzpatrick-skin-type": "Fitzpatrick skin type",
            "goodman-baron": "Goodman & Baron quantitative acne scar score",
            "ecca": "ECCA (échelle d'évaluation clinique des cicatrices d'acné) score",
            "qualitative-grade": "Goodman & Baron qualitative acne scar grade",
            "photo-zone-metrics": "Colour metrics of one zone of a photo",
            "treated-zone": "A zone treated in a session: needle depth and passes",
        },
    ),
    "condition": ("Needlepoint conditions", {"acne-scarring": "Acne scarring"}),
    "procedure": ("Needlepoint procedures", {"microneedling": "Microneedling"}),
    "risk-assessment": (
        "Needlepoint risk assessments",
        {"pre-treatment-screening": "Screening of the medical history before treatment"},
    ),
    "procedure-not-done-reason": (
        "Why a session was not done",
        {"session-cancelled": "The session was cancelled"},
    ),
    "lot-safety": ("Safety status of a lot", {"recalled": "Recalled by its supplier"}),
    "measurement-method": (
        "How photo metrics are measured",
        {
            "cielab-srgb-d65": "Means over the zone's unclipped pixels in CIELAB from sRGB, "
            "D65 white, 2-degree observer; ITA from the mean L* and b*",
        },
    ),
    "photo-metric": (
        "Photo metrics",
        {
            "l-star": "L* (CIELAB lightness)",
            "a-star": "a* (CIELAB red-green)",
            "b-star": "b* (CIELAB yellow-blue)",
            "ita": "Individual typology angle (ITA°)",
            "spot-count": "Number of dark spots",
            "pixels": "Pixels measured",
        },
    ),
    "treatment-metric": (
        "Treatment settings per zone",
        {"depth": "Needle depth", "passes": "Number of passes"},
    ),
    "staff-role": ("Staff roles", None),
    "zone": ("Face zones", None),
    "scar-type": ("Acne scar types", None),
    "goodman-baron-row": ("Goodman & Baron quantitative scale rows", None),
    "ecca-item": ("ECCA scale items", None),
    "qualitative-grade": ("Goodman & Baron qualitative grades", None),
    "adjunct": ("Adjuncts to microneedling", None),
    "device-kind": ("Microneedling devices", None),
    "endpoint": ("Clinical endpoints of a session", None),
    "lot-kind": ("Kinds of lot", None),
    "consent-kind": ("Kinds of consent", None),
    "photo-use": ("Uses of photographs a patient may consent to", None),
    "photo-pose": ("Photo poses", None),
    "adverse-event": ("Adverse events after microneedling", None),
    "screening-verdict": ("Screening verdicts", None),
    "screening-finding": ("Screening findings", None),
    "finding-severity": ("Severity of a screening finding", None),
}


def _name(system: str) -> str:
    """CodeSystem.name: a computer-friendly name, `[A-Z][A-Za-z0-9_]*` (FHIR's csd-0)."""
    return "".join(part.capitalize() for part in system.split("-"))


def code_system_resources(app_concepts: Mapping[str, Mapping[str, str]]) -> Iterator[Resource]:
    """Every CodeSystem: the mapping's own concepts, and `app_concepts` for the rest."""
    unknown = set(app_concepts) - set(CODE_SYSTEMS)
    if unknown:
        raise FhirMappingError("CodeSystem", f"unknown code systems: {', '.join(sorted(unknown))}")
    for system, (title, defined) in CODE_SYSTEMS.items():
        concepts = defined if defined is not None else app_concepts.get(system)
        if not concepts:
            raise FhirMappingError(f"CodeSystem/{system}", "needs its concepts")
        yield {
            "resourceType": "CodeSystem",
            "id": system,
            "url": own(system),
            "name": _name(system),
            "title": title,
            "status": "active",
            "publisher": f"Needlepoint ({CANONICAL})",
            "caseSensitive": True,
            "content": "complete",
            "count": len(concepts),
            "concept": [{"code": code, "display": display} for code, display in concepts.items()],
        }

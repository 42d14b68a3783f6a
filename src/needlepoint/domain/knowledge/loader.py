"""Read the knowledge files and build a validated `Knowledge`.

`build_knowledge` is pure (parsed TOML in, `Knowledge` out) so tests can feed it broken
documents; `load_knowledge` reads the package's own files once. Each document has its reader
in `reading/`, named like the file.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from importlib import resources

from needlepoint.domain.errors import InvalidInput, KnowledgeError
from needlepoint.domain.knowledge.model import Knowledge
from needlepoint.domain.knowledge.model.measures import CLINIC_INSTRUMENT_SOURCE
from needlepoint.domain.knowledge.model.planning import CLINIC_PRICE_SOURCE
from needlepoint.domain.knowledge.reading.aftercare import read_aftercare
from needlepoint.domain.knowledge.reading.analytics import read_analytics
from needlepoint.domain.knowledge.reading.charting import read_appointment_times, read_charting
from needlepoint.domain.knowledge.reading.common import Document, Terms
from needlepoint.domain.knowledge.reading.contraindications import read_screening
from needlepoint.domain.knowledge.reading.measures import read_measures
from needlepoint.domain.knowledge.reading.outcomes import read_outcomes
from needlepoint.domain.knowledge.reading.planning import read_planning
from needlepoint.domain.knowledge.reading.recovery import read_recovery
from needlepoint.domain.knowledge.reading.scar_scales import read_scales
from needlepoint.domain.knowledge.reading.sources import Cite, read_sources
from needlepoint.domain.knowledge.reading.zones import read_zones

DOCUMENTS = (
    "sources.toml",
    "contraindications.toml",
    "scar_scales.toml",
    "zones.toml",
    "planning.toml",
    "aftercare.toml",
    "recovery.toml",
    "outcomes.toml",
    "charting.toml",
    "measures.toml",
    "analytics.toml",
)


@functools.cache
def load_knowledge() -> Knowledge:
    """The knowledge shipped with the package (read once)."""
    return build_knowledge(read_documents())


def read_documents() -> dict[str, Document]:
    package = resources.files(__package__)
    documents: dict[str, Document] = {}
    for name in DOCUMENTS:
        try:
            documents[name] = tomllib.loads(package.joinpath(name).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise KnowledgeError(name, str(error)) from None
    return documents


def build_knowledge(documents: Mapping[str, Document]) -> Knowledge:
    with _reading(documents, "sources.toml") as document:
        sources = read_sources(document)
        for required in (CLINIC_PRICE_SOURCE, CLINIC_INSTRUMENT_SOURCE):
            if required not in sources:
                raise KnowledgeError("sources.toml", f"{required!r} must be defined")
    cite = Cite(frozenset(sources))
    with _reading(documents, "contraindications.toml") as document:
        questions, rules = read_screening(document, cite)
    with _reading(documents, "scar_scales.toml") as document:
        qualitative, goodman_baron, ecca = read_scales(document, cite)
    grades = [grade.grade for grade in qualitative.grades]
    with _reading(documents, "zones.toml") as document:
        max_depth, zones = read_zones(document, grades, cite)
    findings = [rule.code for rule in rules]
    terms = Terms(grades=grades, zones=zones, findings=findings)
    with _reading(documents, "planning.toml") as document:
        scar_types, course, adjuncts, notes = read_planning(document, terms, cite)
    terms = replace(terms, scar_types=list(scar_types))
    with _reading(documents, "aftercare.toml") as document:
        aftercare, after_sunset = read_aftercare(document, cite)
    with _reading(documents, "recovery.toml") as document:
        recovery, checkins, worsening, advice = read_recovery(document, findings, cite)
    with _reading(documents, "outcomes.toml") as document:
        outcomes, progress = read_outcomes(document, terms, cite)
    with _reading(documents, "charting.toml") as document:
        charting = read_charting(document, cite)
        appointment_times = read_appointment_times(document, cite)
    with _reading(documents, "measures.toml") as document:
        measures = read_measures(document, cite)
    with _reading(documents, "analytics.toml") as document:
        analytics = read_analytics(document, max_depth, cite)
    return Knowledge(
        sources=sources,
        questions=questions,
        screening_rules=rules,
        qualitative=qualitative,
        goodman_baron=goodman_baron,
        ecca=ecca,
        device_max_depth_mm=max_depth,
        zones=zones,
        scar_types=scar_types,
        course=course,
        adjuncts=adjuncts,
        plan_notes=notes,
        aftercare=aftercare,
        after_sunset=after_sunset,
        recovery=recovery,
        checkins=checkins,
        worsening=worsening,
        advice=advice,
        outcomes=outcomes,
        progress=progress,
        charting=charting,
        appointment_times=appointment_times,
        measures=measures,
        analytics=analytics,
    )


@contextmanager
def _reading(documents: Mapping[str, Document], name: str) -> Iterator[Document]:
    """The document `name`; any invalid value in it becomes a KnowledgeError naming the file."""
    if name not in documents:
        raise KnowledgeError(name, "file is missing")
    try:
        yield documents[name]
    except InvalidInput as error:
        raise KnowledgeError(name, str(error)) from None

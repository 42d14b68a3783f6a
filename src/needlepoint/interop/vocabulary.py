"""The concepts of Needlepoint's CodeSystems that are the app's knowledge and choices."""

from __future__ import annotations

from needlepoint.adverse_events.models import AdverseEvent
from needlepoint.clinics.roles import STAFF_ROLES
from needlepoint.courses.models import Session
from needlepoint.domain.knowledge import Knowledge
from needlepoint.domain.knowledge.model.contraindications import Severity
from needlepoint.domain.screening import Verdict
from needlepoint.imaging import POSES
from needlepoint.patients.models import ConsentKind, PhotoUse
from needlepoint.safety.models import LotKind


def app_concepts(knowledge: Knowledge) -> dict[str, dict[str, str]]:
    gb, ecca = knowledge.goodman_baron, knowledge.ecca
    return {
        "staff-role": {role.value: role.label for role in STAFF_ROLES},
        "zone": {name: zone.label for name, zone in knowledge.zones.items()},
        "scar-type": {name: kind.label for name, kind in knowledge.scar_types.items()},
        "goodman-baron-row": {
            **{name: item.label for name, item in gb.items.items()},
            **({gb.area.name: gb.area.label} if gb.area else {}),
        },
        "ecca-item": {name: item.label for name, item in ecca.items.items()},
        "qualitative-grade": {str(g.grade): g.level for g in knowledge.qualitative.grades},
        "adjunct": {rule.code: rule.text for rule in knowledge.adjuncts},
        "device-kind": dict(Session.Device.choices),
        "endpoint": dict(Session.Endpoint.choices),
        "lot-kind": dict(LotKind.choices),
        "consent-kind": dict(ConsentKind.choices),
        "photo-use": dict(PhotoUse.choices),
        "photo-pose": {pose: pose.replace("_", " ").capitalize() for pose in POSES},
        "adverse-event": dict(AdverseEvent.Kind.choices),
        "screening-verdict": {verdict.value: verdict.label for verdict in Verdict},
        "screening-finding": {rule.code: rule.message for rule in knowledge.screening_rules},
        "finding-severity": {severity.value: severity.value.capitalize() for severity in Severity},
    }

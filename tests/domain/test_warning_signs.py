"""Warning signs come from the knowledge's recovery courses and advice, unchanged."""

from __future__ import annotations

from needlepoint.domain.knowledge import load_knowledge
from needlepoint.domain.knowledge.model.recovery import Level
from needlepoint.domain.triage import PatientContext
from needlepoint.domain.warning_signs import warning_signs


def test_urgent_and_contact_signs_from_the_recovery_courses():
    knowledge = load_knowledge()
    signs = warning_signs(knowledge)
    assert {s.symptom for s in signs.urgent} == {"fever", "difficulty_breathing"}
    contact = {s.symptom: s for s in signs.contact_clinic}
    assert {"pus", "spreading_redness", "blisters", "rash_or_hives", "bleeding"} <= set(contact)
    assert {"redness", "swelling", "pain", "itching"} <= set(contact)  # when they last too long
    assert "more than two weeks" in contact["dryness_flaking"].text  # every flag has a floor
    assert contact["pus"].text == knowledge.recovery["pus"].phases[0].concern
    assert contact["itching"].text == knowledge.recovery["itching"].phases[1].concern
    assert signs.urgent_advice == knowledge.advice[Level.URGENT]
    assert signs.contact_advice == knowledge.advice[Level.CONTACT_CLINIC]
    assert "fact-sheet" in signs.sources


def test_the_signs_are_those_of_the_patients_own_courses():
    knowledge = load_knowledge()
    usual = {s.symptom: s for s in warning_signs(knowledge).contact_clinic}
    thinned = warning_signs(knowledge, PatientContext(2, frozenset({"anticoagulation"})))
    bleeding = {s.symptom: s for s in thinned.contact_clinic}["bleeding"]
    assert "more than an hour" in bleeding.text
    assert "more than two hours" in usual["bleeding"].text
    darker = warning_signs(knowledge, PatientContext(fitzpatrick=5))
    assert "dark_spots" in {s.symptom for s in darker.contact_clinic}

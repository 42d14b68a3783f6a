"""Reads and workflows across a patient's record: the timeline, the practitioner's dashboard,
open items and session start, reading intakes, courses, check-ins, photos and safety."""

"""Reads and workflows across a patient's record: intakes, courses, check-ins and safety."""

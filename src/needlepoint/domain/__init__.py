"""The clinical rules: pure Python, no Django, no I/O but the package's own knowledge files,
no clock (times are parameters).

Each module takes JSON-shaped data through its `parse_*` function and returns frozen
dataclasses that `serialization.to_json` turns back into JSON:

- `screening`: `parse_intake`, `screen` -> verdict, findings, missing answers
- `scars`: `parse_assessment`, `score` -> Goodman & Baron and ECCA scores by row, grade warnings
- `planning`: `parse_plan_request`, `plan_course` -> sessions, depth and passes per zone, adjuncts
  with cautions, cost
- `aftercare`: `aftercare_items` -> timed instructions in the clinic's zone
- `triage`: `parse_checkin`, `triage` -> level, reasons, expected course, advice,
  emergency lines, anomalies in the check-in's times
- `knowledge`: `load_knowledge`, `parse_overrides`, `merge_overrides`

Bad input raises `errors.InvalidInput` naming the field; broken knowledge `KnowledgeError`.
"""

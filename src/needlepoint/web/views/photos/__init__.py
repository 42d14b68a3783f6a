"""Photo pages: a session's photos (upload, camera capture with a ghost of the baseline),
check-in photos, the compare page (aligned pair, per-zone change, metrics over the course),
the patient's check-in photo in the portal, and the one authorised way to a photo's pixels.

Figures are shown to clinical staff with their basis; they are for documentation and
comparison, never a diagnosis or a scar grade. Patients see their photos, not the figures.
"""

"""Booking in the patient portal: `selectors` read, `services` write."""

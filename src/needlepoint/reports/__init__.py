"""Documents made from the record: the aftercare handout of a session (PDF with WeasyPrint),
and the clinic's lists as CSV for spreadsheets."""

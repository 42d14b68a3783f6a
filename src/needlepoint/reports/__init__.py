"""Printable documents (PDF with WeasyPrint): the aftercare handout of a session."""

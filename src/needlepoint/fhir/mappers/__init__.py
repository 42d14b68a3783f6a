"""One module per resource family: its inputs, `*_resource` (input to FHIR JSON) and
`*_from_resource` (FHIR JSON back to the input, refusing what does not fit)."""

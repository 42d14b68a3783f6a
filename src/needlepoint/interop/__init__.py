"""A clinic's records as FHIR R4 resources: reads the models within one clinic, builds the
`needlepoint.fhir` mappers' inputs and streams the resources (`export.py`)."""

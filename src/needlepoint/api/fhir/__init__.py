"""The FHIR R4 REST API under /fhir/R4/: reads, searches and `$everything` over the clinic's
records as FHIR resources, with /api/v1's tokens, tenancy, roles and audit."""

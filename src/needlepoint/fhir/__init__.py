"""HL7 FHIR R4: pure mappers between Needlepoint's records and FHIR resources (JSON dicts).

Typed inputs (the frozen dataclasses of `mappers/`) in, FHIR R4 JSON out (`to_resources`),
and back (`from_resources`), so an export and a later import share one mapping. No Django,
no I/O: `needlepoint.interop` reads the database and builds the inputs. See docs/fhir.md.
"""

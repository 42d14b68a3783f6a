"""OperationOutcome: how a FHIR server says what went wrong."""

from __future__ import annotations

from needlepoint.fhir.json import Resource

# The issue type (FHIR's IssueType value set) of each HTTP error a server answers.
ISSUE_CODES = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    409: "conflict",
    410: "deleted",
    413: "too-costly",
    422: "processing",
    429: "throttled",
    500: "exception",
}


def operation_outcome(status: int, diagnostics: str, expression: str | None = None) -> Resource:
    issue: Resource = {
        "severity": "error" if status < 500 else "fatal",
        "code": ISSUE_CODES.get(status, "processing" if status < 500 else "exception"),
        "diagnostics": diagnostics,
    }
    if expression:
        issue["expression"] = [expression]
    return {"resourceType": "OperationOutcome", "issue": [issue]}

"""Bundles a server answers with: a page of search results, or a patient's whole record."""

from __future__ import annotations

from collections.abc import Iterable

from needlepoint.fhir.json import Resource


def searchset(
    resources: Iterable[Resource], base: str, links: dict[str, str], total: int | None = None
) -> Resource:
    """A `searchset` Bundle of `resources` (each found at `base/Type/id`), with its `links`
    by relation (self, next); `total` only when it is known without counting a table."""
    bundle: Resource = {"resourceType": "Bundle", "type": "searchset"}
    if total is not None:
        bundle["total"] = total
    bundle["link"] = [{"relation": relation, "url": url} for relation, url in links.items()]
    bundle["entry"] = [
        {
            "fullUrl": f"{base}/{resource['resourceType']}/{resource['id']}",
            "resource": resource,
            "search": {"mode": "match"},
        }
        for resource in resources
    ]
    if not bundle["entry"]:
        del bundle["entry"]
    return bundle

"""Template helpers for clinical pages: the sources behind a decision, labels of codes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join

from needlepoint.domain.knowledge import load_knowledge

register = template.Library()


@register.simple_tag
def sources(ids: Iterable[str]) -> str:
    """The source ids of a decision, each with its full citation on hover and for readers."""
    known = load_knowledge().sources
    return format_html(
        '<span class="sources">Basis: {}</span>',
        format_html_join(
            ", ",
            '<cite title="{}">{}</cite>',
            ((known[i].citation if i in known else i, i) for i in ids),
        ),
    )


@register.filter
def label(code: str) -> str:
    return str(code).replace("_", " ")


@register.filter
def get(mapping: Mapping[str, object], key: str) -> object:
    return mapping.get(key, "")


@register.filter
def get_field(form: Any, name: str) -> Any:
    return form[name]

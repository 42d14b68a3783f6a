"""The one rule for text anyone types: no NUL or other control characters (free text keeps its
line breaks and tabs) and no bidirectional overrides or isolates, which make stored text read
differently from what it holds (a name shown reversed, a note hiding part of itself).

The API, the page forms and the model layer all apply it, so a refusal names the field
wherever the text came from.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

FREE_TEXT_CONTROLS = frozenset("\t\n\r")
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def text_problem(value: str, *, multiline: bool) -> str | None:
    """Why `value` is refused, or None. `multiline` allows tabs and line breaks (free text)."""
    allowed = FREE_TEXT_CONTROLS if multiline else frozenset()
    for char in value:
        if char in BIDI_CONTROLS:
            return f"must not contain a bidirectional control character (U+{ord(char):04X})"
        if unicodedata.category(char) == "Cc" and char not in allowed:
            return f"must not contain a control character (U+{ord(char):04X})"
    return None


def text_problems(value: object) -> Iterator[tuple[str, str]]:
    """(path, problem) for every string in decoded JSON, its keys included, under the free-text
    rule; paths read like the API's field names (`zones.left_cheek.note`, `items.2`). A loop,
    not recursion: JSON nested as deep as the decoder allows must not overflow the stack."""
    pending: list[tuple[str, object]] = [("", value)]
    while pending:
        path, item = pending.pop()
        if isinstance(item, str):
            problem = text_problem(item, multiline=True)
            if problem is not None:
                yield path or "body", problem
        elif isinstance(item, dict):
            for key, child in item.items():
                child_path = f"{path}.{key}" if path else str(key)
                pending += [(child_path, child), (child_path, key)]
        elif isinstance(item, list):
            pending += [(f"{path}.{i}" if path else str(i), child) for i, child in enumerate(item)]

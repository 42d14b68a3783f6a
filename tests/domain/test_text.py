"""The text rule: no control characters (free text keeps tabs and line breaks), no
bidirectional overrides or isolates; JSON strings and keys are found by their path."""

from __future__ import annotations

import pytest

from needlepoint.domain.text import text_problem, text_problems


@pytest.mark.parametrize("value", ["Aisha", "O'Brien-Núñez", "محمد\u200f", "李 小龙", ""])
def test_ordinary_text_passes_as_one_line(value: str) -> None:
    assert text_problem(value, multiline=False) is None


@pytest.mark.parametrize("value", ["a\x00", "\x07", "a\nb", "a\tb", "\x7f", "\x85", "\x1b[2J"])
def test_control_characters_are_refused_on_one_line(value: str) -> None:
    assert "control character" in (text_problem(value, multiline=False) or "")


def test_free_text_keeps_tabs_and_line_breaks_only() -> None:
    assert text_problem("a\r\n\tb", multiline=True) is None
    assert text_problem("a\x00b", multiline=True) == "must not contain a control character (U+0000)"


@pytest.mark.parametrize("char", "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
def test_bidirectional_overrides_and_isolates_are_refused_everywhere(char: str) -> None:
    for multiline in (False, True):
        assert "bidirectional" in (text_problem(f"name{char}", multiline=multiline) or "")


def test_json_problems_name_their_path_keys_included() -> None:
    value = {"a": ["ok", "b\x00"], "k\x01": 1, "n": {"m": "\u202e"}, "fine": "x\ny", "i": 3}
    assert sorted(path for path, _ in text_problems(value)) == ["a.1", "k\x01", "n.m"]
    assert list(text_problems("\x00")) == [
        ("body", "must not contain a control character (U+0000)")
    ]


def test_json_nested_as_deep_as_the_decoder_allows_does_not_overflow() -> None:
    value: object = "\x00"
    for _ in range(50_000):
        value = [value]
    assert len(list(text_problems(value))) == 1

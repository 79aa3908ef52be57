"""Quoting text taken from a user's file in a message: cut short, with control characters shown
as escapes, so that a message stays one readable line whatever the file holds."""

from __future__ import annotations

QUOTE_MAX_CHARS = 80


def _escaped(text: str) -> str:
    """Characters that are not printable (newlines, tabs, ANSI escapes, ...) as repr-style
    escapes; everything else as it is."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def shown(value: object, limit: int = QUOTE_MAX_CHARS) -> str:
    """A value quoted for a message: "'value'", escaped, and cut at about `limit` characters
    with an ellipsis ("'xxxx…' (1,048,576 characters)")."""
    text = str(value)
    cut = len(text) > limit
    body = _escaped(text[:limit] if cut else text)
    if cut:
        return f"'{body}…' ({len(text):,} characters)"
    return f"'{body}'"


def file_label(name: str) -> str:
    """A file name for a message: as it is when it is plain, else repr-style (quoted, with its
    newlines and escape characters escaped), so that it cannot forge lines of output."""
    return name if name.isprintable() else repr(name)

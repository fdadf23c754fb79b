"""What each line the syntax recovery blanked held, as far as its text tells: its depth,
the key it was written for, whether it began a list item. ``core.known`` reads them to
tell a key that may sit under such a line (unknown) from one that is not there (absent).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A key as written at the start of a line: plain, or quoted, then ``:`` and a space or the end.
_KEY = re.compile(r"""^(?:"([^"\\]*)"|'([^']*)'|([^\s:#'"\[\]{},][^:#]*?))[ \t]*:(?:[ \t]|$)""")
#: A lone word: a key being typed, before its colon.
_WORD = re.compile(r"""^[^\s:#'"\[\]{},|>&*!%@`-][^\s:#]*$""")


@dataclass(frozen=True)
class MaskedLine:
    """One line (0-based, in its document) the recovery blanked from ``column`` on."""

    line: int
    column: int
    #: The line's indentation as written; ``None`` when a tab in it hides the depth meant.
    indent: int | None
    #: The key the line was written for; ``None`` when its text names none (``...``, a
    #: bracket, a quote, a value): it may have been any key.
    key: str | None
    #: ``key`` is a word being typed (alone, or before more words without a colon): the key
    #: meant starts with it.
    typed: bool
    #: The line begins a list item (``- ``).
    item: bool


def describe(original: list[str], masked: list[str]) -> tuple[MaskedLine, ...]:
    """The lines of ``original`` that differ in ``masked`` (as many lines), described."""
    found = []
    for number, (before, after) in enumerate(zip(original, masked, strict=True)):
        if before == after:
            continue
        pairs = enumerate(zip(before, after, strict=False))
        column = next((c for c, (a, b) in pairs if a != b), min(len(before), len(after)))
        found.append(_describe(number, before, column))
    return tuple(found)


def _describe(number: int, text: str, column: int) -> MaskedLine:
    body = text.lstrip(" \t")
    lead = text[: len(text) - len(body)]
    indent = None if "\t" in lead else len(lead)
    item = body[:1] == "-" and body[1:2] in ("", " ", "\t")
    while body[:1] == "-" and body[1:2] in ("", " ", "\t"):
        body = body[1:].lstrip(" \t")
    body = body.rstrip("\r").rstrip()
    key: str | None = None
    typed = False
    match = _KEY.match(body)
    if body.startswith(("...", "\u2026")):
        pass  # a documentation placeholder stands for whatever was left out
    elif match:
        key = next(g for g in match.groups() if g is not None).strip()
    elif _WORD.match(body):
        key, typed = body, True
    elif body and _WORD.match(body.split()[0]):
        # Words without a colon (``authenticate true``): the key meant starts with the first.
        key, typed = body.split()[0], True
    return MaskedLine(number, column, indent, key or None, typed and bool(key), item)

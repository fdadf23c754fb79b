"""Positions and ranges of the analysis core.

Core positions are 0-based lines and 0-based *code point* columns, as PyYAML reports
them. The language server converts them to UTF-16 in exactly one place
(``eksa_mirror.lsp.codec``); the command line prints them 1-based.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Position:
    """A 0-based line and code-point column."""

    line: int
    column: int


@dataclass(frozen=True, order=True)
class Span:
    """A half-open range ``[start, end)`` in a text."""

    start: Position
    end: Position

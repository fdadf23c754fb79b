"""Positions and ranges of the analysis core.

Core positions are 0-based lines and 0-based *code point* columns, as PyYAML reports
them, in the text as parsed: a file's byte-order mark is taken off when it is loaded and
counted back by ``Origin``. The language server converts them to UTF-16 in exactly one place
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


@dataclass(frozen=True)
class Origin:
    """Where a text starts in its file: after a byte-order mark (``bom``), which the parser
    does not see, the file's line 0 has one column more before the text's."""

    bom: bool = False

    def columns(self, line: int) -> int:
        """The columns the file has before the text's on ``line``."""
        return 1 if self.bom and line == 0 else 0

    def shown(self, span: Span) -> Span:
        """``span`` of the text as the file counts it (an editor, the command line)."""
        if not self.bom or span.start.line:
            return span
        start, end = span.start, span.end
        return Span(Position(0, start.column + 1), Position(end.line, end.column + (not end.line)))

    def read(self, pos: Position) -> Position:
        """A position in the file as a position of the text."""
        return Position(pos.line, pos.column - self.columns(pos.line))

"""Applying fixes: minimal text edits on positions, never a re-serialisation of the YAML."""

from __future__ import annotations

import re
from collections.abc import Iterable

from eksa_mirror.core.findings import Finding, TextEdit
from eksa_mirror.core.positions import Position

#: Line breaks as the core (``source.normalize``) and LSP count them: a lone CR ends a line.
_BREAK = re.compile(r"\r\n|\r|\n")


def offset_of(text: str, pos: Position, line_starts: list[int]) -> int:
    """Character offset of a core position (clamped to the text)."""
    if pos.line >= len(line_starts):
        return len(text)
    start = line_starts[pos.line]
    found = _BREAK.search(text, start)
    end = found.start() if found else len(text)
    return min(start + pos.column, end)


def line_starts(text: str) -> list[int]:
    return [0, *(found.end() for found in _BREAK.finditer(text))]


def apply_edits(text: str, edits: Iterable[TextEdit]) -> str:
    """Apply non-overlapping edits; an edit overlapping an earlier one is skipped."""
    starts = line_starts(text)
    resolved = sorted(
        ((offset_of(text, e.span.start, starts), offset_of(text, e.span.end, starts), e.new_text)
         for e in edits),
        key=lambda item: (item[0], item[1]),
    )  # fmt: skip
    out: list[str] = []
    cursor = 0
    for start, end, new_text in resolved:
        if start < cursor:
            continue
        out.append(text[cursor:start])
        out.append(new_text)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def safe_edits(findings: Iterable[Finding]) -> list[TextEdit]:
    """The edits of every safe fix, one fix per finding, skipping fixes that overlap."""
    edits: list[TextEdit] = []
    taken: list[tuple[Position, Position]] = []
    for finding in findings:
        fix = finding.fix
        if fix is None or not fix.safe:
            continue
        spans = [(e.span.start, e.span.end) for e in fix.edits]
        if any((s < te and ts < e) or s == ts for s, e in spans for ts, te in taken):
            continue
        taken.extend(spans)
        edits.extend(fix.edits)
    return edits

"""Analyse small EKS-A files built around a mirror block, and compare findings exactly.

``support.cluster(body)`` puts ``body`` (unindented YAML) under
``spec.registryMirrorConfiguration`` of a compact Cluster document, followed by its
datacenter and two machine configs. The mirror key is always on line ``MIRROR_LINE`` and
the body starts on ``BODY_LINE`` at column ``INDENT``, so ``body_span(row, col, end_col)``
turns a position inside the body into the file's 0-based line/code-point span.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from eksa_mirror.core.findings import Finding, Fix, Severity
from eksa_mirror.core.fixes import apply_edits
from eksa_mirror.rules.analysis import Options, analyze

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFORMATION

#: The time certificates are checked at in these tests.
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)

MIRROR_LINE = 17
BODY_LINE = 18
INDENT = 4
#: Span of the ``registryMirrorConfiguration`` key (line 17, columns 2-29).
MIRROR_KEY = (MIRROR_LINE, 2, MIRROR_LINE, 29)


def body_span(
    row: int, col: int, end_col: int, end_row: int | None = None
) -> tuple[int, int, int, int]:
    """A span given inside the body (row 0 = first body line, col 0 = first body column)."""
    end_row = row if end_row is None else end_row
    return (BODY_LINE + row, INDENT + col, BODY_LINE + end_row, INDENT + end_col)


def span_of(finding: Finding) -> tuple[int, int, int, int]:
    s = finding.span
    return (s.start.line, s.start.column, s.end.line, s.end.column)


def options(**kw: Any) -> Options:
    kw.setdefault("now", NOW)
    return Options(**kw)


def findings(text: str, **kw: Any) -> list[Finding]:
    return analyze(text, options(**kw)).findings


def summary(found: Iterable[Finding]) -> list[tuple[str, Severity, tuple[int, int, int, int]]]:
    """(code, severity, span) of each finding, in the analysis order."""
    return sorted((f.code, f.severity, span_of(f)) for f in found)


def expect(
    text: str, expected: Iterable[tuple[str, Severity, tuple[int, int, int, int]]], **kw: Any
) -> list[Finding]:
    """Assert the exact set of findings of ``text`` and return them."""
    found = findings(text, **kw)
    assert summary(found) == sorted(expected), "\n".join(
        f"{f.code} {span_of(f)} {f.message}" for f in found
    )
    return found


def one(found: Iterable[Finding], code: str) -> Finding:
    matches = [f for f in found if f.code == code]
    assert len(matches) == 1, [f.code for f in found]
    return matches[0]


def fixed(text: str, fix: Fix | None) -> str:
    assert fix is not None, "the finding has no fix"
    return apply_edits(text, fix.edits)

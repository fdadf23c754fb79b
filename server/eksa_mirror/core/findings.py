"""What the analysis core produces: findings with an exact span and an optional fix.

A fix is a list of minimal text edits computed from positions; YAML is never
re-serialised. ``safe`` fixes are applied by ``validate --fix`` and by
``source.fixAll``; unsafe ones are offered as editor quick fixes only.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from eksa_mirror.core.positions import Span


class Severity(str, enum.Enum):
    """Severities, named as in LSP and SARIF-friendly text output."""

    ERROR = "error"
    WARNING = "warning"
    INFORMATION = "information"
    HINT = "hint"


@dataclass(frozen=True)
class TextEdit:
    """Replace ``span`` with ``new_text`` (an empty span inserts)."""

    span: Span
    new_text: str


@dataclass(frozen=True)
class Fix:
    """A titled set of edits that resolves one finding."""

    title: str
    edits: tuple[TextEdit, ...]
    safe: bool = True
    preferred: bool = True


@dataclass(frozen=True)
class Finding:
    """One problem: rule code, severity, message, exact span and JSON pointer."""

    code: str
    severity: Severity
    message: str
    span: Span
    pointer: str
    fix: Fix | None = None
    #: Index of the YAML document (0-based) in the file.
    document: int = 0

    def sort_key(self) -> tuple[int, int, str]:
        return (self.span.start.line, self.span.start.column, self.code)

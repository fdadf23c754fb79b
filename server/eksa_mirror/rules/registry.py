"""How a rule is declared: the ``Rule`` type, ``declare`` and the ``mirror_check`` decorator.

Each rule family declares its rules (code, name, default severity, first release, summary)
beside the check that emits them, as ruff does. This module only collects them;
``rules.catalogue`` imports every family and reads the collection. A code once given keeps
its meaning and has a section in docs/rules.md (anchor ``#rm001`` …).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from eksa_mirror.core.findings import Severity

DOCS_URL = "https://github.com/eksa-mirror/eksa-mirror/blob/main/docs/rules.md"

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFORMATION

F = TypeVar("F", bound=Callable[..., object])


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    #: The first EKS-A release the rule's behaviour applies to (verified in ``releases``).
    since: str

    @property
    def url(self) -> str:
        return f"{DOCS_URL}#{self.code.lower()}"


_DECLARED: dict[str, Rule] = {}
_MIRROR_CHECKS: dict[int, Callable[..., object]] = {}


def declare(code: str, name: str, severity: Severity, summary: str, *, since: str) -> Rule:
    """Declare one rule; a code declared twice is a programming error."""
    if code in _DECLARED:
        raise ValueError(f"{code} is declared twice")
    declared = Rule(code, name, severity, summary, since)
    _DECLARED[code] = declared
    return declared


def mirror_check(order: int) -> Callable[[F], F]:
    """Register a family's check of an intact mirror section, run in ascending ``order``.

    The order only decides which of two findings with the same code at the same place is
    listed first (findings are sorted by position and code afterwards).
    """

    def register(check: F) -> F:
        if order in _MIRROR_CHECKS:
            raise ValueError(f"two mirror checks have order {order}")
        _MIRROR_CHECKS[order] = check
        return check

    return register


def declared_rules() -> dict[str, Rule]:
    """Every rule declared so far, ordered by code."""
    return dict(sorted(_DECLARED.items()))


def mirror_checks() -> tuple[Callable[..., object], ...]:
    """Every registered mirror check, in run order."""
    return tuple(check for _, check in sorted(_MIRROR_CHECKS.items()))


def rule(code: str) -> Rule:
    """The declared rule of ``code`` (its family module has been imported by then)."""
    return _DECLARED[code]

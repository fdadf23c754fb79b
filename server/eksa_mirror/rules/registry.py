"""How a rule is declared: the ``Rule`` type and ``declare``.

Each rule family (``rules/checks/``) declares its rules (code, name, default severity, first
release, summary) beside the checks that emit them, as ruff does; this module only collects
the declarations, and ``rules.catalogue`` lists them with each stage's checks in run order
(docs/architecture.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from eksa_mirror.core.findings import Severity

DOCS_URL = "https://github.com/eksa-mirror/eksa-mirror/blob/main/docs/rules.md"

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFORMATION

#: What the rule's findings offer: ``safe`` fixes (``--fix``, fix-all), ``unsafe`` ones (a
#: quick fix only), some of each, or none (docs/rules.md, the Fix column).
FixKind = Literal["none", "safe", "unsafe", "safe/unsafe"]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    #: The first EKS-A release the rule's behaviour applies to (verified in ``releases``).
    since: str
    #: A finding of this rule is the only one shown on its span: the analysis drops the
    #: others of the same Cluster there, which would only describe the same value (RM032).
    exclusive: bool = False
    fix: FixKind = "none"

    @property
    def url(self) -> str:
        return f"{DOCS_URL}#{self.code.lower()}"


_DECLARED: dict[str, Rule] = {}


def declare(
    code: str,
    name: str,
    severity: Severity,
    summary: str,
    *,
    since: str,
    exclusive: bool = False,
    fix: FixKind = "none",
) -> Rule:
    """Declare one rule; a code declared twice is a programming error. A code once given
    keeps its meaning and has a section in docs/rules.md (anchor ``#rm001`` …)."""
    if code in _DECLARED:
        raise ValueError(f"{code} is declared twice")
    declared = Rule(code, name, severity, summary, since, exclusive, fix)
    _DECLARED[code] = declared
    return declared


def declared_rules() -> dict[str, Rule]:
    """Every rule declared so far, ordered by code."""
    return dict(sorted(_DECLARED.items()))


def rule(code: str) -> Rule:
    """The declared rule of ``code`` (its family module has been imported by then)."""
    return _DECLARED[code]

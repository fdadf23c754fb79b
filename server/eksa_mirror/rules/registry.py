"""How a rule is declared: the ``Rule`` type, ``declare``, and the decorators of the stages.

Each rule family declares its rules (code, name, default severity, first release, summary)
beside the checks that emit them, as ruff does, and registers each check on its stage
(``@file_check``, ``@cluster_check``, ``@mirror_guard``, ``@mirror_check``); this module only
collects them and ``rules.catalogue`` reads the collection (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar, cast

from eksa_mirror.core.findings import Severity

DOCS_URL = "https://github.com/eksa-mirror/eksa-mirror/blob/main/docs/rules.md"

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFORMATION

F = TypeVar("F", bound=Callable[..., object])
G = TypeVar("G", bound=Callable[..., bool])


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

    @property
    def url(self) -> str:
        return f"{DOCS_URL}#{self.code.lower()}"


_DECLARED: dict[str, Rule] = {}
#: The registered checks of each stage by order; the stages and what they are given:
#: docs/architecture.md ("The flow").
_STAGES: dict[str, dict[int, Callable[..., object]]] = {
    "file check": {},
    "cluster check": {},
    "mirror guard": {},
    "mirror check": {},
}


def declare(
    code: str, name: str, severity: Severity, summary: str, *, since: str, exclusive: bool = False
) -> Rule:
    """Declare one rule; a code declared twice is a programming error. A code once given
    keeps its meaning and has a section in docs/rules.md (anchor ``#rm001`` …)."""
    if code in _DECLARED:
        raise ValueError(f"{code} is declared twice")
    declared = Rule(code, name, severity, summary, since, exclusive)
    _DECLARED[code] = declared
    return declared


def _register(stage: str, order: int, check: F) -> F:
    registered = _STAGES[stage]
    if order in registered:
        raise ValueError(f"two {stage}s have order {order}")
    registered[order] = check
    return check


def file_check(order: int) -> Callable[[F], F]:
    """Register a check of the whole text, ``(analysis: Analysis, options: Options) -> None``
    adding to ``analysis.findings``: run first, in ascending ``order``."""
    return lambda check: _register("file check", order, check)


def cluster_check(order: int) -> Callable[[F], F]:
    """Register a check of each Cluster document, ``(check: Check) -> None``, run in
    ascending ``order`` before its mirror section is looked at."""
    return lambda check: _register("cluster check", order, check)


def mirror_guard(order: int) -> Callable[[G], G]:
    """Register a guard of each Cluster, ``(check: Check) -> bool``: every guard runs (it may
    emit findings), and the mirror checks run only if all of them return true."""
    return lambda guard: _register("mirror guard", order, guard)


def mirror_check(order: int) -> Callable[[F], F]:
    """Register a family's check of an intact mirror section, run in ascending ``order``.

    The order only decides which of two findings with the same code at the same place is
    listed first (findings are sorted by position and code afterwards).
    """
    return lambda check: _register("mirror check", order, check)


def declared_rules() -> dict[str, Rule]:
    """Every rule declared so far, ordered by code."""
    return dict(sorted(_DECLARED.items()))


def _in_order(stage: str) -> tuple[Callable[..., object], ...]:
    return tuple(check for _, check in sorted(_STAGES[stage].items()))


def file_checks() -> tuple[Callable[..., object], ...]:
    """Every registered file check, in run order."""
    return _in_order("file check")


def cluster_checks() -> tuple[Callable[..., object], ...]:
    """Every registered cluster check, in run order."""
    return _in_order("cluster check")


def mirror_guards() -> tuple[Callable[..., bool], ...]:
    """Every registered mirror guard, in run order."""
    return cast("tuple[Callable[..., bool], ...]", _in_order("mirror guard"))


def mirror_checks() -> tuple[Callable[..., object], ...]:
    """Every registered mirror check, in run order."""
    return _in_order("mirror check")


def rule(code: str) -> Rule:
    """The declared rule of ``code`` (its family module has been imported by then)."""
    return _DECLARED[code]

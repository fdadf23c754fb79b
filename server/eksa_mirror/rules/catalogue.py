"""The rule catalogue: every family imported in one place, their declarations collected.

``RULES`` maps each code to its ``Rule`` (ordered by code); ``MIRROR_CHECKS`` are the
families' checks of a mirror section in run order. A new family module is added to the
import below; a new rule in an existing family needs no change here (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable

from eksa_mirror.rules import (  # noqa: F401  (imported for their declarations)
    certificates,
    graph,
    host_shape,
    node_format,
    placeholders,
    providers,
    spec,
    structure,
    suppress,
    upgrade,
    values,
    versions,
)
from eksa_mirror.rules.context import Check
from eksa_mirror.rules.registry import Rule, declared_rules, mirror_checks, rule

__all__ = ["MIRROR_CHECKS", "RULES", "Rule", "rule"]

RULES: dict[str, Rule] = declared_rules()

MIRROR_CHECKS: tuple[Callable[[Check], object], ...] = mirror_checks()

"""The rule catalogue: every family imported in one place, their declarations collected.

``RULES`` maps each code to its ``Rule`` (ordered by code); ``FILE_CHECKS``,
``CLUSTER_CHECKS``, ``MIRROR_GUARDS`` and ``MIRROR_CHECKS`` are the families' checks of each
stage in run order. A new family module is added to the import below; a new rule or check in
an existing family needs no change here (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable

from eksa_mirror.rules import suppress  # noqa: F401  (imported for its declaration)
from eksa_mirror.rules.checks import (  # noqa: F401  (imported for their declarations)
    certificates,
    graph,
    host_shape,
    node_format,
    placeholders,
    providers,
    spec,
    structure,
    upgrade,
    values,
    versions,
)
from eksa_mirror.rules.context import Analysis, Check, Options
from eksa_mirror.rules.registry import (
    Rule,
    cluster_checks,
    declared_rules,
    file_checks,
    mirror_checks,
    mirror_guards,
    rule,
)

__all__ = [
    "CLUSTER_CHECKS",
    "FILE_CHECKS",
    "MIRROR_CHECKS",
    "MIRROR_GUARDS",
    "RULES",
    "Rule",
    "rule",
]

RULES: dict[str, Rule] = declared_rules()

FILE_CHECKS: tuple[Callable[[Analysis, Options], object], ...] = file_checks()
CLUSTER_CHECKS: tuple[Callable[[Check], object], ...] = cluster_checks()
MIRROR_GUARDS: tuple[Callable[[Check], bool], ...] = mirror_guards()
MIRROR_CHECKS: tuple[Callable[[Check], object], ...] = mirror_checks()

"""The rule catalogue: every family imported, its rules collected, each stage's checks listed.

``RULES`` maps each code to its ``Rule`` (ordered by code). ``FILE_CHECKS``,
``CLUSTER_CHECKS``, ``MIRROR_GUARDS`` and ``MIRROR_CHECKS`` name each stage's checks in the
order they run: a new check is one line here, a new family one import (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable

from eksa_mirror.rules import suppress  # noqa: F401  (imported for its declaration, RM031)
from eksa_mirror.rules.checks import (
    certificates,
    graph,
    node_format,
    placeholders,
    providers,
    spec,
    structure,
    upgrade,  # noqa: F401  (RM023, run by validate --against and the editor, not a stage)
    values,
    versions,
)
from eksa_mirror.rules.context import Analysis, Check
from eksa_mirror.rules.registry import Rule, declared_rules, rule

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

#: Run once per text, first, given the whole ``Analysis``.
FILE_CHECKS: tuple[Callable[[Analysis], object], ...] = (
    graph.check_syntax,  # RM024 at each syntax problem
    spec.check_later_clusters,  # RM030
)
#: Run on every Cluster document.
CLUSTER_CHECKS: tuple[Callable[[Check], object], ...] = (
    spec.check_spec_key,  # RM006 under spec
)
#: Run on every Cluster, every one (they report); the mirror checks run if all return true.
MIRROR_GUARDS: tuple[Callable[[Check], bool], ...] = (
    graph.graph_guard,  # RM024: alias bombs, recursion, depth
)
#: Run on a Cluster whose guards passed and whose mirror section is there and intact. The
#: order only decides which of two findings with the same code at the same place is listed
#: first: findings are sorted by position and code afterwards.
MIRROR_CHECKS: tuple[Callable[[Check], object], ...] = (
    values.check_duplicate_keys,
    structure.check_structure,
    values.check_namespaces,
    values.check_flags,
    certificates.check_ca,
    providers.check_providers,
    node_format.check_node_format,
    versions.check_versions,
    placeholders.check_placeholders,
)

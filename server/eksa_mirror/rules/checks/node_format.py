"""RM033: the target release writes ``hosts.toml`` without ``override_path`` (v0.24.0 to
v0.25.2), so every namespaced mirror host fails on Ubuntu/RHEL nodes: containerd asks
``/v2/<namespace>/v2/<repo>/...`` and gets 404. Bottlerocket nodes are not affected. The EKS-A
pull requests and tags: docs/rules.md (RM033) and docs/releases.md.
"""

from __future__ import annotations

from yaml.nodes import ScalarNode, SequenceNode

from eksa_mirror.core import gopath
from eksa_mirror.core.eksa import releases
from eksa_mirror.core.known import Known
from eksa_mirror.core.mirror import DEFAULT_PORT, double_v2_host, join_host_port
from eksa_mirror.core.model import scalar_value
from eksa_mirror.core.source import get_item, scalar_text
from eksa_mirror.rules.checks.versions import target_of
from eksa_mirror.rules.context import Check, pointer
from eksa_mirror.rules.registry import E, declare

declare(
    "RM033",
    "namespace-double-v2",
    E,
    "v0.24.0-v0.25.2 break namespaced mirrors (double `/v2/`)",
    since="v0.24.0",
)

_CONTAINERD = frozenset({"ubuntu", "redhat"})


def _containerd_nodes(check: Check) -> bool:
    """Whether some nodes use containerd's files (Ubuntu, RHEL, or no OS family known);
    false when that rests on a machine the syntax recovery masked."""
    model = check.model
    families = {m.os_family for m in model.machines if m.os_family is not None}
    if families & _CONTAINERD:
        return True
    return model.families_known and not (families - {""})


def mirror_base(check: Check) -> str | None:
    """``net.JoinHostPort(endpoint, port)`` of the mirror section (port defaults to 443);
    ``None`` when the endpoint or port may sit under a masked line."""
    scope = check.mirror_scope
    endpoint = scope.get("endpoint", fold_case=True)
    port_found = scope.get("port", fold_case=True)
    if Known.UNKNOWN in (endpoint.state, port_found.state):
        return None
    port_node = port_found.value
    port = str(scalar_value(port_node)) if isinstance(port_node, ScalarNode) else ""
    return join_host_port(scalar_text(endpoint.value), port or DEFAULT_PORT)


def _last_entries(entries: SequenceNode) -> set[int]:
    """The indexes of the entries that reach the nodes: the last one of each registry (EKS-A's
    ``NamespacedRegistryMap``; the others are RM011)."""
    last: dict[str, int] = {}
    for index, entry in enumerate(entries.value):
        registry = get_item(entry, "registry", fold_case=True)
        last[scalar_text(registry[1]) if registry else ""] = index
    return set(last.values())


def check_node_format(check: Check) -> None:
    target = target_of(check)
    if target is None or releases.node_format(target.version) != "hosts-toml":
        return
    base = mirror_base(check)
    if base is None or not _containerd_nodes(check):
        return
    pair = get_item(check.model.mirror, "ociNamespaces", fold_case=True)
    listed = check.mirror_scope.child("ociNamespaces", fold_case=True).entries()
    if pair is None or not isinstance(pair[1], SequenceNode):
        return
    if not listed.complete or any(e.text("registry", fold_case=True) is None for e in listed.items):
        return  # which entry of a registry reaches the nodes (the last) is unknown
    counted = _last_entries(pair[1])
    for index, entry in enumerate(pair[1].value):
        namespace = get_item(entry, "namespace", fold_case=True)
        if index not in counted or namespace is None or not isinstance(namespace[1], ScalarNode):
            continue
        if listed.items[index].text("namespace", fold_case=True) is None:
            continue
        host = double_v2_host(gopath.join(base, scalar_text(namespace[1])), base)
        if not host:
            continue
        check.emit(
            "RM033",
            f"EKS Anywhere {target.label} writes hosts.toml without override_path: containerd "
            f"adds /v2 to the host https://{host}, asks the mirror for "
            f"/{host.split('/', 1)[-1]}/v2/<repo>/manifests/<tag> and gets 404 on Ubuntu/RHEL "
            f"nodes; fixed in {releases.OVERRIDE_PATH_SINCE} and v0.26.0 (or use namespace "
            '"" for this registry)',
            check.span(namespace[1]),
            pointer("ociNamespaces", index, "namespace"),
        )

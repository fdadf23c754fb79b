"""RM033: the target release writes ``hosts.toml`` without ``override_path`` (v0.24.0 to
v0.25.2), so every namespaced mirror host fails on Ubuntu/RHEL nodes: containerd asks
``/v2/<namespace>/v2/<repo>/...`` and gets 404. Bottlerocket nodes are not affected. The EKS-A
pull requests and tags: docs/rules.md (RM033) and docs/releases.md.
"""

from __future__ import annotations

from yaml.nodes import ScalarNode

from eksa_mirror.core import gopath
from eksa_mirror.core.eksa import releases
from eksa_mirror.core.known import Known
from eksa_mirror.core.mirror import DEFAULT_PORT, join_host_port
from eksa_mirror.core.model import scalar_value
from eksa_mirror.core.source import scalar_text
from eksa_mirror.rules.context import Check, pointer
from eksa_mirror.rules.registry import E, declare, mirror_check
from eksa_mirror.rules.versions import target_of

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


@mirror_check(order=70)
def check_node_format(check: Check) -> None:
    target = target_of(check)
    if target is None or releases.node_format(target.version) != "hosts-toml":
        return
    base = mirror_base(check)
    if base is None or not _containerd_nodes(check):
        return
    listed = check.mirror_scope.child("ociNamespaces", fold_case=True).entries()
    for index, entry in enumerate(listed.items):
        namespace = entry.get("namespace", fold_case=True).pair
        if namespace is None or not listed.index_known(index):
            continue
        if not isinstance(namespace[1], ScalarNode):
            continue
        mirror = gopath.join(base, scalar_text(namespace[1]))
        host = gopath.to_api_endpoint(mirror, bare_v2=False)
        if mirror == base or host.endswith("/v2"):
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

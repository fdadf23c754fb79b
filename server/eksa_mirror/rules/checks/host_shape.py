"""RM009 and RM012: an ``endpoint`` or an ``ociNamespaces`` ``registry`` that is not a bare host.

The schema pattern in ``structure`` finds the value; this module says what is wrong with it
(scheme, port, path, brackets), what EKS-A builds from it, and the fix to the bare host.
"""

from __future__ import annotations

from yaml.nodes import Node, ScalarNode

from eksa_mirror.core.findings import Fix, TextEdit
from eksa_mirror.core.known import Known
from eksa_mirror.core.mirror import join_host_port
from eksa_mirror.core.model import scalar_value
from eksa_mirror.core.source import get_item
from eksa_mirror.rules.checks.hosts import describe, parse_host
from eksa_mirror.rules.checks.placeholders import is_placeholder
from eksa_mirror.rules.context import Check, pointer, quote_like
from eksa_mirror.rules.registry import E, declare

declare(
    "RM009",
    "endpoint-not-bare-host",
    E,
    "`endpoint` has a scheme, port, path or brackets",
    since="v0.6.0",
    fix="safe/unsafe",
)
declare(
    "RM012",
    "oci-registry-not-bare-host",
    E,
    "`registry` has a scheme or path",
    since="v0.13.0",
    fix="safe/unsafe",
)


def check_endpoint_shape(check: Check, node: Node, value: str) -> None:
    parts = parse_host(value)
    where = pointer("endpoint")
    if parts.ok or not isinstance(node, ScalarNode):
        check.emit(
            "RM009",
            f'endpoint "{value}" is not a bare hostname or IP address',
            check.span(node),
            where,
        )
        return
    mirror = check.model.mirror
    if check.mirror_scope.get("port", fold_case=True).state is Known.UNKNOWN:
        return  # what EKS-A builds rests on the port, which a masked line may hold
    port_pair = get_item(mirror, "port", fold_case=True)
    port_value = (
        ""
        if port_pair is None
        else str(scalar_value(port_pair[1]) if isinstance(port_pair[1], ScalarNode) else "")
    )
    if is_placeholder(port_value):
        port_value = ""  # RM032 reports it; show what EKS-A builds once the port is given
    built = join_host_port(value, port_value or "443")
    message = (
        f"endpoint must be a bare hostname or IP address, without {describe(parts.problems)}: "
        f'EKS-A joins it with the port into "{built}", which containerd cannot pull from'
    )
    edits = [check.replace(node, quote_like(node, parts.host))]
    safe = not parts.path.strip("/")
    title = f'Use the bare host "{parts.host}"'
    if parts.port:
        if port_pair is None:
            indent = " " * check.span(get_item(mirror, "endpoint", fold_case=True)[0]).start.column  # type: ignore[index]
            edits.append(
                check.insert_line_after(check.span(node).end.line, f'{indent}port: "{parts.port}"')
            )
            title += f' and move port {parts.port} to "port"'
        elif port_value.lstrip("+0") != parts.port.lstrip("+0"):
            edits.append(check.replace(port_pair[1], f'"{parts.port}"'))
            title += f' and set port to "{parts.port}"'
            safe = False
    fix = Fix(title, tuple(edits), safe=safe)
    check.emit("RM009", message, check.span(node), where, fix)


def check_registry_shape(check: Check, node: Node, value: str, where: str) -> None:
    parts = parse_host(value, allow_port=True)
    if not isinstance(node, ScalarNode) or parts.ok:
        check.emit(
            "RM012",
            f'registry "{value}" must be a bare host or host:port, as in image names',
            check.span(node),
            where,
        )
        return
    fix = Fix(
        f'Use "{parts.host}"',
        (TextEdit(check.span(node), quote_like(node, parts.host)),),
        safe=not parts.path.strip("/"),
    )
    check.emit(
        "RM012",
        f"registry must be a bare host or host:port, without {describe(parts.problems)}: EKS-A "
        "matches it against the host of each image name, so this entry mirrors nothing",
        check.span(node),
        where,
        fix,
    )

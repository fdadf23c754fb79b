"""RM028: a key or value the target EKS Anywhere release does not support.

The target release is the Cluster's ``spec.eksaVersion``, else ``Options.eksa_version``,
else the latest release known (``releases.LATEST``). Boundaries and where they were
verified: docs/releases.md.
"""

from __future__ import annotations

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from eksa_mirror.core.eksa import errors, releases
from eksa_mirror.core.eksa.releases import Target, Version
from eksa_mirror.core.findings import Severity
from eksa_mirror.core.mirror import PUBLIC_ECR
from eksa_mirror.core.model import true_flag
from eksa_mirror.core.source import items
from eksa_mirror.rules.context import Check, pointer
from eksa_mirror.rules.registry import E, declare

declare(
    "RM028",
    "not-in-target-release",
    E,
    "key or value the target EKS-A release lacks",
    since="v0.6.0",
)

_KEYS = {name.lower(): name for (name,) in (f for f in releases.FIELD_SINCE if len(f) == 1)}


def target_of(check: Check) -> Target | None:
    """The release the Cluster is checked against; ``None`` when its ``spec.eksaVersion`` may
    sit under a line the syntax recovery masked."""
    if check.model.eksa_version is None:
        return None
    return releases.target_release(check.model.eksa_version, check.options.eksa_version)


def check_versions(check: Check) -> None:
    target = target_of(check)
    mirror = check.model.mirror
    if not isinstance(mirror, MappingNode) or target is None:
        return
    version = target.version
    if version < releases.MIRROR_SINCE:
        key = check.model.mirror_key
        assert key is not None
        _unknown(check, key, (), releases.MIRROR_SINCE, target)
        return
    for key, _ in items(mirror):
        name = _KEYS.get(str(key.value).lower())
        if name is None:
            continue
        since = releases.FIELD_SINCE[(name,)]
        if version < since:
            _unknown(check, key, (name,), since, target)
    _insecure_skip_verify(check, target)
    _authenticate(check, target)
    _bottlerocket_namespaces(check, target)


def _unknown(
    check: Check, key: ScalarNode, field: tuple[str, ...], since: Version, target: Target
) -> None:
    check.emit(
        "RM028",
        f"{errors.unknown_field(key.value)} (added in {since}; the target release is "
        f"{target.label})",
        check.span(key),
        pointer(*field) if field else pointer(),
    )


def _insecure_skip_verify(check: Check, target: Target) -> None:
    """Before v0.15.0 ``validateMirrorConfig`` refused ``insecureSkipVerify`` outside Snow."""
    version = target.version
    if not (releases.INSECURE_SKIP_VERIFY_SINCE <= version < releases.INSECURE_ALL_PROVIDERS):
        return
    pair = true_flag(check.model.mirror, "insecureSkipVerify")
    kind = check.model.datacenter_kind
    if pair is None or not kind or kind == "SnowDatacenterConfig":  # None: unknown
        return
    check.emit(
        "RM028",
        "insecureSkipVerify is only supported for snow provider"
        + f" (all providers from {releases.INSECURE_ALL_PROVIDERS}; the target release is "
        f"{target.label})",
        check.span(pair[0]),
        pointer("insecureSkipVerify"),
    )


def _authenticate(check: Check, target: Target) -> None:
    """``authenticate`` came in v0.12.0 for Ubuntu/RHEL on vSphere; Bottlerocket in v0.14.1."""
    version = target.version
    if version < releases.AUTHENTICATE_SINCE:
        return  # already reported as an unknown field
    pair = true_flag(check.model.mirror, "authenticate")
    kind = check.model.datacenter_kind
    if pair is None or kind is None:
        return
    span, where = check.span(pair[0]), pointer("authenticate")
    since = releases.AUTHENTICATE_PROVIDER_SINCE.get(kind)
    if since is not None and version < since:
        provider = kind.removesuffix("DatacenterConfig")
        check.emit(
            "RM028",
            f"authenticated registry mirrors reach {provider} nodes from {since} (the target "
            f"release is {target.label}); nodes will pull without credentials",
            span,
            where,
            severity=Severity.WARNING,
        )
        return
    bottlerocket = check.model.bottlerocket_machines()  # None: unknown
    if version < releases.AUTHENTICATE_BOTTLEROCKET and bottlerocket:
        first = bottlerocket[0]
        check.emit(
            "RM028",
            f"authenticate is not applied to Bottlerocket nodes before "
            f"{releases.AUTHENTICATE_BOTTLEROCKET} ({first.kind} {first.name} is bottlerocket; "
            f"the target release is {target.label})",
            span,
            where,
            severity=Severity.WARNING,
        )


_Entry = tuple[str, Node | None]


def _bottlerocket_namespaces(check: Check, target: Target) -> None:
    version = target.version
    if not (releases.OCI_NAMESPACES_SINCE <= version < releases.BOTTLEROCKET_MULTIPLE_OCI):
        return
    bottlerocket = check.model.bottlerocket_machines()
    found = check.mirror_scope.get("ociNamespaces", fold_case=True)
    if not bottlerocket or found.key is None or not isinstance(found.value, SequenceNode):
        return
    listed = check.mirror_scope.child("ociNamespaces", fold_case=True).entries()
    entries: list[_Entry] = []
    for entry in listed.items:
        registry = entry.text("registry", fold_case=True)
        if registry is None:
            return  # a masked registry may be public.ecr.aws or another
        entries.append((registry, entry.get("registry", fold_case=True).value))
    if not entries or not listed.complete:
        return
    first = bottlerocket[0]
    machine = f"{first.kind} {first.name} is bottlerocket"
    if version >= releases.BOTTLEROCKET_OCI_RULE:
        _bottlerocket_refused(check, target, entries, machine, found.key)
    elif check.model.datacenter_kind == "VSphereDatacenterConfig":
        # Tinkerbell and Snow never mirror other registries (RM018); this is about vSphere.
        _bottlerocket_unmirrored(check, target, entries, machine)


def _bottlerocket_refused(
    check: Check, target: Target, entries: list[_Entry], machine: str, key: Node
) -> None:
    """v0.19.x: ValidateOSForRegistryMirror (#7257), removed by #7876 in v0.20.0."""
    if len(entries) == 1 and entries[0][0] == PUBLIC_ECR:
        return
    check.emit(
        "RM028",
        "public.ecr.aws is the only registry supported in ociNamespaces for bottlerocket"
        f" ({machine}; v0.19.x only, several registries from "
        f"{releases.BOTTLEROCKET_MULTIPLE_OCI}; the target release is {target.label})",
        check.span(key),
        pointer("ociNamespaces"),
    )


def _bottlerocket_unmirrored(
    check: Check, target: Target, entries: list[_Entry], machine: str
) -> None:
    """Before v0.19 nothing refused other registries on Bottlerocket: they were not mirrored."""
    has_public = any(registry == PUBLIC_ECR for registry, _ in entries)
    lost = f"; without a {PUBLIC_ECR} entry no mirror reaches Bottlerocket nodes at all"
    if has_public:
        lost = ""
    for index, (registry, reg) in enumerate(entries):
        if registry == PUBLIC_ECR or not registry or reg is None:
            continue
        check.emit(
            "RM028",
            f"{registry} is not mirrored on Bottlerocket nodes before "
            f"{releases.BOTTLEROCKET_MULTIPLE_OCI}, only {PUBLIC_ECR} is ({machine}{lost}; "
            f"the target release is {target.label})",
            check.span(reg),
            pointer("ociNamespaces", index, "registry"),
            severity=Severity.WARNING,
        )

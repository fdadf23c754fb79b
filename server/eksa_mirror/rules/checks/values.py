"""Semantic rules on the values of the mirror section (beyond what a schema can say)."""

from __future__ import annotations

import re

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from eksa_mirror.core import gopath
from eksa_mirror.core.eksa import releases
from eksa_mirror.core.eksa.providers import BOTTLEROCKET_PUBLIC_ONLY
from eksa_mirror.core.eksa.registries import CURATED_PACKAGES_LEGACY, REGIONAL_PACKAGES
from eksa_mirror.core.findings import Fix, Severity
from eksa_mirror.core.known import Entries, Known
from eksa_mirror.core.mirror import PASSWORD_ENV, PUBLIC_ECR, USERNAME_ENV
from eksa_mirror.core.model import MIRROR_KEY, true_flag
from eksa_mirror.core.source import get_item, is_null, items
from eksa_mirror.rules.checks.hosts import parse_host
from eksa_mirror.rules.checks.node_format import mirror_base
from eksa_mirror.rules.checks.placeholders import is_placeholder
from eksa_mirror.rules.checks.versions import target_of
from eksa_mirror.rules.context import Check, pointer, quote_like
from eksa_mirror.rules.registry import INFO, E, W, declare

declare(
    "RM004",
    "curated-packages-duplicate",
    E,
    "more than one curated-packages registry",
    since="v0.13.0",
)
declare(
    "RM010",
    "public-ecr-missing",
    W,
    "`ociNamespaces` lacks `public.ecr.aws`",
    since="v0.13.0",
    fix="unsafe",
)
declare(
    "RM011",
    "oci-registry-duplicate",
    W,
    "the same upstream registry is mapped twice",
    since="v0.13.0",
    fix="safe",
)
declare(
    "RM013",
    "oci-namespace-format",
    W,
    "`namespace` with `..`, edge slashes or spaces",
    since="v0.13.0",
    fix="safe",
)
declare(
    "RM016",
    "authenticate-credentials",
    INFO,
    "`authenticate` needs registry credentials",
    since="v0.12.0",
)
declare(
    "RM019", "insecure-skip-verify", W, "certificate verification is switched off", since="v0.9.0"
)
declare(
    "RM021",
    "packages-namespace",
    INFO,
    "regional packages registry outside `eks-anywhere`",
    since="v0.13.0",
)
declare("RM025", "duplicate-key", E, "a key appears twice in one mapping", since="v0.6.0")


def _entries(check: Check) -> tuple[ScalarNode, SequenceNode] | None:
    pair = get_item(check.model.mirror, "ociNamespaces", fold_case=True)
    if pair is None or not isinstance(pair[1], SequenceNode):
        return None
    return pair[0], pair[1]


def _field(entry: Node, name: str) -> ScalarNode | None:
    pair = get_item(entry, name, fold_case=True)
    return pair[1] if pair is not None and isinstance(pair[1], ScalarNode) else None


def check_namespaces(check: Check) -> None:
    found = _entries(check)
    if found is None:
        return
    key, seq = found
    listed = check.mirror_scope.child("ociNamespaces", fold_case=True).entries()
    registries: list[tuple[int, ScalarNode, Node]] = []
    for index, entry in enumerate(seq.value):
        registry = _field(entry, "registry")
        if (
            registry is not None
            and isinstance(registry.value, str)
            and registry.value
            and not is_placeholder(registry.value)
        ):
            registries.append((index, registry, entry))
        namespace = _field(entry, "namespace")
        if namespace is not None and isinstance(namespace.value, str) and listed.index_known(index):
            _namespace(check, index, namespace)
    # Which entry comes first or last, and whether public.ecr.aws is among them, rests on
    # every entry: a list with a masked line in it says nothing of them.
    whole = listed.complete and all(
        entry.get("registry", fold_case=True).state is not Known.UNKNOWN for entry in listed.items
    )
    if whole:
        _curated_duplicates(check, registries)
        _duplicates(check, registries)
    _regional(check, seq, listed)
    # An entry without a registry (RM003, RM007) or with a placeholder (RM032) may be the
    # public.ecr.aws one, so RM010 waits until every entry names its registry.
    # A public.ecr.aws written with a scheme or path is RM012, whose fix makes it the entry.
    if (
        seq.value
        and whole
        and len(registries) == len(seq.value)
        and not any(
            parse_host(r.value, allow_port=True).host == PUBLIC_ECR for _, r, _ in registries
        )
    ):
        _public_ecr_missing(check, key, seq)


def _curated_duplicates(check: Check, registries: list[tuple[int, ScalarNode, Node]]) -> None:
    matching = [(i, r) for i, r, _ in registries if CURATED_PACKAGES_LEGACY.search(r.value)]
    for index, node in matching[1:]:
        check.emit(
            "RM004",
            "only one registry mirror for curated packages is suppported "
            f'(the first is "{matching[0][1].value}")',
            check.span(node),
            pointer("ociNamespaces", index, "registry"),
        )


def _duplicates(check: Check, registries: list[tuple[int, ScalarNode, Node]]) -> None:
    last: dict[str, int] = {}
    for position, (_, registry, _) in enumerate(registries):
        last[registry.value] = position
    for position, (index, registry, entry) in enumerate(registries):
        winner = last[registry.value]
        if winner == position:
            continue
        fix = _remove_entry_fix(check, entry)
        winner_index = registries[winner][0]
        check.emit(
            "RM011",
            f'"{registry.value}" is mapped again by ociNamespaces entry {winner_index + 1}; EKS-A '
            "keeps only the last mapping of a registry, so this entry is ignored",
            check.span(registry),
            pointer("ociNamespaces", index, "registry"),
            fix,
        )


def _remove_entry_fix(check: Check, entry: Node) -> Fix | None:
    """Delete a block sequence item (its ``-`` line to its last line), when it owns its lines."""
    seq = _entries(check)
    if seq is None or seq[1].flow_style is not False or not isinstance(entry, MappingNode):
        return None
    span = check.span(entry)
    before = check.line(span.start.line)[: span.start.column]
    after = check.line(span.end.line)[span.end.column :]
    # The item must start its line ("- " only before it) and nothing but a comment may follow it.
    if before.strip() not in ("-", "") or (after.strip() and not after.strip().startswith("#")):
        return None
    return Fix(
        "Remove this ignored duplicate entry",
        (check.delete_lines(span.start.line, span.end.line),),
        safe=True,
    )


def _namespace(check: Check, index: int, node: ScalarNode) -> None:
    value = node.value
    problems = []
    if ".." in value.split("/"):
        problems.append('".." (it climbs out of the endpoint)')
    if value != value.strip("/"):
        problems.append("a leading or trailing /")
    if re.search(r"\s", value):
        problems.append("whitespace")
    if not problems:
        return
    cleaned = value.strip("/")
    fix = None
    if cleaned != value and ".." not in value.split("/") and not re.search(r"\s", value):
        fix = Fix(f'Use "{cleaned}"', (check.replace(node, quote_like(node, cleaned)),), safe=True)
    base = mirror_base(check)
    if ".." in value.split("/"):
        if base is None:
            return  # the endpoint or port is unknown: so is what the nodes pull from
        mirror = gopath.join(base, value)
        effect = (
            f'which makes the mirror "{mirror}": nodes pull from '
            f"https://{gopath.to_api_endpoint(mirror)}"
        )
    elif re.search(r"\s", value):
        effect = "so nodes pull from a different path than written"
    else:
        effect = f'which drops it: the nodes use "{cleaned}"'
    check.emit(
        "RM013",
        f'namespace "{value}" contains {" and ".join(problems)}: EKS-A passes it through '
        f"filepath.Join, {effect}",
        check.span(node),
        pointer("ociNamespaces", index, "namespace"),
        fix,
    )


def _regional(check: Check, seq: SequenceNode, listed: Entries) -> None:
    for index, entry in enumerate(seq.value):
        scope = listed.items[index]
        if not listed.index_known(index) or scope.text("namespace", fold_case=True) is None:
            continue  # a masked line may hold the entry's namespace
        registry = _field(entry, "registry")
        namespace = _field(entry, "namespace")
        if registry is None or not isinstance(registry.value, str):
            continue
        region = REGIONAL_PACKAGES.get(registry.value)
        if region is None or namespace is None or namespace.value == "eks-anywhere":
            continue
        check.emit(
            "RM021",
            f'curated packages from {registry.value} ({region}) are copied with "eksctl anywhere '
            'copy packages <mirror>/eks-anywhere"; map this registry to namespace "eks-anywhere" '
            f'unless you copied them to "{namespace.value}"',
            check.span(namespace),
            pointer("ociNamespaces", index, "namespace"),
        )


def _public_ecr_missing(check: Check, key: ScalarNode, seq: SequenceNode) -> None:
    effect = _core_mirror_effect(check)
    if effect is None:
        return
    fix = None
    last = seq.value[-1]
    if (
        seq.flow_style is False
        and isinstance(last, MappingNode)
        and isinstance(seq.value[0], MappingNode)
    ):
        item_column = check.span(seq.value[0]).start.column
        line_text = check.line(check.span(seq.value[0]).start.line)
        dash = line_text.rfind("-", 0, item_column)
        if dash >= 0:
            # Keep the layout of the existing items: dash column and the gap after the dash.
            dash_part = " " * dash + "-" + " " * (item_column - dash - 1)
            inner = " " * item_column
            end_line = check.span(last).end.line
            text = f'{dash_part}registry: {PUBLIC_ECR}{check.newline}{inner}namespace: ""'
            fix = Fix(
                f'Add an entry for {PUBLIC_ECR} (namespace "")',
                (check.insert_line_after(end_line, text),),
                safe=False,
            )
    check.emit(
        "RM010",
        "ociNamespaces does not map public.ecr.aws: when ociNamespaces is set, every mirrored "
        "registry must be listed, including public.ecr.aws, or the EKS Anywhere images are "
        f"pulled from the internet{effect}",
        check.span(key),
        pointer("ociNamespaces"),
        fix,
    )


def _core_mirror_effect(check: Check) -> str | None:
    """What an unmapped public.ecr.aws does to the machines that get only its mirror: the
    external etcd machines, and Bottlerocket nodes on Bare Metal and Snow (every provider
    before v0.20.0). EKS-A renders ``ToAPIEndpoint("")`` for them: ``v2`` from v0.25.3, ""
    before (see ``releases``). ``None`` when a fact it rests on was masked."""
    model = check.model
    found = target_of(check)
    bottlerocket = model.has_bottlerocket()
    if found is None or model.external_etcd is None or model.datacenter_kind is None:
        return None
    target = found.version
    who = []
    if model.external_etcd:
        who.append("the external etcd machines")
    public_only = (
        model.datacenter_kind in BOTTLEROCKET_PUBLIC_ONLY
        or target < releases.BOTTLEROCKET_MULTIPLE_OCI
    )
    if public_only and bottlerocket is None:
        return None
    if public_only and bottlerocket:
        who.append("the Bottlerocket nodes")
    if not who:
        return ""
    if target >= releases.OVERRIDE_PATH_SINCE:
        return (
            f"; {' and '.join(who)} get the mirror endpoint `v2` (EKS-A's ToAPIEndpoint of the "
            "missing mirror), which names a host `v2`, so their image pulls fail"
        )
    return f"; {' and '.join(who)} get an empty mirror endpoint, so no mirror at all"


def check_flags(check: Check) -> None:
    mirror = check.model.mirror
    auth = true_flag(mirror, "authenticate")
    insecure = true_flag(mirror, "insecureSkipVerify")
    ca_found = check.mirror_scope.get("caCertContent", fold_case=True)
    ca = ca_found.pair
    if auth is not None:
        _authenticate(check, auth[1])
    if insecure is not None:
        bottlerocket = check.model.has_bottlerocket()
        if bottlerocket is None or ca_found.state is Known.UNKNOWN:
            return  # RM005 may say it instead, or the message rests on a masked line
        if bottlerocket and check.options.enabled("RM005"):
            return  # RM005 already says to remove it: Bottlerocket refuses the flag
        has_ca = ca is not None and not is_null(ca[1]) and bool(getattr(ca[1], "value", ""))
        check.emit(
            "RM019",
            "Warning: skip registry certificate verification is enabled: nodes accept any "
            "certificate from the mirror"
            + (
                ", and the caCertContent given is not used to verify it (containerd gets "
                "skip_verify = true)"
                if has_ca
                else ""
            )
            + ". Only use this for isolated testing or a tightly controlled air-gapped "
            "environment; "
            + (
                "remove it to verify with the caCertContent given"
                if has_ca
                else "provide caCertContent instead"
            ),
            check.span(insecure[1]),
            pointer("insecureSkipVerify"),
        )


def _authenticate(check: Check, node: ScalarNode) -> None:
    if check.options.check_env:
        env = check.options.environ()
        for name in (USERNAME_ENV, PASSWORD_ENV):
            if name not in env:
                check.emit(
                    "RM016",
                    f"please set {name} env var (authenticate: true)",
                    check.span(node),
                    pointer("authenticate"),
                    severity=Severity.ERROR,
                )
        return
    check.emit(
        "RM016",
        f"authenticate: true needs {USERNAME_ENV} and {PASSWORD_ENV} set where eksctl "
        "anywhere runs; the controller reads them from the eksa-system/registry-credentials Secret",
        check.span(node),
        pointer("authenticate"),
    )


def check_duplicate_keys(check: Check) -> None:
    """RM025 in the mirror section, and a second registryMirrorConfiguration in spec."""
    spec = check.model.spec
    seen: dict[str, ScalarNode] = {}
    for key, _ in items(spec):
        if key.value == MIRROR_KEY and key.value in seen:
            _duplicate(check, key, "", seen[key.value])
        seen.setdefault(key.value, key)
    _walk_duplicates(check, check.model.mirror, [])


def _walk_duplicates(check: Check, node: Node | None, path: list[str | int]) -> None:
    if isinstance(node, MappingNode):
        seen: dict[str, ScalarNode] = {}
        for key, value in items(node):
            if key.value in seen:
                _duplicate(check, key, pointer(*path, key.value), seen[key.value])
            seen.setdefault(key.value, key)
            _walk_duplicates(check, value, [*path, key.value])
    elif isinstance(node, SequenceNode):
        for index, child in enumerate(node.value):
            _walk_duplicates(check, child, [*path, index])


def _duplicate(check: Check, key: ScalarNode, where: str, first: ScalarNode) -> None:
    line = check.span(first).start.line + 1
    check.emit(
        "RM025",
        f'mapping key "{key.value}" already defined at line {line}: EKS-A rejects duplicate keys',
        check.span(key),
        where or pointer(),
    )

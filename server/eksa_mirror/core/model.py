"""Model: the Cluster documents of a file, their mirror section and the facts they reference.

Only what the mirror rules need is modelled: the Cluster's ``registryMirrorConfiguration``
node, its provider (``datacenterRef.kind``), the OS families of the machine configs it
references (with EKS-A's defaults), and ``spec.eksaVersion``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from eksa_mirror.core.eksa.providers import PROVIDERS
from eksa_mirror.core.goyaml import NotAString, go_string, scalar_value
from eksa_mirror.core.graph import MAX_DEPTH, NODE_BUDGET
from eksa_mirror.core.mirror import DEFAULT_PORT, MirrorConfig, OCINamespace
from eksa_mirror.core.source import (
    Document,
    SourceFile,
    get_item,
    get_value,
    is_null,
    items,
    normalize,
    scalar_text,
    split,
)

MIRROR_KEY = "registryMirrorConfiguration"
#: The JSON pointer of the mirror section in a Cluster document.
MIRROR_POINTER = f"/spec/{MIRROR_KEY}"


class ExpansionError(Exception):
    """A document expands (through aliases) into more nodes than ``NODE_BUDGET``."""


@dataclass
class MachineRef:
    """A ``machineGroupRef`` of the Cluster, resolved in the same file when possible."""

    kind: str
    name: str
    document: Document | None
    os_family: str


@dataclass
class ClusterModel:
    """One EKS-A Cluster document and the cross-document facts about it."""

    source: SourceFile
    doc: Document
    spec: Node | None
    mirror_item: tuple[ScalarNode, Node] | None
    datacenter_kind: str = ""
    datacenter_doc: Document | None = None
    machines: list[MachineRef] = field(default_factory=list)
    eksa_version: str = ""

    @property
    def mirror_key(self) -> ScalarNode | None:
        return self.mirror_item[0] if self.mirror_item else None

    @property
    def mirror(self) -> Node | None:
        return self.mirror_item[1] if self.mirror_item else None

    @property
    def os_families(self) -> frozenset[str]:
        return frozenset(m.os_family for m in self.machines if m.os_family)

    def bottlerocket_machines(self) -> list[MachineRef]:
        return [m for m in self.machines if m.os_family == "bottlerocket"]


def clusters(source: SourceFile) -> list[ClusterModel]:
    """Every EKS-A Cluster document of the file, with its references resolved."""
    by_key: dict[tuple[str, str], Document] = {}
    for doc in source.documents:
        if doc.parsed.looks_like_eksa and doc.parsed.kind:
            by_key.setdefault((doc.parsed.kind, doc.parsed.name), doc)
    result = []
    for doc in source.documents:
        if doc.parsed.is_cluster:
            result.append(_cluster(source, doc, by_key))
    return result


def _cluster(
    source: SourceFile, doc: Document, by_key: dict[tuple[str, str], Document]
) -> ClusterModel:
    spec = get_value(doc.root, "spec")
    model = ClusterModel(source, doc, spec, get_item(spec, MIRROR_KEY, fold_case=True))
    dc_ref = get_value(spec, "datacenterRef")
    model.datacenter_kind = scalar_text(get_value(dc_ref, "kind"))
    model.datacenter_doc = by_key.get(
        (model.datacenter_kind, scalar_text(get_value(dc_ref, "name")))
    )
    model.eksa_version = scalar_text(get_value(spec, "eksaVersion"))
    provider = PROVIDERS.get(model.datacenter_kind)
    machine_kind = provider.machine_kind if provider else ""
    default_os = provider.default_os if provider else ""
    refs: list[Node | None] = [
        get_value(get_value(spec, "controlPlaneConfiguration"), "machineGroupRef"),
        get_value(get_value(spec, "externalEtcdConfiguration"), "machineGroupRef"),
    ]
    workers = get_value(spec, "workerNodeGroupConfigurations")
    if isinstance(workers, SequenceNode):
        refs.extend(get_value(w, "machineGroupRef") for w in workers.value)
    seen: set[tuple[str, str]] = set()
    for ref in refs:
        if ref is None:
            continue
        kind = scalar_text(get_value(ref, "kind")) or machine_kind
        name = scalar_text(get_value(ref, "name"))
        if (kind, name) in seen:
            continue
        seen.add((kind, name))
        target = by_key.get((kind, name))
        os_family = ""
        if target is not None:
            os_family = scalar_text(get_value(get_value(target.root, "spec"), "osFamily")).lower()
            if not os_family and kind == machine_kind:
                os_family = default_os
        model.machines.append(MachineRef(kind, name, target, os_family))
    return model


# --- nodes to data ------------------------------------------------------------------------

_STR = "tag:yaml.org,2002:str"


def to_data(node: Node | None, budget: list[int] | None = None) -> Any:
    """Plain JSON-like data of a node, as EKS-A's YAML 1.1 decoder would see it.

    Unknown tags are never constructed: their value stays a string. Timestamps stay
    strings. Aliases count against ``NODE_BUDGET`` so an alias bomb cannot expand.
    """
    budget = budget if budget is not None else [NODE_BUDGET]
    budget[0] -= 1
    if budget[0] < 0:
        raise ExpansionError
    if node is None:
        return None
    if isinstance(node, ScalarNode):
        return scalar_value(node)
    if isinstance(node, SequenceNode):
        return [to_data(child, budget) for child in node.value]
    if isinstance(node, MappingNode):
        result: dict[Any, Any] = {}
        for key, value in node.value:
            k = to_data(key, budget)
            result[k if isinstance(k, str) else str(k)] = to_data(value, budget)
        return result
    return None


def true_flag(mapping: Node | None, key: str) -> tuple[ScalarNode, ScalarNode] | None:
    """The (key, value) of ``key`` in ``mapping`` when it is set to YAML ``true``, else None.

    Keys match as EKS-A's decoder reads them (``get_item``: case folded, the spelling
    greatest in byte order wins).
    """
    pair = get_item(mapping, key, fold_case=True)
    if pair is not None and isinstance(pair[1], ScalarNode) and scalar_value(pair[1]) is True:
        return pair[0], pair[1]
    return None


def is_string(node: Node | None) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _STR


# --- the effective configuration ----------------------------------------------------------


def mirror_config(model: ClusterModel) -> MirrorConfig | None:
    """The defaulted ``MirrorConfig`` of a Cluster (keys matched case-insensitively, as the
    eksctl CLI does)."""
    mirror = model.mirror
    if not isinstance(mirror, MappingNode):
        return None

    def text(key: str) -> str:
        pair = get_item(mirror, key, fold_case=True)
        if pair is None or is_null(pair[1]) or not isinstance(pair[1], ScalarNode):
            return ""
        return str(pair[1].value)

    def flag(key: str) -> bool:
        return true_flag(mirror, key) is not None

    namespaces: list[OCINamespace] = []
    pair = get_item(mirror, "ociNamespaces", fold_case=True)
    if pair is not None and isinstance(pair[1], SequenceNode):
        for entry in pair[1].value:
            registry = get_item(entry, "registry", fold_case=True)
            namespace = get_item(entry, "namespace", fold_case=True)
            namespaces.append(
                OCINamespace(
                    scalar_text(registry[1]) if registry else "",
                    scalar_text(namespace[1]) if namespace else "",
                )
            )
    return MirrorConfig(
        endpoint=text("endpoint"),
        port=text("port") or DEFAULT_PORT,
        oci_namespaces=tuple(namespaces),
        ca_cert_content=text("caCertContent"),
        authenticate=flag("authenticate"),
        insecure_skip_verify=flag("insecureSkipVerify"),
        datacenter_kind=model.datacenter_kind,
        os_families=model.os_families,
        eksa_version=model.eksa_version,
        external_etcd=isinstance(get_value(model.spec, "externalEtcdConfiguration"), MappingNode),
        etcd_os_family=_etcd_os_family(model),
        kubernetes_versions=kubernetes_versions(model.spec),
    )


def kubernetes_versions(spec: Node | None) -> tuple[str, ...]:
    """EKS-A's ``Cluster.KubernetesVersions()``: the control plane's version, then each worker
    group's own ``kubernetesVersion`` when set (repeats dropped here)."""
    versions = [_go_text(get_item(spec, "kubernetesVersion", fold_case=True))]
    workers = get_item(spec, "workerNodeGroupConfigurations", fold_case=True)
    if workers is not None and isinstance(workers[1], SequenceNode):
        for worker in workers[1].value:
            pair = get_item(worker, "kubernetesVersion", fold_case=True)
            if pair is not None and not is_null(pair[1]):
                versions.append(_go_text(pair))
    return tuple(dict.fromkeys(versions))


def _go_text(pair: tuple[ScalarNode, Node] | None) -> str:
    try:
        return go_string(pair[1] if pair else None)
    except NotAString:
        return ""


def _etcd_os_family(model: ClusterModel) -> str:
    """OS family of the external etcd machine config (it may be shared with another role)."""
    ref = get_value(get_value(model.spec, "externalEtcdConfiguration"), "machineGroupRef")
    name = scalar_text(get_value(ref, "name"))
    kind = scalar_text(get_value(ref, "kind"))
    for machine in model.machines:
        if machine.name == name and (machine.kind == kind or not kind):
            return machine.os_family
    return ""


def load_source(text: str) -> SourceFile:
    """Normalise and split a whole file (a leading BOM is dropped).

    Lines that fixes insert end like the file's own lines: normalising turns a lone CR
    into LF for the parser, so a file written with CR line ends says so here.
    """
    source = split(normalize(text.removeprefix("\ufeff")))
    if "\r" in text and "\n" not in text:
        source.newline = "\r"  # overrides the cached property, which sees only LF
    return source


def load_mirror_config(text: str) -> MirrorConfig | None:
    """The first EKS-A Cluster with a mirror section in ``text``, EKS-A defaults applied."""
    for model in clusters(load_source(text)):
        config = mirror_config(model)
        if config is not None:
            return config
    return None


__all__ = [
    "MAX_DEPTH",
    "MIRROR_KEY",
    "MIRROR_POINTER",
    "NODE_BUDGET",
    "ClusterModel",
    "ExpansionError",
    "MachineRef",
    "clusters",
    "is_string",
    "items",
    "load_mirror_config",
    "load_source",
    "mirror_config",
    "scalar_value",
    "to_data",
]

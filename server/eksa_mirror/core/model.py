"""Model: the Cluster documents of a file, their mirror section and the facts they reference.

Only what the mirror rules need is modelled: the Cluster's ``registryMirrorConfiguration``
node, its provider (``datacenterRef.kind``), the OS families of the machine configs it
references (with EKS-A's defaults), and ``spec.eksaVersion``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from eksa_mirror.core.eksa.providers import PROVIDERS
from eksa_mirror.core.goyaml import NotAString, go_string, scalar_value
from eksa_mirror.core.graph import MAX_DEPTH, NODE_BUDGET
from eksa_mirror.core.known import Known, Scope, root
from eksa_mirror.core.mirror import DEFAULT_PORT, MirrorConfig, OCINamespace
from eksa_mirror.core.positions import Origin
from eksa_mirror.core.source import (
    EKSA_GROUP,
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
_MACHINE = "MachineConfig"


class ExpansionError(Exception):
    """A document expands (through aliases) into more nodes than ``NODE_BUDGET``."""


@dataclass
class MachineRef:
    """A ``machineGroupRef`` of the Cluster, resolved in the same file when possible.

    ``None`` is unknown: a line the syntax recovery masked may have held it. An ``os_family``
    of "" is a machine config that is not in this file.
    """

    kind: str | None
    name: str | None
    document: Document | None
    os_family: str | None


@dataclass
class ClusterModel:
    """One EKS-A Cluster document and the cross-document facts about it.

    A fact is ``None`` (or ``machines_known`` false) when a line the syntax recovery masked
    may have held it (``core.known``): the rules say nothing that rests on it.
    """

    source: SourceFile
    doc: Document
    spec: Node | None
    mirror_item: tuple[ScalarNode, Node] | None
    datacenter_kind: str | None = ""
    datacenter_doc: Document | None = None
    machines: list[MachineRef] = field(default_factory=list)
    #: Whether every machine group reference of the Cluster was read.
    machines_known: bool = True
    eksa_version: str | None = ""
    external_etcd: bool | None = False
    #: Whether the file has a document that may be a machine config.
    machine_docs: bool = True
    #: Whether a document before this one may be a Cluster (its kind was masked).
    after_unknown: bool = False
    spec_scope: Scope | None = None

    @property
    def mirror_key(self) -> ScalarNode | None:
        return self.mirror_item[0] if self.mirror_item else None

    @property
    def mirror(self) -> Node | None:
        return self.mirror_item[1] if self.mirror_item else None

    @cached_property
    def mirror_scope(self) -> Scope:
        """The mirror section with what a masked line may have held (``core.known``)."""
        spec = self.spec_scope or Scope(self.doc.parsed, None, state=Known.ABSENT)
        return spec.child(MIRROR_KEY, fold_case=True)

    @property
    def mirror_whole(self) -> bool:
        """Whether no line of the mirror section was masked: its settings are all known."""
        return self.mirror_scope.state is not Known.UNKNOWN and not self.mirror_scope.masks

    @property
    def os_families(self) -> frozenset[str]:
        """The OS families known (best effort: explain and hover show what is known)."""
        return frozenset(m.os_family for m in self.machines if m.os_family)

    @property
    def families_known(self) -> bool:
        """Whether every machine of the Cluster and its OS family is known (a reference that
        was masked is known not to be in a file without machine configs)."""
        listed = self.machines_known or not self.machine_docs
        return listed and all(m.os_family is not None for m in self.machines)

    def has_bottlerocket(self) -> bool | None:
        """Whether a machine is Bottlerocket (``None``: none known to be, some unknown)."""
        if any(m.os_family == "bottlerocket" for m in self.machines):
            return True
        return False if self.families_known else None

    def bottlerocket_machines(self) -> list[MachineRef] | None:
        """The Bottlerocket machines; ``None`` when a machine's OS family is unknown."""
        if not self.families_known:
            return None
        return [m for m in self.machines if m.os_family == "bottlerocket"]


@dataclass(frozen=True)
class _Named:
    """An EKS-A document by kind and name (``None``: masked, so it may be any)."""

    kind: str | None
    name: str | None
    doc: Document


def clusters(source: SourceFile) -> list[ClusterModel]:
    """Every EKS-A Cluster document of the file, with its references resolved."""
    named: list[_Named] = []
    versions: list[str | None] = []
    for doc in source.documents:
        parsed = doc.parsed
        if not parsed.looks_like_eksa:
            continue
        if parsed.masks or not parsed.roots:
            scope = root(parsed)  # what a masked line held is unknown (None)
            kind, name = scope.text("kind"), scope.path("metadata").text("name")
            version = scope.text("apiVersion")
        else:
            kind, name, version = parsed.kind, parsed.name, parsed.api_version
        if kind != "":
            named.append(_Named(kind, name, doc))
            versions.append(version)
    result = []
    unknown_before = False
    for entry, version in zip(named, versions, strict=True):
        # A Cluster whose apiVersion line was masked is still one: its text names EKS-A.
        if entry.kind == "Cluster" and (version is None or version.startswith(EKSA_GROUP)):
            model = _cluster(source, entry.doc, named)
            model.after_unknown = unknown_before
            result.append(model)
        unknown_before = unknown_before or entry.kind is None
    return result


def _resolve(
    named: list[_Named], kind: str | None, name: str | None, *, suffix: str = ""
) -> tuple[Document | None, bool]:
    """The document of ``kind`` and ``name`` (the first), and whether that is known: a
    document whose kind or name was masked may be the one. An unknown ``kind`` may be any
    that ends with ``suffix``."""
    for entry in named:
        if kind is not None and name is not None and (entry.kind, entry.name) == (kind, name):
            return entry.doc, True
        kinds = entry.kind is None or (entry.kind == kind if kind else entry.kind.endswith(suffix))
        if kinds and (name is None or entry.name in (name, None)):
            return None, False
    return None, True


def _cluster(source: SourceFile, doc: Document, named: list[_Named]) -> ClusterModel:
    spec_scope = root(doc.parsed).child("spec")
    spec = spec_scope.node
    mirror = spec_scope.get(MIRROR_KEY, fold_case=True).pair
    model = ClusterModel(source, doc, spec, mirror, spec_scope=spec_scope)
    dc_ref = spec_scope.child("datacenterRef")
    model.datacenter_kind = dc_ref.text("kind")
    model.datacenter_doc, _ = _resolve(
        named, model.datacenter_kind, dc_ref.text("name"), suffix="DatacenterConfig"
    )
    model.machine_docs = any(e.kind is None or e.kind.endswith(_MACHINE) for e in named)
    model.eksa_version = spec_scope.text("eksaVersion")
    etcd = spec_scope.child("externalEtcdConfiguration")
    model.external_etcd = (
        None if etcd.state is Known.UNKNOWN else isinstance(etcd.node, MappingNode)
    )
    refs = [
        spec_scope.path("controlPlaneConfiguration", "machineGroupRef"),
        etcd.child("machineGroupRef"),
    ]
    workers = spec_scope.child("workerNodeGroupConfigurations").entries()
    model.machines_known = workers.complete
    refs.extend(w.child("machineGroupRef") for w in workers.items)
    seen: set[tuple[str, str]] = set()
    for ref in refs:
        if ref.state is Known.UNKNOWN:
            model.machines_known = False
        if ref.state is not Known.PRESENT:
            continue
        machine = _machine(model, ref, named)
        if machine.kind is not None and machine.name is not None:
            if (machine.kind, machine.name) in seen:
                continue
            seen.add((machine.kind, machine.name))
        model.machines.append(machine)
    return model


def _machine(model: ClusterModel, ref: Scope, named: list[_Named]) -> MachineRef:
    """One machine group reference, its machine config and OS family (EKS-A's default when
    the config has none)."""
    provider = PROVIDERS.get(model.datacenter_kind or "")
    machine_kind = provider.machine_kind if provider else ""
    default_os = provider.default_os if provider else ""
    kind = ref.text("kind")
    if kind == "":
        kind = None if model.datacenter_kind is None else machine_kind
    name = ref.text("name")
    target, known = _resolve(named, kind, name, suffix=_MACHINE)
    if not known:
        return MachineRef(kind, name, None, None)
    os_family: str | None = ""
    if target is not None:
        spelled = root(target.parsed).path("spec").text("osFamily")
        os_family = None if spelled is None else spelled.lower()
        if os_family == "" and model.datacenter_kind is None:
            os_family = None  # the default is the provider's, which is not known
        elif os_family == "" and kind == machine_kind:
            os_family = default_os
    return MachineRef(kind, name, target, os_family)


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
        datacenter_kind=model.datacenter_kind or "",
        os_families=model.os_families,
        eksa_version=model.eksa_version or "",
        external_etcd=bool(model.external_etcd),
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
            return machine.os_family or ""
    return ""


def load_source(text: str, *, parse: bool = True) -> SourceFile:
    """Normalise and split a whole file: the one place a leading BOM is taken off (the
    source's ``origin`` counts it back). ``parse=False``: the lines only.

    Lines that fixes insert end like the file's own lines: normalising turns a lone CR
    into LF for the parser, so a file written with CR line ends says so here.
    """
    bare = normalize(text.removeprefix("\ufeff"))
    source = split(bare) if parse else SourceFile(bare)
    source.origin = Origin(bom=text.startswith("\ufeff"))
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

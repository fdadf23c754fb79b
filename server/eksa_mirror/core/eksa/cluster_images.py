"""The images and charts a cluster pulls, and where its registry mirror must hold them.

``image_list`` follows ``eksctl anywhere list images`` (cmd/.../common.go ``getImages``):
the version bundles of ``Cluster.KubernetesVersions()``, each one's ``Images()`` then its
EKS-D images, plus its ``Charts()``; each reference rewritten by ``ReplaceRegistry``.
``group_missing`` says where missing references belong and which ``import images`` fills it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from eksa_mirror.core import gopath
from eksa_mirror.core.eksa.bundles import BundleImage, Bundles, VersionsBundle
from eksa_mirror.core.mirror import PUBLIC_ECR, MirrorConfig, registry_host

#: EKS-D images ``import images`` leaves out: EKS Anywhere does not use them
#: (cmd/eksctl-anywhere/cmd/internal/commands/artifacts/import.go).
UNUSED_PREFIX = f"{PUBLIC_ECR}/csi-components/"


@dataclass(frozen=True)
class EksdSource:
    """The EKS-D release manifest of one version bundle: its images, or why it was not read."""

    kube_version: str
    location: str
    images: tuple[BundleImage, ...] | None = None
    error: str = ""


@dataclass(frozen=True)
class Reference:
    """One image or chart reference of the bundle, and its place in the mirror."""

    #: The reference as the bundle writes it (``public.ecr.aws/eks-anywhere/x:v1``).
    image: str
    #: ``ReplaceRegistry(image)``; the image itself when its registry is not mapped, "" when
    #: EKS-A cannot parse it.
    mirror: str
    #: Its registry has a mirror (``ociNamespaces``, or ``public.ecr.aws`` by default).
    mapped: bool
    chart: bool = False
    #: The bundle's ``imageDigest`` ("" when it gives none).
    digest: str = ""
    #: The bundle's ``arch`` list.
    arch: tuple[str, ...] = ()
    kube_versions: tuple[str, ...] = ()
    #: Where the bundle lists it (``certManager.controller``, ``eksD etcd/etcd-image``).
    fields: tuple[str, ...] = ()
    #: ``False`` for the EKS-D images ``import images`` leaves out (``UNUSED_PREFIX``).
    needed: bool = True
    #: Why EKS-A cannot use the reference ("" when it can).
    problem: str = ""

    @property
    def kind(self) -> str:
        return "chart" if self.chart else "image"


@dataclass(frozen=True)
class ImageList:
    """Every reference of a cluster, in ``list images`` order, each once."""

    references: tuple[Reference, ...]
    kube_versions: tuple[str, ...]
    eksd: tuple[EksdSource, ...] = ()
    #: Where the bundle manifest was read from (a path or a URL).
    source: str = ""

    @property
    def needed(self) -> tuple[Reference, ...]:
        return tuple(ref for ref in self.references if ref.needed)

    @property
    def unread_eksd(self) -> tuple[EksdSource, ...]:
        return tuple(source for source in self.eksd if source.images is None)


def missing_versions(bundles: Bundles, kube_versions: Iterable[str]) -> tuple[str, ...]:
    """The cluster's Kubernetes versions that no version bundle has."""
    known = {v.kube_version for v in bundles.versions}
    return tuple(version for version in kube_versions if version not in known)


def image_list(
    cfg: MirrorConfig, bundles: Bundles, eksd: Mapping[str, EksdSource] | None = None
) -> ImageList:
    """The references of ``cfg``'s Kubernetes versions; ``eksd`` maps a version to its
    EKS-D manifest as read (a version without an entry: EKS-D images not read)."""
    eksd = eksd or {}
    versions = bundles.for_versions(cfg.kubernetes_versions)
    found: dict[str, _Entry] = {}
    sources = []
    for bundle in versions:
        source = eksd.get(bundle.kube_version) or EksdSource(
            bundle.kube_version, bundle.eksd_manifest, error="not read"
        )
        sources.append(source)
        for image in _bundle_images(bundle, source):
            if image.uri:
                found.setdefault(image.uri, _Entry(image)).add(bundle.kube_version, image)
    mapping = cfg.namespaced_registry_map()
    references = tuple(entry.reference(mapping) for entry in found.values())
    return ImageList(references, cfg.kubernetes_versions, tuple(sources))


def _bundle_images(bundle: VersionsBundle, source: EksdSource) -> list[BundleImage]:
    """``Images()``, the EKS-D images, then ``Charts()`` of one version bundle."""
    return [*bundle.images, *(source.images or ()), *bundle.charts]


@dataclass
class _Entry:
    first: BundleImage
    kube_versions: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)

    def add(self, kube_version: str, image: BundleImage) -> None:
        if kube_version not in self.kube_versions:
            self.kube_versions.append(kube_version)
        if image.field not in self.fields:
            self.fields.append(image.field)

    def reference(self, mapping: Mapping[str, str]) -> Reference:
        image = self.first
        try:
            host = registry_host(image.uri)
        except gopath.ParseError as exc:
            mirror, mapped, problem = "", False, f"EKS Anywhere cannot parse it ({exc})"
        else:
            mapped, problem = host in mapping, ""
            mirror = image.uri.replace(host, mapping[host], 1) if mapped else image.uri
        return Reference(
            image=image.uri,
            mirror=mirror,
            mapped=mapped,
            chart=image.chart,
            digest=image.digest,
            arch=image.arch,
            kube_versions=tuple(self.kube_versions),
            fields=tuple(self.fields),
            needed=not image.uri.startswith(UNUSED_PREFIX),
            problem=problem,
        )


# --------------------------------------------------------------------------- grouping


@dataclass(frozen=True)
class Group:
    """Missing references that belong in one project of the mirror."""

    #: The upstream registry (``public.ecr.aws``).
    registry: str
    #: Its mirror, ``endpoint:port[/namespace]`` (the ``import images -r`` value).
    target: str
    #: The first path segment under ``endpoint:port`` (a Harbor project).
    project: str
    references: tuple[Reference, ...]


def project_of(cfg: MirrorConfig, mirror: str) -> str:
    """The first path segment of ``mirror`` under ``endpoint:port`` ("" elsewhere)."""
    base = cfg.base_registry + "/"
    return mirror[len(base) :].partition("/")[0] if mirror.startswith(base) else ""


def group_missing(cfg: MirrorConfig, missing: Iterable[Reference]) -> tuple[Group, ...]:
    """``missing`` grouped by upstream registry and mirror project, in order of appearance."""
    mapping = cfg.namespaced_registry_map()
    groups: dict[tuple[str, str, str], list[Reference]] = {}
    for ref in missing:
        try:
            registry = registry_host(ref.image)
        except gopath.ParseError:
            registry = ""
        key = (registry, mapping.get(registry, ""), project_of(cfg, ref.mirror))
        groups.setdefault(key, []).append(ref)
    return tuple(Group(*key, tuple(refs)) for key, refs in groups.items())


def import_command(cfg: MirrorConfig, group: Group, bundle: str = "bundle-release.yaml") -> str:
    """The ``eksctl anywhere import images`` that puts ``group`` where the spec maps it, or
    "" when EKS-A imports nothing from that registry (only ``public.ecr.aws`` is rewritten).

    ``import images -r VALUE`` pushes ``public.ecr.aws/<path>`` to ``VALUE/<path>``
    (pkg/executables/docker.go ``TagImage``; charts through ``helm push`` to the same place),
    so ``VALUE`` is the mirror the spec gives ``public.ecr.aws``.
    """
    if group.registry != PUBLIC_ECR or not group.target:
        return ""
    insecure = " --insecure" if cfg.insecure_skip_verify else ""
    return (
        f"eksctl anywhere import images -i images.tar -r {group.target}"
        f" --bundles {bundle}{insecure}"
    )


def projects_to_create(groups: Iterable[Group], present_projects: Iterable[str]) -> list[str]:
    """Projects of missing references that hold no present reference (registries with
    projects, such as Harbor, refuse pushes into a project that does not exist)."""
    present = set(present_projects)
    found = [g.project for g in groups if g.project and g.project not in present]
    return list(dict.fromkeys(found))

"""EKS Anywhere's manifests read as its Go structs decode them: the bundle manifest
(``kind: Bundles``), an EKS-D release manifest and the release manifest (``kind: Release``).

The images of a version bundle are ``VersionsBundle.Images()`` and ``Charts()``
(release/api/v1alpha1/artifacts.go, v0.26.1) in their order and with their filters; EKS-D's
are ``eksd.Images`` (pkg/manifests/eksd/images.go). Keys match as encoding/json matches them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from eksa_mirror.core.goyaml import NotAString, go_string, kind_of
from eksa_mirror.core.source import compose_first, get_item, is_null

#: Go's ``<placeholder>`` for the deprecated CloudStack images (skipped, as EKS-A does).
PLACEHOLDER = "<placeholder>"
#: At most this many images are read from one manifest (a real bundle has about 500).
MAX_IMAGES = 100_000

_TINK = ("tinkerbell", "tinkerbellStack")
_ACTIONS = (*_TINK, "actions")
_HOOK = (*_TINK, "hook")
#: ``SharedImages()``, field by field (JSON names of the Go fields).
_SHARED = (
    ("bootstrap", "controller"), ("bootstrap", "kubeProxy"),
    ("bottlerocketHostContainers", "admin"), ("bottlerocketHostContainers", "control"),
    ("bottlerocketHostContainers", "kubeadmBootstrap"),
    ("certManager", "acmesolver"), ("certManager", "cainjector"), ("certManager", "controller"),
    ("certManager", "startupapicheck"), ("certManager", "webhook"),
    ("cilium", "cilium"), ("cilium", "operator"),
    ("clusterAPI", "controller"), ("clusterAPI", "kubeProxy"),
    ("controlPlane", "controller"), ("controlPlane", "kubeProxy"),
    ("eksD", "kindNode"),
    ("eksa", "cliTools"), ("eksa", "clusterController"), ("eksa", "diagnosticCollector"),
    ("flux", "helmController"), ("flux", "kustomizeController"),
    ("flux", "notificationController"), ("flux", "sourceController"),
    ("etcdadmBootstrap", "controller"), ("etcdadmBootstrap", "kubeProxy"),
    ("etcdadmController", "controller"), ("etcdadmController", "kubeProxy"),
    ("haproxy", "image"),
    ("packageController", "packageController"), ("packageController", "tokenRefresher"),
    ("upgrader", "upgrader"),
    ("bottlerocketBootstrapContainers", "multiNetworkBootstrap"),
)  # fmt: skip
_TINKERBELL = (
    ("tinkerbell", "clusterAPIController"), ("tinkerbell", "kubeVip"), ("tinkerbell", "envoy"),
    (*_ACTIONS, "cexec"), (*_ACTIONS, "kexec"), (*_ACTIONS, "imageToDisk"),
    (*_ACTIONS, "ociToDisk"), (*_ACTIONS, "writeFile"), (*_ACTIONS, "reboot"),
    (*_TINK, "boots"), (*_HOOK, "bootkit"), (*_HOOK, "docker"), (*_HOOK, "kernel"),
    (*_TINK, "tink", "tinkRelayInit"),
)  # fmt: skip
#: ``Images()``: the groups in order, and which URIs each group leaves out
#: (``None``: none; CloudStack: empty or ``<placeholder>``; Snow and Nutanix: empty).
_GROUPS: tuple[tuple[tuple[tuple[str, ...], ...], frozenset[str] | None], ...] = (
    (_SHARED, None),
    ((("docker", "kubeProxy"), ("docker", "manager")), None),
    (
        (("vSphere", "clusterAPIController"), ("vSphere", "kubeProxy"), ("vSphere", "kubeVip"),
         ("vSphere", "manager")),
        None,
    ),
    (
        (("cloudStack", "clusterAPIController"), ("cloudStack", "kubeRbacProxy"),
         ("cloudStack", "kubeVip")),
        frozenset({"", PLACEHOLDER}),
    ),
    ((("snow", "kubeVip"), ("snow", "manager"), ("snow", "bottlerocketBootstrapSnow")),
     frozenset({""})),
    (_TINKERBELL, None),
    ((("nutanix", "clusterAPIController"), ("nutanix", "cloudProvider")), frozenset({""})),
)  # fmt: skip
#: ``Charts()`` (a Go map: EKS-A's order is random, this one is fixed).
_CHARTS = (
    ("cilium", "helmChart"), ("packageController", "helmChart"),
    (*_TINK, "tinkerbellChart"), (*_TINK, "tinkerbellCrds"), (*_TINK, "stack"),
)  # fmt: skip


class ManifestError(ValueError):
    """A manifest EKS-A could not decode, or not the kind of manifest expected."""


@dataclass(frozen=True)
class BundleImage:
    """One ``Image`` of a manifest: where it is pulled from and what the bundle says of it."""

    uri: str
    digest: str = ""
    arch: tuple[str, ...] = ()
    #: Where it comes from: ``certManager.controller``, ``eksD kubernetes/kube-apiserver-image``.
    field: str = ""
    chart: bool = False


@dataclass(frozen=True)
class VersionsBundle:
    """One ``spec.versionsBundles[]`` entry: a Kubernetes version and its images."""

    kube_version: str
    #: ``eksD.manifestUrl``: the EKS-D release manifest (a URL, or a path after
    #: ``eksctl anywhere download artifacts``).
    eksd_manifest: str
    #: ``Images()`` in order, empty URIs included (EKS-A lists them too).
    images: tuple[BundleImage, ...]
    #: ``Charts()``, empty URIs included.
    charts: tuple[BundleImage, ...]


@dataclass(frozen=True)
class Bundles:
    """A bundle manifest: its number and its version bundles."""

    number: str
    versions: tuple[VersionsBundle, ...]

    def for_versions(self, kube_versions: tuple[str, ...]) -> tuple[VersionsBundle, ...]:
        """The version bundles ``bundles.ReadImages`` reads for these Kubernetes versions."""
        return tuple(v for v in self.versions if v.kube_version in kube_versions)


def _root(text: str, what: str) -> MappingNode:
    try:
        root = compose_first(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "not YAML"
        raise ManifestError(f"the {what} is not valid YAML{where}: {problem}") from None
    except RecursionError:
        raise ManifestError(f"the {what} is nested too deeply") from None
    if not isinstance(root, MappingNode):
        raise ManifestError(f"the {what} is not a YAML mapping")
    return root


def _kind(root: MappingNode, expected: str, what: str) -> None:
    kind = _text(get_item(root, "kind", fold_case=True), "kind")
    if kind and kind != expected:
        raise ManifestError(f"the {what} is a {kind} manifest, not {expected}")


def _where(node: Node) -> str:
    return f"line {node.start_mark.line + 1}"


def _text(pair: tuple[ScalarNode, Node] | None, path: str) -> str:
    return _string(pair[1] if pair else None, path)


def _string(node: Node | None, path: str) -> str:
    try:
        return go_string(node)
    except NotAString as exc:
        assert node is not None
        raise ManifestError(f"{path} ({_where(node)}): {exc}") from None


def _mapping(node: Node | None, path: str) -> MappingNode | None:
    if node is None or is_null(node):
        return None
    if not isinstance(node, MappingNode):
        raise ManifestError(
            f"{path} ({_where(node)}): expected a mapping, found a YAML {kind_of(node)}"
        )
    return node


def _sequence(node: Node | None, path: str) -> list[Node]:
    if node is None or is_null(node):
        return []
    if not isinstance(node, SequenceNode):
        raise ManifestError(
            f"{path} ({_where(node)}): expected a list, found a YAML {kind_of(node)}"
        )
    return list(node.value)


def _at(node: Node | None, keys: tuple[str, ...], path: str) -> Node | None:
    """The node at ``keys`` below ``node`` (``None`` where a level is absent or null)."""
    for key in keys:
        mapping = _mapping(node, path)
        pair = get_item(mapping, key, fold_case=True) if mapping is not None else None
        node = pair[1] if pair else None
        path = f"{path}.{key}"
    return node


def _image(node: Node | None, path: str, field: str, *, chart: bool = False) -> BundleImage:
    """An ``Image`` struct (a null or absent one is Go's zero value: every field empty)."""
    mapping = _mapping(node, path)
    if mapping is None:
        return BundleImage("", field=field, chart=chart)
    arch = tuple(
        _string(item, f"{path}.arch")
        for item in _sequence(_at(mapping, ("arch",), path), f"{path}.arch")
    )
    return BundleImage(
        uri=_text(get_item(mapping, "uri", fold_case=True), f"{path}.uri"),
        digest=_text(get_item(mapping, "imageDigest", fold_case=True), f"{path}.imageDigest"),
        arch=arch,
        field=field,
        chart=chart,
    )


def _versions_bundle(node: Node, path: str) -> VersionsBundle:
    mapping = _mapping(node, path)
    images: list[BundleImage] = []
    for fields, skipped in _GROUPS:
        for keys in fields:
            field = ".".join(keys)
            image = _image(_at(mapping, keys, path), f"{path}.{field}", field)
            if skipped is None or image.uri not in skipped:
                images.append(image)
    charts = tuple(
        _image(_at(mapping, keys, path), f"{path}.{'.'.join(keys)}", ".".join(keys), chart=True)
        for keys in _CHARTS
    )
    eksd = _mapping(_at(mapping, ("eksD",), path), f"{path}.eksD")
    kube = _text(get_item(mapping, "kubeVersion", fold_case=True), f"{path}.kubeVersion")
    manifest_pair = get_item(eksd, "manifestUrl", fold_case=True) if eksd else None
    manifest = _text(manifest_pair, f"{path}.eksD.manifestUrl")
    return VersionsBundle(kube, manifest, tuple(images), charts)


def parse_bundles(text: str) -> Bundles:
    """A bundle manifest as ``bundles.Read`` decodes it; raises ``ManifestError``."""
    root = _root(text, "bundle manifest")
    _kind(root, "Bundles", "bundle manifest")
    spec = _mapping(_at(root, ("spec",), ""), "spec")
    entries = _sequence(_at(spec, ("versionsBundles",), "spec"), "spec.versionsBundles")
    if not entries:
        raise ManifestError("the bundle manifest has no spec.versionsBundles")
    versions = tuple(
        _versions_bundle(entry, f"spec.versionsBundles[{index}]")
        for index, entry in enumerate(entries)
    )
    number = _text(get_item(spec, "number", fold_case=True), "spec.number")
    return Bundles(number, versions)


def parse_eksd(text: str) -> tuple[BundleImage, ...]:
    """The images of an EKS-D release manifest (``eksd.Images``): every asset of every
    component whose ``image`` is set, in order; raises ``ManifestError``."""
    root = _root(text, "EKS-D release manifest")
    _kind(root, "Release", "EKS-D release manifest")
    return tuple(_eksd_images(root))


def _eksd_images(root: MappingNode) -> Iterator[BundleImage]:
    count = 0
    components = _sequence(_at(root, ("status", "components"), ""), "status.components")
    for c, component in enumerate(components):
        path = f"status.components[{c}]"
        name = _text(get_item(_mapping(component, path), "name", fold_case=True), f"{path}.name")
        for a, asset in enumerate(_sequence(_at(component, ("assets",), path), f"{path}.assets")):
            where = f"{path}.assets[{a}]"
            image = _at(asset, ("image",), where)
            if image is None or is_null(image):
                continue
            count += 1
            if count > MAX_IMAGES:
                raise ManifestError(f"the EKS-D release manifest lists over {MAX_IMAGES} images")
            asset_name = _text(get_item(_mapping(asset, where), "name", fold_case=True), where)
            found = _image(image, f"{where}.image", f"eksD {name}/{asset_name}")
            arch = _sequence(_at(asset, ("arch",), where), f"{where}.arch")
            yield BundleImage(
                found.uri,
                found.digest,
                tuple(_string(node, f"{where}.arch") for node in arch),
                found.field,
            )


def bundle_manifest_url(text: str, version: str) -> str:
    """``bundleManifestUrl`` of the release ``version`` in a release manifest (``kind:
    Release``): the entry whose ``version`` is exactly ``version``; raises ``ManifestError``."""
    root = _root(text, "release manifest")
    _kind(root, "Release", "release manifest")
    spec = _mapping(_at(root, ("spec",), ""), "spec")
    known: list[str] = []
    for index, entry in enumerate(_sequence(_at(spec, ("releases",), "spec"), "spec.releases")):
        path = f"spec.releases[{index}]"
        found = _text(get_item(_mapping(entry, path), "version", fold_case=True), path)
        if found == version:
            url = get_item(_mapping(entry, path), "bundleManifestUrl", fold_case=True)
            return _text(url, f"{path}.bundleManifestUrl")
        known.append(found)
    latest = _text(get_item(spec, "latestVersion", fold_case=True), "spec.latestVersion")
    hint = f" (latest: {latest})" if latest else f" ({len(known)} releases listed)"
    raise ManifestError(f"the release manifest has no release {version}{hint}")

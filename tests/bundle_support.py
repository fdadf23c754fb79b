"""EKS Anywhere manifests generated in EKS-A's own format, for the ``check --images`` tests.

``bundle_yaml`` writes a ``kind: Bundles`` manifest shaped like the bundles EKS-A releases
(every field of ``VersionsBundle`` at v0.26.1 that holds an image, chart or manifest, keys
sorted as sigs.k8s.io/yaml writes them), ``eksd_yaml`` an EKS-D ``kind: Release`` manifest,
``release_yaml`` the release manifest. Deterministic: same arguments, same text.
"""

from __future__ import annotations

import hashlib
from typing import Any

import yaml

ECR = "public.ecr.aws"
#: Every image of a version bundle, in ``Images()`` order: the field path and flags (``a``:
#: amd64 only, else amd64 and arm64; ``v``: its tag names the Kubernetes version), then on
#: the next line its repository under public.ecr.aws (``EA/`` is ``eks-anywhere/``). The
#: image's name is the repository's last segment.
_IMAGE_TABLE = """
bootstrap.controller -
  EA/kubernetes-sigs/cluster-api/kubeadm-bootstrap-controller
bootstrap.kubeProxy -
  EA/brancz/kube-rbac-proxy
bottlerocketHostContainers.admin a
  bottlerocket/bottlerocket-admin
bottlerocketHostContainers.control a
  bottlerocket/bottlerocket-control
bottlerocketHostContainers.kubeadmBootstrap v
  EA/bottlerocket-bootstrap
certManager.acmesolver -
  EA/cert-manager/cert-manager-acmesolver
certManager.cainjector -
  EA/cert-manager/cert-manager-cainjector
certManager.controller -
  EA/cert-manager/cert-manager-controller
certManager.startupapicheck -
  EA/cert-manager/cert-manager-startupapicheck
certManager.webhook -
  EA/cert-manager/cert-manager-webhook
cilium.cilium a
  eks/cilium/cilium
cilium.operator a
  eks/cilium/operator-generic
clusterAPI.controller -
  EA/kubernetes-sigs/cluster-api/cluster-api-controller
clusterAPI.kubeProxy -
  EA/brancz/kube-rbac-proxy
controlPlane.controller -
  EA/kubernetes-sigs/cluster-api/kubeadm-control-plane-controller
controlPlane.kubeProxy -
  EA/brancz/kube-rbac-proxy
eksD.kindNode v
  EA/kubernetes-sigs/kind/node
eksa.cliTools -
  EA/eks-anywhere-cli-tools
eksa.clusterController -
  EA/eks-anywhere-cluster-controller
eksa.diagnosticCollector -
  EA/eks-anywhere-diagnostic-collector
flux.helmController -
  EA/fluxcd/helm-controller
flux.kustomizeController -
  EA/fluxcd/kustomize-controller
flux.notificationController -
  EA/fluxcd/notification-controller
flux.sourceController -
  EA/fluxcd/source-controller
etcdadmBootstrap.controller -
  EA/aws/etcdadm-bootstrap-provider
etcdadmBootstrap.kubeProxy -
  EA/brancz/kube-rbac-proxy
etcdadmController.controller -
  EA/aws/etcdadm-controller
etcdadmController.kubeProxy -
  EA/brancz/kube-rbac-proxy
haproxy.image -
  EA/kubernetes-sigs/kind/haproxy
packageController.packageController -
  EA/eks-anywhere-packages
packageController.tokenRefresher -
  EA/ecr-token-refresher
upgrader.upgrader v
  EA/aws/upgrader
bottlerocketBootstrapContainers.multiNetworkBootstrap v
  EA/bottlerocket-bootstrap-multi-network
docker.kubeProxy -
  EA/brancz/kube-rbac-proxy
docker.manager -
  EA/kubernetes-sigs/cluster-api/capd-manager
vSphere.clusterAPIController -
  EA/kubernetes-sigs/cluster-api-provider-vsphere/release/manager
vSphere.kubeProxy -
  EA/brancz/kube-rbac-proxy
vSphere.kubeVip -
  EA/kube-vip/kube-vip
vSphere.manager v
  EA/kubernetes/cloud-provider-vsphere/cpi/manager
snow.kubeVip -
  EA/kube-vip/kube-vip
snow.manager -
  EA/aws/cluster-api-provider-aws-snow/manager
snow.bottlerocketBootstrapSnow v
  EA/bottlerocket-bootstrap-snow
tinkerbell.clusterAPIController -
  EA/tinkerbell/cluster-api-provider-tinkerbell
tinkerbell.kubeVip -
  EA/kube-vip/kube-vip
tinkerbell.envoy -
  EA/envoyproxy/envoy
tinkerbell.tinkerbellStack.actions.cexec -
  EA/tinkerbell/actions/cexec
tinkerbell.tinkerbellStack.actions.kexec -
  EA/tinkerbell/actions/kexec
tinkerbell.tinkerbellStack.actions.imageToDisk -
  EA/tinkerbell/actions/image2disk
tinkerbell.tinkerbellStack.actions.ociToDisk -
  EA/tinkerbell/actions/oci2disk
tinkerbell.tinkerbellStack.actions.writeFile -
  EA/tinkerbell/actions/writefile
tinkerbell.tinkerbellStack.actions.reboot -
  EA/tinkerbell/actions/reboot
tinkerbell.tinkerbellStack.boots -
  EA/tinkerbell/tinkerbell/tinkerbell
tinkerbell.tinkerbellStack.hook.bootkit -
  EA/tinkerbell/hook-bootkit
tinkerbell.tinkerbellStack.hook.docker -
  EA/tinkerbell/hook-docker
tinkerbell.tinkerbellStack.hook.kernel -
  EA/tinkerbell/hook-kernel
tinkerbell.tinkerbellStack.tink.tinkRelayInit -
  EA/tinkerbell/tink/tink-relay-init
nutanix.clusterAPIController -
  EA/nutanix-cloud-native/cluster-api-provider-nutanix
nutanix.cloudProvider v
  EA/nutanix-cloud-native/cloud-provider-nutanix/controller
"""
#: ``Charts()``: the field path, then on the next line the chart's repository.
_CHART_TABLE = """
cilium.helmChart
  eks/cilium/cilium
packageController.helmChart
  EA/eks-anywhere-packages
tinkerbell.tinkerbellStack.tinkerbellChart
  EA/tinkerbell/tinkerbell-chart
tinkerbell.tinkerbellStack.tinkerbellCrds
  EA/tinkerbell/tinkerbell-crds
tinkerbell.tinkerbellStack.stack
  EA/tinkerbell/tinkerbell/tinkerbell-helm
"""
#: EKS-D images: component, then on the next line the repository (``csi-components/``
#: ones are left out by ``import images``).
_EKSD_TABLE = """
kubernetes
  eks-distro/kubernetes/kube-apiserver
kubernetes
  eks-distro/kubernetes/kube-controller-manager
kubernetes
  eks-distro/kubernetes/kube-scheduler
kubernetes
  eks-distro/kubernetes/kube-proxy
kubernetes
  eks-distro/kubernetes/pause
coredns
  eks-distro/coredns/coredns
etcd
  eks-distro/etcd-io/etcd
metrics-server
  eks-distro/kubernetes-sigs/metrics-server
aws-iam-authenticator
  eks-distro/kubernetes-sigs/aws-iam-authenticator
livenessprobe
  eks-distro/kubernetes-csi/livenessprobe
node-driver-registrar
  eks-distro/kubernetes-csi/node-driver-registrar
external-attacher
  csi-components/external-attacher
external-provisioner
  csi-components/external-provisioner
external-resizer
  csi-components/external-resizer
"""
ASSETS = "https://anywhere-assets.eks.amazonaws.com/releases/bundles"
DISTRO = "https://distro.eks.amazonaws.com"


def _pairs(text: str) -> list[tuple[str, str]]:
    lines = text.strip().splitlines()
    return [
        (head.strip(), line.strip().replace("EA/", "eks-anywhere/"))
        for head, line in zip(lines[::2], lines[1::2], strict=True)
    ]


def _images() -> tuple[tuple[str, str, tuple[str, ...], bool], ...]:
    rows = []
    for head, repository in _pairs(_IMAGE_TABLE):
        path, flags = head.split()
        arch = ("amd64",) if "a" in flags else ("amd64", "arm64")
        rows.append((path, repository, arch, "v" in flags))
    return tuple(rows)


#: (field path, repository, architectures, tag per Kubernetes version), ``Images()`` order.
IMAGES = _images()
#: (field path, repository) of ``Charts()``.
CHARTS = tuple(_pairs(_CHART_TABLE))
#: (component, repository) of the EKS-D images.
EKSD_IMAGES = tuple(_pairs(_EKSD_TABLE))

#: Manifests of a version bundle (not images: ``bundle.Manifests()``).
MANIFESTS = (
    "bootstrap.components", "bootstrap.metadata", "certManager.manifest", "clusterAPI.components",
    "clusterAPI.metadata", "controlPlane.components", "controlPlane.metadata", "docker.components",
    "docker.clusterTemplate", "docker.metadata", "eksa.components", "etcdadmBootstrap.components",
    "etcdadmBootstrap.metadata", "etcdadmController.components", "etcdadmController.metadata",
    "kindnetd.manifest", "nutanix.components", "nutanix.metadata", "nutanix.clusterTemplate",
    "snow.components", "snow.metadata", "tinkerbell.components", "tinkerbell.metadata",
    "tinkerbell.clusterTemplate", "vSphere.components", "vSphere.metadata",
    "vSphere.clusterTemplate",
)  # fmt: skip


def digest(text: str) -> str:
    """A stable fake ``sha256:`` digest for ``text``."""
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def _set(tree: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for key in parents:
        tree = tree.setdefault(key, {})
    tree[last] = value


def _image(name: str, uri: str, arch: tuple[str, ...], digests: dict[str, str]) -> dict[str, Any]:
    return {
        "arch": list(arch),
        "description": f"Container image for {name} image",
        "imageDigest": digests.get(uri, digest(uri)),
        "name": name,
        "os": "linux",
        "uri": uri,
    }


def eksd_release(kube: str, number: int = 60) -> str:
    """The EKS-D release name of a Kubernetes version: ``kubernetes-1-29-eks-60``."""
    return f"kubernetes-{kube.replace('.', '-')}-eks-{number}"


def image_uri(repository: str, tag: str, registry: str = ECR) -> str:
    return f"{registry}/{repository}:{tag}"


def _eksd_fields(kube: str, eksd_url: str) -> dict[str, Any]:
    dash = kube.replace(".", "-")
    release = eksd_release(kube)
    empty = {"bottlerocket": {}}
    return {
        "channel": dash,
        "components": f"{DISTRO}/crds/releases.distro.eks.amazonaws.com-v1alpha1.yaml",
        "gitCommit": "0123456789abcdef0123456789abcdef01234567",
        "kubeVersion": f"v{kube}.0",
        "manifestUrl": eksd_url or f"{DISTRO}/kubernetes-{dash}/{release}.yaml",
        "name": release,
        "ami": empty,
        "ova": empty,
        "raw": empty,
    }


def versions_bundle(
    kube: str,
    number: int,
    *,
    unique: bool = False,
    eksd_url: str = "",
    digests: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One ``spec.versionsBundles[]`` entry for Kubernetes ``kube`` of bundle ``number``.

    ``unique``: every tag names the Kubernetes version (no image shared between versions).
    ``digests``: the ``imageDigest`` of these URIs (others get a made-up one).
    """
    digests = digests or {}
    dash = kube.replace(".", "-")
    vb: dict[str, Any] = {"kubeVersion": kube, "endOfStandardSupport": "2026-12-31"}
    for path, repository, arch, per_version in IMAGES:
        name = repository.rsplit("/", 1)[-1]
        tag = f"v1.{number % 7}.{len(name) % 5}-eks-a-{number}"
        if per_version or unique:
            tag = f"v{kube}.0-eks-d-{dash}-60-eks-a-{number}"
        _set(vb, path, _image(name, image_uri(repository, tag), arch, digests))
    for path, repository in CHARTS:
        tag = f"1.{number % 7}.0-eks-a-{number}" + (f"-{dash}" if unique else "")
        uri = image_uri(repository, tag)
        name = repository.rsplit("/", 1)[-1]
        chart = {"description": f"Helm chart for {name}", "name": name, "uri": uri}
        _set(vb, path, {**chart, "imageDigest": digests.get(uri, digest(uri))})
    for path in MANIFESTS:
        _set(vb, path, {"uri": f"{ASSETS}/{number}/artifacts/{path.replace('.', '/')}.yaml"})
    for key in ("clusterAPIController", "kubeRbacProxy", "kubeVip"):
        _set(vb, f"cloudStack.{key}", {"name": key, "uri": "<placeholder>"})
    _set(vb, "cloudStack.components", {"uri": "<placeholder>"})
    vb["eksD"].update(_eksd_fields(kube, eksd_url))
    return vb


def bundle_yaml(
    kube_versions: tuple[str, ...] = ("1.30", "1.31", "1.32", "1.33"),
    number: int = 97,
    *,
    unique: bool = False,
    eksd_urls: dict[str, str] | None = None,
    digests: dict[str, str] | None = None,
) -> str:
    """A whole ``kind: Bundles`` manifest, keys sorted as EKS-A writes them."""
    versions = [
        versions_bundle(
            kube, number, unique=unique, eksd_url=(eksd_urls or {}).get(kube, ""), digests=digests
        )
        for kube in kube_versions
    ]
    spec = {"cliMaxVersion": "v0.26.1", "cliMinVersion": "v0.26.0", "number": number}
    document = {
        "apiVersion": "anywhere.eks.amazonaws.com/v1alpha1",
        "kind": "Bundles",
        "metadata": {"creationTimestamp": "2026-01-01T00:00:00Z", "name": f"bundles-{number}"},
        "spec": {**spec, "versionsBundles": versions},
    }
    return yaml.safe_dump(document, sort_keys=True)


def eksd_yaml(kube: str, number: int = 60, digests: dict[str, str] | None = None) -> str:
    """An EKS-D ``kind: Release`` manifest with images and archives, as EKS-D publishes it."""
    dash = kube.replace(".", "-")
    components: dict[str, list[dict[str, Any]]] = {}
    for component, repository in EKSD_IMAGES:
        name = repository.rsplit("/", 1)[-1] + "-image"
        uri = image_uri(repository, f"v{kube}.0-eks-{dash}-{number}")
        image = {"imageDigest": (digests or {}).get(uri, digest(uri)), "uri": uri}
        asset = {"arch": ["amd64", "arm64"], "description": f"{name} container image",
                 "image": image, "name": name, "os": "linux", "type": "Image"}  # fmt: skip
        components.setdefault(component, []).append(asset)
    tarball = "kubernetes-client-linux-amd64.tar.gz"
    archive = {
        "sha256": "0" * 64,
        "sha512": "0" * 128,
        "uri": f"{DISTRO}/kubernetes-{dash}/releases/{number}/artifacts/{tarball}",
    }
    components["kubernetes"].append({"arch": ["amd64"], "description": "client tarball",
                                     "name": tarball, "os": "linux", "type": "Archive",
                                     "archive": archive})  # fmt: skip
    status = {
        "date": "2026-01-01T00:00:00Z",
        "components": [
            {"assets": assets, "gitTag": "v1.0.0", "name": component}
            for component, assets in components.items()
        ],
    }
    document = {
        "apiVersion": "distro.eks.amazonaws.com/v1alpha1",
        "kind": "Release",
        "metadata": {"creationTimestamp": None, "name": eksd_release(kube, number)},
        "spec": {"channel": dash, "number": number},
        "status": status,
    }
    return yaml.safe_dump(document, sort_keys=True)


def release_yaml(bundles: dict[str, str]) -> str:
    """EKS-A's release manifest listing ``{version: bundleManifestUrl}``."""
    binary = {"darwin": {"uri": "https://x/darwin.tar.gz"}, "linux": {"uri": "https://x/l.tar.gz"}}
    cli = {"darwin": {"amd64": {}, "arm64": {}}, "linux": {"amd64": {}, "arm64": {}}}
    releases = [
        {"bundleManifestUrl": url, "date": "2026-01-01T00:00:00Z", "gitCommit": "0" * 40,
         "gitTag": version, "number": index + 1, "version": version,
         "eksABinary": binary, "eksACLI": cli}
        for index, (version, url) in enumerate(bundles.items())
    ]  # fmt: skip
    document = {
        "apiVersion": "anywhere.eks.amazonaws.com/v1alpha1",
        "kind": "Release",
        "metadata": {"name": "release-manifest"},
        "spec": {"latestVersion": list(bundles)[-1], "releases": releases},
    }
    return yaml.safe_dump(document, sort_keys=True)

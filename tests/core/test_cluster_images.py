"""``core.eksa.cluster_images``: a cluster's references as ``list images`` gives them, each
rewritten by ``ReplaceRegistry``, and missing ones grouped with the ``import images`` that
fills them. (Equality with EKS-A's own Go code: ``tests/e2e/test_images_go.py``.)"""

from __future__ import annotations

import pytest

import bundle_support as bs
from eksa_mirror.core.eksa.bundles import BundleImage, Bundles, VersionsBundle, parse_bundles
from eksa_mirror.core.eksa.cluster_images import (
    EksdSource,
    Reference,
    group_missing,
    image_list,
    import_command,
    missing_versions,
    projects_to_create,
)
from eksa_mirror.core.mirror import MirrorConfig, OCINamespace
from eksa_mirror.core.model import load_mirror_config


def cfg(
    *namespaces: tuple[str, str], versions: tuple[str, ...] = ("1.31",), **kw: bool
) -> MirrorConfig:
    entries = tuple(OCINamespace(registry, ns) for registry, ns in namespaces)
    return MirrorConfig("10.0.0.5", "443", entries, kubernetes_versions=versions, **kw)


def version(kube: str, *uris: str, eksd: str = "eksd.yaml") -> VersionsBundle:
    images = tuple(BundleImage(uri, field=f"f{i}") for i, uri in enumerate(uris))
    chart = (
        BundleImage("public.ecr.aws/eks/cilium/cilium:1.0", field="cilium.helmChart", chart=True),
    )
    return VersionsBundle(kube, eksd, images, chart)


BUNDLE = Bundles("1", (
    version("1.30", "public.ecr.aws/a/only-130:v1", "public.ecr.aws/a/shared:v1"),
    version("1.31", "public.ecr.aws/a/shared:v1", "", "public.ecr.aws/a/kind:v131"),
    version("1.32", "public.ecr.aws/a/shared:v1", "public.ecr.aws/a/kind:v132"),
))  # fmt: skip


def test_only_the_clusters_versions_each_reference_once_in_order() -> None:
    eksd = EksdSource("1.31", "eksd.yaml", (
        BundleImage("public.ecr.aws/eks-distro/etcd:v1", field="eksD etcd/etcd-image"),
        BundleImage("public.ecr.aws/csi-components/attacher:v1", field="eksD a/a-image"),
    ))  # fmt: skip
    found = image_list(cfg(versions=("1.32", "1.31")), BUNDLE, {"1.31": eksd})
    assert [(r.image, r.kube_versions) for r in found.references] == [
        ("public.ecr.aws/a/shared:v1", ("1.31", "1.32")),
        ("public.ecr.aws/a/kind:v131", ("1.31",)),
        ("public.ecr.aws/eks-distro/etcd:v1", ("1.31",)),
        ("public.ecr.aws/csi-components/attacher:v1", ("1.31",)),
        ("public.ecr.aws/eks/cilium/cilium:1.0", ("1.31", "1.32")),
        ("public.ecr.aws/a/kind:v132", ("1.32",)),
    ]
    assert [r.needed for r in found.references] == [True, True, True, False, True, True]
    assert [r.kind for r in found.references][4] == "chart"
    assert [s.kube_version for s in found.unread_eksd] == ["1.32"]
    assert found.unread_eksd[0].error == "not read"


@pytest.mark.parametrize(
    ("namespaces", "image", "mirror", "mapped"),
    [
        ((), "public.ecr.aws/a/b:v1", "10.0.0.5:443/a/b:v1", True),
        ((("public.ecr.aws", "eksa"),), "public.ecr.aws/a/b:v1", "10.0.0.5:443/eksa/a/b:v1", True),
        ((("public.ecr.aws", "x/"),), "public.ecr.aws/a:v1", "10.0.0.5:443/x/a:v1", True),
        ((("public.ecr.aws", "../up"),), "public.ecr.aws/a:v1", "up/a:v1", True),
        ((("docker.io", "hub"),), "public.ecr.aws/a:v1", "public.ecr.aws/a:v1", False),
        ((("docker.io", "hub"),), "docker.io/library/x:1", "10.0.0.5:443/hub/library/x:1", True),
        ((), "PUBLIC.ECR.AWS/a:v1", "PUBLIC.ECR.AWS/a:v1", False),
        ((), "localhost:5000/a:v1", "localhost:5000/a:v1", False),
    ],
)  # fmt: skip
def test_rewrite_through_the_mirror(
    namespaces: tuple[tuple[str, str], ...], image: str, mirror: str, mapped: bool
) -> None:
    bundle = Bundles("1", (version("1.31", image),))
    (ref, _) = image_list(cfg(*namespaces), bundle).references
    assert (ref.mirror, ref.mapped, ref.problem) == (mirror, mapped, "")


def test_a_reference_go_cannot_parse() -> None:
    bundle = Bundles("1", (version("1.31", "10.0.0.1:5000/x:1"),))
    (ref, _) = image_list(cfg(), bundle).references
    assert ref.problem == (
        "EKS Anywhere cannot parse it (first path segment in URL cannot contain colon)"
    )
    assert (ref.mirror, ref.mapped) == ("", False)


def test_versions_missing_from_the_bundle() -> None:
    assert missing_versions(BUNDLE, ("1.31", "1.33", "1.3")) == ("1.33", "1.3")


def test_kubernetes_versions_of_the_spec() -> None:
    spec = (
        "apiVersion: anywhere.eks.amazonaws.com/v1alpha1\nkind: Cluster\nmetadata:\n  name: c\n"
        "spec:\n  kubernetesVersion: 1.30\n  workerNodeGroupConfigurations:\n"
        "  - name: a\n    kubernetesVersion: '1.31'\n  - name: b\n"
        "  - name: c\n    kubernetesVersion: null\n  - name: d\n    kubernetesVersion: '1.31'\n"
        "  registryMirrorConfiguration:\n    endpoint: 10.0.0.5\n"
    )
    config = load_mirror_config(spec)
    assert config is not None
    # An unquoted 1.30 is the Go string "1.3", as sigs.k8s.io/yaml decodes it.
    assert config.kubernetes_versions == ("1.3", "1.31")


def ref(mirror: str, image: str = "") -> Reference:
    return Reference(image or "public.ecr.aws/" + mirror.split("/", 2)[2], mirror, True)


def test_missing_grouped_by_project_with_the_import_command() -> None:
    config = cfg(("public.ecr.aws", "eksa"), ("docker.io", "hub"), insecure_skip_verify=True)
    missing = [
        ref("10.0.0.5:443/eksa/eks-anywhere/cli-tools:v1"),
        ref("10.0.0.5:443/hub/library/busybox:1", "docker.io/library/busybox:1"),
        ref("10.0.0.5:443/eksa/eks-distro/etcd:v1"),
    ]
    groups = group_missing(config, missing)
    assert [(g.registry, g.target, g.project, len(g.references)) for g in groups] == [
        ("public.ecr.aws", "10.0.0.5:443/eksa", "eksa", 2),
        ("docker.io", "10.0.0.5:443/hub", "hub", 1),
    ]
    assert import_command(config, groups[0], "eks-anywhere-downloads/bundle-release.yaml") == (
        "eksctl anywhere import images -i images.tar -r 10.0.0.5:443/eksa"
        " --bundles eks-anywhere-downloads/bundle-release.yaml --insecure"
    )
    assert import_command(config, groups[1]) == ""


def test_projects_to_create_are_those_without_any_present_reference() -> None:
    config = cfg()
    missing = [ref("10.0.0.5:443/eks-anywhere/a:v1"), ref("10.0.0.5:443/bottlerocket/b:v1"),
               ref("10.0.0.5:443/eks-anywhere/c:v1")]  # fmt: skip
    groups = group_missing(config, missing)
    assert [g.project for g in groups] == ["eks-anywhere", "bottlerocket"]
    assert projects_to_create(groups, {"eks-anywhere", "eks-distro"}) == ["bottlerocket"]


def test_generated_bundle_counts() -> None:
    bundles = parse_bundles(bs.bundle_yaml(("1.31", "1.32")))
    found = image_list(cfg(versions=("1.31", "1.32")), bundles)
    # 58 Images() entries per version bundle, 50 distinct (kube-rbac-proxy and kube-vip are
    # listed 7 and 3 times), 7 of them per version: 43 + 2 x 7; then 5 charts.
    assert len(found.references) == 43 + 2 * 7 + 5

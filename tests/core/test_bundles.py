"""``core.eksa.bundles``: EKS-A's bundle, EKS-D and release manifests read as EKS-A's Go
structs decode them (``VersionsBundle.Images()``/``Charts()`` of v0.26.1, ``eksd.Images``,
``releases.ReleaseForVersion``), and every way a manifest can be wrong, named with its line."""

from __future__ import annotations

import pytest

import bundle_support as bs
from eksa_mirror.core.eksa.bundles import (
    ManifestError,
    bundle_manifest_url,
    parse_bundles,
    parse_eksd,
)
from eksa_mirror.core.goyaml import format_float32

HEAD = "apiVersion: anywhere.eks.amazonaws.com/v1alpha1\nkind: Bundles\nspec:\n  versionsBundles:\n"


def bundle(body: str) -> str:
    """A bundle with one version bundle whose fields are ``body`` (at 4 spaces)."""
    lines = body.strip("\n").splitlines()
    return HEAD + "  - " + lines[0] + "\n" + "".join(f"    {line}\n" for line in lines[1:])


def uris(text: str) -> list[str]:
    (version,) = parse_bundles(text).versions
    return [image.uri for image in version.images if image.uri]


def test_generated_bundle_in_images_order() -> None:
    bundles = parse_bundles(bs.bundle_yaml(("1.30", "1.31")))
    assert bundles.number == "97"
    assert [v.kube_version for v in bundles.versions] == ["1.30", "1.31"]
    first = bundles.versions[0]
    # Images(): 33 shared, 2 Docker, 4 vSphere, 0 CloudStack (placeholders), 3 Snow,
    # 14 Tinkerbell, 2 Nutanix.
    assert len(first.images) == 58
    assert [image.field for image in first.images] == [path for path, *_ in bs.IMAGES]
    assert first.images[0].uri == (
        "public.ecr.aws/eks-anywhere/kubernetes-sigs/cluster-api/kubeadm-bootstrap-controller"
        ":v1.6.3-eks-a-97"
    )
    assert first.images[0].arch == ("amd64", "arm64")
    assert first.images[0].digest == bs.digest(first.images[0].uri)
    assert [chart.field for chart in first.charts] == [path for path, _ in bs.CHARTS]
    assert all(chart.chart for chart in first.charts)
    assert first.eksd_manifest == (
        "https://distro.eks.amazonaws.com/kubernetes-1-30/kubernetes-1-30-eks-60.yaml"
    )


@pytest.mark.parametrize(
    ("cloudstack", "expected"),
    [
        ("uri: <placeholder>", []),
        ("uri: ''", []),
        ("uri: registry.example.com/capc:v1", ["registry.example.com/capc:v1"]),
    ],
)
def test_cloudstack_images_only_when_set(cloudstack: str, expected: list[str]) -> None:
    text = bundle(f"kubeVersion: '1.31'\ncloudStack:\n  clusterAPIController:\n    {cloudstack}")
    assert uris(text) == expected


def test_snow_and_nutanix_empty_uris_skipped_shared_ones_kept() -> None:
    text = bundle("kubeVersion: '1.31'\nsnow:\n  manager:\n    uri: ''\nnutanix: {}")
    (version,) = parse_bundles(text).versions
    # Shared, Docker, vSphere and Tinkerbell images are listed even when empty (33 + 2 + 4 +
    # 14); Snow's and Nutanix's empty ones are not.
    assert len(version.images) == 53
    assert {image.uri for image in version.images} == {""}


def test_keys_match_case_insensitively_greatest_spelling_wins() -> None:
    text = bundle(
        "kubeVersion: '1.31'\ncertManager:\n  controller:\n"
        "    URI: public.ecr.aws/upper:v1\n    uri: public.ecr.aws/lower:v1"
    )
    assert uris(text) == ["public.ecr.aws/lower:v1"]  # "uri" > "URI" in byte order


def test_numbers_become_go_strings() -> None:
    text = bundle("kubeVersion: 1.30\neksa:\n  cliTools:\n    uri: 123\n    arch: [1.50, true]")
    (version,) = parse_bundles(text).versions
    assert version.kube_version == "1.3"
    cli = next(image for image in version.images if image.field == "eksa.cliTools")
    assert (cli.uri, cli.arch) == ("123", ("1.5", "true"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kind: Bundles\nspec: [1]\n", "spec (line 2): expected a mapping, found a YAML sequence"),
        ("kind: Release\nspec: {}\n", "the bundle manifest is a Release manifest, not Bundles"),
        ("kind: Bundles\nspec: {}\n", "the bundle manifest has no spec.versionsBundles"),
        ("- 1\n", "the bundle manifest is not a YAML mapping"),
        ("a: [\n", "the bundle manifest is not valid YAML (line 2): did not find expected node"
                   " content"),
        (bundle("kubeVersion: '1.31'\neksa:\n  cliTools:\n    uri: {a: 1}"),
         "spec.versionsBundles[0].eksa.cliTools.uri (line 8): expected a string, found a YAML"
         " mapping"),
        (bundle("kubeVersion: '1.31'\neksa:\n  cliTools:\n    arch: amd64"),
         "spec.versionsBundles[0].eksa.cliTools.arch (line 8): expected a list, found a YAML"
         " scalar"),
        (bundle("kubeVersion: '1.31'\neksa: [x]"),
         "spec.versionsBundles[0].eksa (line 6): expected a mapping, found a YAML sequence"),
    ],
)  # fmt: skip
def test_broken_bundles_named_with_their_line(text: str, message: str) -> None:
    with pytest.raises(ManifestError) as caught:
        parse_bundles(text)
    assert str(caught.value) == message


def test_eksd_images_are_the_assets_with_an_image() -> None:
    images = parse_eksd(bs.eksd_yaml("1.31"))
    assert len(images) == len(bs.EKSD_IMAGES)  # the client tarball is an archive
    assert (
        images[0].uri == "public.ecr.aws/eks-distro/kubernetes/kube-apiserver:v1.31.0-eks-1-31-60"
    )
    assert images[0].field == "eksD kubernetes/kube-apiserver-image"
    assert images[0].arch == ("amd64", "arm64")
    text = (
        "kind: Release\nstatus:\n  components:\n  - name: c\n    assets:\n"
        "    - name: a\n      image: null\n    - name: b\n      image: {}\n"
    )
    assert [(i.uri, i.field) for i in parse_eksd(text)] == [("", "eksD c/b")]


def test_release_manifest_names_the_bundle_of_a_release() -> None:
    text = bs.release_yaml({"v0.26.0": "https://x/96.yaml", "v0.26.1": "https://x/97.yaml"})
    assert bundle_manifest_url(text, "v0.26.1") == "https://x/97.yaml"
    with pytest.raises(ManifestError) as caught:
        bundle_manifest_url(text, "0.26.1")  # ReleaseForVersion compares the strings
    assert str(caught.value) == "the release manifest has no release 0.26.1 (latest: v0.26.1)"


@pytest.mark.parametrize(
    ("value", "text"),
    [(1.30, "1.3"), (1.29, "1.29"), (0.1, "0.1"), (1e6, "1e+06"), (123456.0, "123456"),
     (1234567.0, "1.234567e+06"), (0.0001, "0.0001"), (0.00001, "1e-05"), (-2.5, "-2.5"),
     (1e39, "+Inf"), (0.0, "0"), (16777217.0, "1.6777216e+07")],
)  # fmt: skip
def test_floats_as_go_formats_them_in_32_bits(value: float, text: str) -> None:
    assert format_float32(value) == text

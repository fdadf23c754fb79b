"""``eksa-mirror check --images`` against Debian's ``docker-registry`` (TLS, htpasswd).

A bundle of four Kubernetes versions is generated in EKS-A's format; a downloads folder is
written as ``eksctl anywhere download artifacts`` writes it; the registry is filled through
the OCI API as ``import images`` would fill it, minus chosen references: left out (an image,
an EKS-D image, a chart), stripped of amd64, pushed as one platform. The cluster uses two of
the versions (control plane 1.31, workers 1.32), so what only 1.30 or 1.33 pull must not
matter. The command runs as a user runs it, in a subprocess.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from images_fixtures import Plan, fill
from oci_push import Pusher
from registry_fixtures import RegistryServer, SilentListener
from registry_pki import Pki

import bundle_support as bs
from eksa_mirror.core.eksa.bundles import parse_bundles, parse_eksd
from eksa_mirror.core.eksa.cluster_images import EksdSource, ImageList, image_list
from eksa_mirror.core.mirror import MirrorConfig, OCINamespace
from support import Cert, run_cli

pytestmark = pytest.mark.e2e

USER = "eksa-importer"
PASSWORD = "Image-Pa55-never-printed"
CREDS = {"REGISTRY_USERNAME": USER, "REGISTRY_PASSWORD": PASSWORD}
ALL = ("1.30", "1.31", "1.32", "1.33")
NAMESPACE = "eksa"


def ref(repository: str, kube: str = "", number: int = 97) -> str:
    """The bundle's reference of an image of ``bundle_support`` (``kube``: per-version tag)."""
    for _, repo, _, per_version in bs.IMAGES:
        if repo == repository:
            name = repo.rsplit("/", 1)[-1]
            tag = f"v1.{number % 7}.{len(name) % 5}-eks-a-{number}"
            if per_version:
                dash = kube.replace(".", "-")
                tag = f"v{kube}.0-eks-d-{dash}-60-eks-a-{number}"
            return bs.image_uri(repo, tag)
    raise KeyError(repository)


def eksd_ref(repository: str, kube: str) -> str:
    return bs.image_uri(repository, f"v{kube}.0-eks-{kube.replace('.', '-')}-60")


def chart_ref(repository: str) -> str:
    return bs.image_uri(repository, "1.6.0-eks-a-97")


CERT_MANAGER = ref("eks-anywhere/cert-manager/cert-manager-webhook")
KIND_132 = ref("eks-anywhere/kubernetes-sigs/kind/node", "1.32")
KIND_133 = ref("eks-anywhere/kubernetes-sigs/kind/node", "1.33")
APISERVER_131 = eksd_ref("eks-distro/kubernetes/kube-apiserver", "1.31")
PACKAGES_CHART = chart_ref("eks-anywhere/eks-anywhere-packages")
KUBE_VIP = ref("eks-anywhere/kube-vip/kube-vip")
CLI_TOOLS = ref("eks-anywhere/eks-anywhere-cli-tools")
PLAN = Plan(
    leave_out={CERT_MANAGER, KIND_132, KIND_133, APISERVER_131, PACKAGES_CHART},
    arm64_only={KUBE_VIP},
    single_platform={CLI_TOOLS},
)


@dataclass(frozen=True)
class Mirror:
    registry: RegistryServer
    ca: Cert
    folder: Path
    #: What the cluster (1.31 + 1.32) needs, as listed by the code under test.
    images: ImageList

    @property
    def base(self) -> str:
        return f"127.0.0.1:{self.registry.port}"

    def mirror(self, image: str) -> str:
        return image.replace("public.ecr.aws", f"{self.base}/{NAMESPACE}", 1)


def spec_text(port: int, ca: Cert, *, versions: tuple[str, str] = ("1.31", "1.32"),
              namespaces: str = f"- registry: public.ecr.aws\n  namespace: {NAMESPACE}",
              authenticate: bool = True) -> str:  # fmt: skip
    mirror = [
        "endpoint: 127.0.0.1",
        f'port: "{port}"',
        f"authenticate: {'true' if authenticate else 'false'}",
        "caCertContent: |",
        *("  " + line for line in ca.pem.strip().splitlines()),
    ]
    if namespaces:
        mirror += ["ociNamespaces:", *("  " + line for line in namespaces.splitlines())]
    body = "".join(f"    {line}\n" for line in mirror)
    return (
        "apiVersion: anywhere.eks.amazonaws.com/v1alpha1\nkind: Cluster\n"
        "metadata:\n  name: mgmt\nspec:\n"
        f'  kubernetesVersion: "{versions[0]}"\n'
        "  datacenterRef:\n    kind: VSphereDatacenterConfig\n    name: dc\n"
        "  workerNodeGroupConfigurations:\n"
        f'  - name: md-0\n    count: 3\n    kubernetesVersion: "{versions[1]}"\n'
        "  - name: md-1\n    count: 1\n"
        f"  registryMirrorConfiguration:\n{body}"
    )


def downloads(folder: Path, versions: tuple[str, ...], digests: dict[str, str],
              skip_eksd: tuple[str, ...] = ()) -> Path:  # fmt: skip
    """``eks-anywhere-downloads/`` as ``download artifacts`` writes it (EKS-D manifests at
    ``<folder>/<kube>/eks-distro/``, their paths in ``bundle-release.yaml``)."""
    folder.mkdir(parents=True, exist_ok=True)
    urls = {}
    for kube in versions:
        path = Path(kube, "eks-distro", f"{bs.eksd_release(kube)}.yaml")
        urls[kube] = f"eks-anywhere-downloads/{path.as_posix()}"
        if kube not in skip_eksd:
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            (folder / path).write_text(bs.eksd_yaml(kube, digests=digests))
    bundle = bs.bundle_yaml(versions, eksd_urls=urls, digests=digests)
    (folder / "bundle-release.yaml").write_text(bundle)
    return folder


def everything(port: int, versions: tuple[str, ...], namespace: str = NAMESPACE) -> ImageList:
    """Every reference of a generated bundle (fake digests), mapped to ``namespace``."""
    bundles = parse_bundles(bs.bundle_yaml(versions))
    eksd = {k: EksdSource(k, "", parse_eksd(bs.eksd_yaml(k))) for k in versions}
    mapping = (OCINamespace("public.ecr.aws", namespace),) if namespace else ()
    cfg = MirrorConfig("127.0.0.1", str(port), mapping, kubernetes_versions=versions)
    return image_list(cfg, bundles, eksd)


@pytest.fixture(scope="module")
def mirror(tmp_path_factory: pytest.TempPathFactory, pki: Pki, ca: Cert) -> Iterator[Mirror]:
    work = tmp_path_factory.mktemp("images")
    server = pki.server
    with RegistryServer(work / "registry", tls=server, htpasswd=(USER, PASSWORD)) as registry:
        pusher = Pusher("127.0.0.1", registry.port, basic=(USER, PASSWORD))
        digests = fill(pusher, everything(registry.port, ALL), PLAN, f"127.0.0.1:{registry.port}")
        pusher.close()
        folder = downloads(work / "eks-anywhere-downloads", ALL, digests)
        needed = everything(registry.port, ("1.31", "1.32"))
        yield Mirror(registry, ca, folder, needed)


def write_spec(tmp_path: Path, text: str) -> str:
    path = tmp_path / "cluster.yaml"
    path.write_text(text)
    return str(path)


def check_json(spec: str, *args: str, env: dict[str, str] | None = None) -> tuple[int, dict]:
    result = run_cli("check", spec, "--images", *args, "--format", "json", env=env)
    assert PASSWORD not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result.returncode, json.loads(result.stdout)


def statuses(report: dict) -> dict[str, str]:
    return {row["image"]: row["status"] for row in report["references"]}


# --------------------------------------------------------------------------- the list


def test_list_is_offline_and_rewritten(mirror: Mirror, tmp_path: Path) -> None:
    with SilentListener() as nobody:
        spec = write_spec(tmp_path, spec_text(nobody.port, mirror.ca))
        result = run_cli("check", spec, "--images", "--list", "--bundle", str(mirror.folder))
        assert nobody.pending_connections() == 0
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    base = f"127.0.0.1:{nobody.port}/{NAMESPACE}"
    assert f"{base}/eks-anywhere/kubernetes-sigs/kind/node:v1.31.0-eks-d-1-31-60-eks-a-97" in lines
    assert KIND_133.replace("public.ecr.aws", base) not in lines  # 1.33 is not the cluster's
    assert f"{base}/eks/cilium/cilium:1.6.0-eks-a-97" in lines  # a chart
    assert f"{base}/eks-distro/kubernetes/kube-apiserver:v1.32.0-eks-1-32-60" in lines
    assert not [line for line in lines if "csi-components" in line]
    assert len(lines) == len(set(lines)) == len(mirror.images.needed)
    assert all(line.startswith(base + "/") for line in lines)


def test_list_json_pairs_each_reference_with_its_mirror(mirror: Mirror, tmp_path: Path) -> None:
    spec = write_spec(tmp_path, spec_text(5000, mirror.ca))
    result = run_cli("check", spec, "--images", "--list", "--bundle", str(mirror.folder),
                     "--format", "json")  # fmt: skip
    rows = json.loads(result.stdout)
    row = next(r for r in rows if r["image"] == CLI_TOOLS)
    assert row == {
        "image": CLI_TOOLS,
        "mirror": CLI_TOOLS.replace("public.ecr.aws", f"127.0.0.1:5000/{NAMESPACE}"),
        "kind": "image",
        "mapped": True,
        "digest": row["digest"],
        "arch": ["amd64", "arm64"],
        "kubernetes_versions": ["1.31", "1.32"],
    }


# --------------------------------------------------------------------------- the check


def test_missing_platform_and_digest_at_their_rewritten_paths(
    mirror: Mirror, tmp_path: Path
) -> None:
    spec = write_spec(tmp_path, spec_text(mirror.registry.port, mirror.ca))
    code, report = check_json(spec, "--bundle", str(mirror.folder), env=CREDS)
    assert code == 1
    found = statuses(report)
    missing = {image for image, status in found.items() if status == "missing"}
    assert missing == {CERT_MANAGER, KIND_132, APISERVER_131, PACKAGES_CHART}
    assert found[KUBE_VIP] == "no-platform"
    assert found[CLI_TOOLS] == "digest-differs"
    others = {image for image in found if image not in missing | {KUBE_VIP, CLI_TOOLS}}
    assert {found[image] for image in others} == {"present"}
    assert len(found) == len(mirror.images.needed)
    rows = {row["image"]: row for row in report["references"]}
    # The mirror serves the bundle's own digest: a HEAD told it (no body, so no platforms).
    present = rows[ref("eks-anywhere/eks-anywhere-cluster-controller")]
    assert present["mirror_digest"] == present["bundle_digest"]
    assert present["platforms"] == []
    assert present["media_type"] == "application/vnd.oci.image.index.v1+json"
    assert rows[PACKAGES_CHART]["kind"] == "chart"
    assert rows[PACKAGES_CHART]["mirror"] == mirror.mirror(PACKAGES_CHART)
    assert rows[KIND_132]["message"] == "not in the mirror (HTTP 404 Not Found)"
    assert rows[KUBE_VIP]["message"] == "the index holds linux/arm64; the nodes need linux/amd64"
    assert rows[CLI_TOOLS]["platforms"] == ["linux/amd64"]
    assert "expected after eksctl anywhere import images" in rows[CLI_TOOLS]["message"]
    images = report["images"]
    assert images["credentials_sent_to"] == [f"https://{mirror.base}"]
    assert images["counts"]["missing"] == 4
    command = (f"eksctl anywhere import images -i images.tar -r {mirror.base}/{NAMESPACE}"
               f" --bundles {mirror.folder / 'bundle-release.yaml'}")  # fmt: skip
    assert {g["command"] for g in images["groups"]} == {command}
    assert {g["project"] for g in images["groups"]} == {NAMESPACE}
    assert images["projects_to_create"] == []


def test_text_output_groups_missing_references(mirror: Mirror, tmp_path: Path) -> None:
    spec = write_spec(tmp_path, spec_text(mirror.registry.port, mirror.ca))
    result = run_cli("check", spec, "--images", "--bundle", str(mirror.folder), env=CREDS)
    assert result.returncode == 1
    out = result.stdout
    assert PASSWORD not in out + result.stderr
    assert result.stderr == ""  # not a terminal: no progress bar
    # 84 = 43 images both versions share + 7 per version (kind node, bootstrap containers...)
    # + 5 charts + 11 EKS-D images per version (3 more are under csi-components/).
    assert (
        "✗ images       4 of 84 references missing, 1 without a platform the nodes need,"
        " 1 with another digest (information)\n"
        f"    credentials REGISTRY_USERNAME/REGISTRY_PASSWORD sent to https://{mirror.base} only\n"
        "    6 EKS-D references under public.ecr.aws/csi-components/ not checked: EKS Anywhere"
        " does not use them (import images leaves them out)\n"
        "  Missing (4), by where they should be:\n"
        f"    {mirror.base}/{NAMESPACE} (project {NAMESPACE}):\n"
        f"      ✗ {mirror.mirror(CERT_MANAGER)}  not in the mirror (HTTP 404 Not Found)\n"
    ) in out
    assert (
        f"  Import them: eksctl anywhere import images -i images.tar -r {mirror.base}/eksa" in out
    )
    assert "✓ projects     all 4 projects EKS Anywhere needs are present under eksa/\n" in out
    assert out.endswith(f"Verdict: 1 problem found: {mirror.base} is not ready for EKS Anywhere\n")


def test_the_same_answers_one_request_at_a_time(mirror: Mirror, tmp_path: Path) -> None:
    spec = write_spec(tmp_path, spec_text(mirror.registry.port, mirror.ca))
    _, eight = check_json(spec, "--bundle", str(mirror.folder), env=CREDS)
    _, one = check_json(spec, "--bundle", str(mirror.folder), "--concurrency", "1", env=CREDS)
    assert statuses(one) == statuses(eight)
    assert [r["image"] for r in one["references"]] == [r["image"] for r in eight["references"]]


def test_arm64_nodes_need_arm64_where_the_bundle_lists_it(mirror: Mirror, tmp_path: Path) -> None:
    spec = write_spec(tmp_path, spec_text(mirror.registry.port, mirror.ca))
    _, report = check_json(spec, "--bundle", str(mirror.folder), "--arch", "amd64,arm64", env=CREDS)
    rows = {row["image"]: row for row in report["references"]}
    # The single-platform push lacks arm64; bottlerocket-admin's bundle entry is amd64 only.
    assert rows[CLI_TOOLS]["status"] == "no-platform"
    assert rows[CLI_TOOLS]["message"] == (
        "a single-platform image for linux/amd64; the nodes need linux/arm64"
    )
    assert rows[ref("bottlerocket/bottlerocket-admin")]["status"] == "present"


def test_eksd_manifest_unavailable(mirror: Mirror, tmp_path: Path) -> None:
    folder = tmp_path / "eks-anywhere-downloads"
    downloads(folder, ALL, {}, skip_eksd=("1.32",))
    spec = write_spec(tmp_path, spec_text(mirror.registry.port, mirror.ca))
    code, report = check_json(spec, "--bundle", str(folder), env=CREDS)
    assert code == 1
    (unread,) = report["images"]["eksd_not_read"]
    assert unread["kubernetes_version"] == "1.32"
    assert (
        unread["error"]
        == "eks-anywhere-downloads/1.32/eks-distro/kubernetes-1-32-eks-60.yaml not found"
    )
    assert not [r for r in report["references"] if "v1.32.0-eks-1-32-60" in r["image"]]
    result = run_cli("check", spec, "--images", "--bundle", str(folder), env=CREDS)
    assert (
        "    ✗ EKS-D images of Kubernetes 1.32 not checked: eks-anywhere-downloads/1.32/"
        in result.stdout
    )


def test_unmapped_registry(mirror: Mirror, tmp_path: Path) -> None:
    text = spec_text(mirror.registry.port, mirror.ca,
                     namespaces="- registry: docker.io\n  namespace: hub")  # fmt: skip
    spec = write_spec(tmp_path, text)
    code, report = check_json(spec, "--bundle", str(mirror.folder), env=CREDS)
    assert code == 1
    assert set(statuses(report).values()) == {"unmapped"}
    row = report["references"][0]
    assert row["mirror"] == row["image"]
    assert row["message"] == (
        "its registry has no mirror in ociNamespaces: the nodes pull it from the internet,"
        " which fails air-gapped"
    )


def test_registry_login_failure_leaves_every_image_unchecked(
    mirror: Mirror, tmp_path: Path
) -> None:
    spec = write_spec(tmp_path, spec_text(mirror.registry.port, mirror.ca))
    env = {"REGISTRY_USERNAME": USER, "REGISTRY_PASSWORD": "wrong-password"}
    code, report = check_json(spec, "--bundle", str(mirror.folder), env=env)
    assert code == 1
    assert set(statuses(report).values()) == {"error"}
    assert report["images"]["not_checked"] == "not logged in"
    step = next(s for s in report["steps"] if s["name"] == "images")
    assert step["status"] == "skip"


def test_private_registry_without_authenticate(mirror: Mirror, tmp_path: Path) -> None:
    spec = write_spec(tmp_path, spec_text(mirror.registry.port, mirror.ca, authenticate=False))
    code, report = check_json(spec, "--bundle", str(mirror.folder), env=CREDS)
    assert code == 1
    rows = report["references"]
    assert {r["status"] for r in rows} == {"missing"}
    assert rows[0]["message"] == (
        "the registry refuses anonymous pulls (HTTP 401 Unauthorized); authenticate is not set,"
        " so the nodes pull anonymously (a private project?)"
    )
    assert report["images"]["credentials_sent_to"] == []
    assert all(g["refused"] and not g["command"] for g in report["images"]["groups"])


# --------------------------------------------------------------------------- a complete mirror


@pytest.fixture(scope="module")
def complete(tmp_path_factory: pytest.TempPathFactory, pki: Pki, ca: Cert) -> Iterator[Mirror]:
    """Everything Kubernetes 1.30 needs, pushed honestly (the bundle names what is there)."""
    work = tmp_path_factory.mktemp("complete")
    server = pki.server
    with RegistryServer(work / "registry", tls=server) as registry:
        images = everything(registry.port, ("1.30",), namespace="")
        pusher = Pusher("127.0.0.1", registry.port)
        digests = fill(pusher, images, Plan(), f"127.0.0.1:{registry.port}")
        moved = everything(registry.port, ("1.30",), namespace="")
        fill(pusher, moved, Plan(prefix="imported"), f"127.0.0.1:{registry.port}")
        pusher.close()
        folder = downloads(work / "eks-anywhere-downloads", ("1.30",), digests)
        yield Mirror(registry, ca, folder, images)


def test_all_present_exit_0(complete: Mirror, tmp_path: Path) -> None:
    text = spec_text(complete.registry.port, complete.ca, versions=("1.30", "1.30"),
                     namespaces="", authenticate=False)  # fmt: skip
    spec = write_spec(tmp_path, text)
    code, report = check_json(spec, "--bundle", str(complete.folder))
    assert code == 0, report["images"]["summary"]
    assert set(statuses(report).values()) == {"present"}
    assert report["images"]["summary"] == f"0 of {len(complete.images.needed)} references missing"
    assert report["images"]["credentials_sent_to"] == []


def test_imported_under_another_namespace(complete: Mirror, tmp_path: Path) -> None:
    """``import images -r host/other`` while the spec maps public.ecr.aws to ``elsewhere``."""
    text = spec_text(complete.registry.port, complete.ca, versions=("1.30", "1.30"),
                     namespaces="- registry: public.ecr.aws\n  namespace: elsewhere",
                     authenticate=False)  # fmt: skip
    spec = write_spec(tmp_path, text)
    code, report = check_json(spec, "--bundle", str(complete.folder))
    assert code == 1
    assert set(statuses(report).values()) == {"missing"}
    base = f"127.0.0.1:{complete.registry.port}"
    assert all(r["mirror"].startswith(f"{base}/elsewhere/") for r in report["references"])
    (group, *_) = report["images"]["groups"]
    assert group["found_under"] == ["", "imported"]
    assert group["command"].startswith(
        f"eksctl anywhere import images -i images.tar -r {base}/elsewhere "
    )
    result = run_cli("check", spec, "--images", "--bundle", str(complete.folder))
    assert (
        f"      the registry holds them under {base}/ (the root), {base}/imported/: imported with"
        " another -r value? remove the public.ecr.aws namespace from ociNamespaces, or import"
        f" them again with -r {base}/elsewhere\n"
    ) in result.stdout


def test_progress_bar_on_a_terminal_only(complete: Mirror, tmp_path: Path) -> None:
    text = spec_text(complete.registry.port, complete.ca, versions=("1.30", "1.30"),
                     namespaces="", authenticate=False)  # fmt: skip
    spec = write_spec(tmp_path, text)
    main, child = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EKSA_", "REGISTRY_"))}
    process = subprocess.run(
        [sys.executable, "-m", "eksa_mirror", "check", spec, "--images", "--bundle",
         str(complete.folder), "--format", "json"],
        stdout=subprocess.PIPE, stderr=child, env=env, timeout=120, check=False,
    )  # fmt: skip
    os.close(child)
    shown = os.read(main, 65536).decode()
    os.close(main)
    assert process.returncode == 0
    total = len(complete.images.needed)
    assert f"\rchecking images [##############################] {total}/{total}" in shown
    assert json.loads(process.stdout)["images"]["counts"]["present"] == total

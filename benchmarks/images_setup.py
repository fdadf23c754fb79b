"""The loopback registry of ``bench_images.py``: Debian's ``docker-registry`` with TLS (and
htpasswd for one variant), filled through the OCI API with a generated EKS-A bundle's
references (``tests/bundle_support.py``, ``tests/e2e/oci_push.py``), its downloads folder
and cluster specs that pull 66 references per Kubernetes version.
"""

from __future__ import annotations

import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
for extra in (REPO / "server", REPO / "tests", REPO / "tests" / "e2e"):
    sys.path.insert(0, str(extra))

from images_fixtures import Plan, fill
from oci_push import Pusher
from registry_fixtures import RegistryServer

import bundle_support as bs
from eksa_mirror.core.eksa.bundles import parse_bundles, parse_eksd
from eksa_mirror.core.eksa.cluster_images import EksdSource, ImageList, image_list
from eksa_mirror.core.mirror import MirrorConfig, OCINamespace
from support import issue

USER, PASSWORD = "bench", "Bench-Pa55word"
#: Distinct references one Kubernetes version adds with every tag per version (50 images,
#: 5 charts, 11 EKS-D images).
PER_VERSION = 66


def versions(count: int) -> tuple[str, ...]:
    return tuple(f"1.{30 + i}" for i in range(count))


def references(port: int, kubes: tuple[str, ...], namespace: str) -> ImageList:
    bundles = parse_bundles(bs.bundle_yaml(kubes, unique=True))
    eksd = {k: EksdSource(k, "", parse_eksd(bs.eksd_yaml(k))) for k in kubes}
    cfg = MirrorConfig("127.0.0.1", str(port), (OCINamespace("public.ecr.aws", namespace),),
                       kubernetes_versions=kubes)  # fmt: skip
    return image_list(cfg, bundles, eksd)


def push(port: int, images: ImageList, plan: Plan, auth: bool, workers: int = 4) -> dict[str, str]:
    """Fill the registry from ``workers`` threads (one pusher each); the digests pushed. A
    repository is filled by one thread: two uploads of one blob into one repository at once
    can fail in distribution ("provided digest did not match uploaded content")."""
    repositories = sorted({ref.mirror.rpartition(":")[0] for ref in images.references})
    owner = {repository: i % workers for i, repository in enumerate(repositories)}
    chunks = [
        tuple(r for r in images.references if owner[r.mirror.rpartition(":")[0]] == i)
        for i in range(workers)
    ]
    digests: dict[str, str] = {}

    def one(chunk: tuple) -> None:
        pusher = Pusher("127.0.0.1", port, basic=(USER, PASSWORD) if auth else None)
        digests.update(fill(pusher, ImageList(chunk, ()), plan, f"127.0.0.1:{port}"))
        pusher.close()

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, chunks))
    return digests


def folder_for(setup: dict, namespace: str, count: int) -> Path:
    """The downloads folder of the first ``count`` versions (a bundle of just those: EKS-A's
    bundles list 7 or 8), written once."""
    folder = setup["work"] / f"downloads-{setup['name']}-{namespace}-{count}"
    if not folder.is_dir():
        downloads(folder, versions(count), setup["digests"][namespace])
    return folder


def downloads(folder: Path, kubes: tuple[str, ...], digests: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    urls = {}
    for kube in kubes:
        path = folder / kube / "eks-distro" / f"{bs.eksd_release(kube)}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(bs.eksd_yaml(kube, digests=digests))
        urls[kube] = str(path)
    (folder / "bundle-release.yaml").write_text(
        bs.bundle_yaml(kubes, unique=True, eksd_urls=urls, digests=digests)
    )
    return folder


def spec(
    path: Path, port: int, ca_pem: str, kubes: tuple[str, ...], namespace: str, auth: bool
) -> Path:
    ca = "".join(f"      {line}\n" for line in ca_pem.strip().splitlines())
    workers = "".join(
        f'  - name: md-{i}\n    kubernetesVersion: "{k}"\n' for i, k in enumerate(kubes[1:])
    )
    path.write_text(
        "apiVersion: anywhere.eks.amazonaws.com/v1alpha1\nkind: Cluster\nmetadata:\n  name: b\n"
        f'spec:\n  kubernetesVersion: "{kubes[0]}"\n'
        + (f"  workerNodeGroupConfigurations:\n{workers}" if workers else "")
        + f'  registryMirrorConfiguration:\n    endpoint: 127.0.0.1\n    port: "{port}"\n'
        f"    authenticate: {str(auth).lower()}\n    ociNamespaces:\n"
        f"    - registry: public.ecr.aws\n      namespace: {namespace}\n"
        f"    caCertContent: |\n{ca}"
    )
    return path


def missing_tools() -> list[str]:
    found = []
    for binary, package in (("/usr/bin/docker-registry", "docker-registry"),
                            ("htpasswd", "apache2-utils"), ("skopeo", "skopeo")):  # fmt: skip
        if not (Path(binary).is_file() or shutil.which(binary)):
            found.append(f"{binary}: apt-get install -y {package} (or bash scripts/setup-e2e)")
    return found


def setup_registry(
    work: Path, name: str, auth: bool, fills: dict[str, int]
) -> tuple[RegistryServer, dict]:
    """Start a registry (htpasswd when ``auth``) and fill each namespace with the references
    of that many Kubernetes versions (``import``: single-platform, the others indexes)."""
    ca = issue("eksa-mirror bench CA", ca=True)
    cert = issue("127.0.0.1", ca, ips=("127.0.0.1",))
    htpasswd = (USER, PASSWORD) if auth else None
    registry = RegistryServer(work / name, tls=cert, htpasswd=htpasswd).start()
    certs = work / f"certs-{name}"
    certs.mkdir(parents=True, exist_ok=True)
    (certs / "ca.crt").write_text(ca.pem)
    digests: dict[str, dict[str, str]] = {}
    started = time.perf_counter()
    for namespace, count in fills.items():
        kubes = versions(count)
        images = references(registry.port, kubes, namespace)
        plan = Plan()
        if namespace == "import":
            plan = Plan(single_platform={r.image for r in images.references if not r.chart})
        digests[namespace] = push(registry.port, images, plan, auth)
    print(f"{name}: filled in {time.perf_counter() - started:.1f} s", flush=True)
    setup = {"name": name, "auth": auth, "port": registry.port, "ca": certs / "ca.crt",
             "certs": certs, "work": work, "digests": digests}  # fmt: skip
    return registry, setup

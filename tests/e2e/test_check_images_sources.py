"""``check --images`` with a Harbor-like token registry, manifests from an HTTPS server, and
a hostile registry.

* Harbor: Debian's ``docker-registry`` with token authentication behind an HTTPS front
  serving ``/service/token`` (real ES256 tokens the registry verifies); ``eks-distro`` is a
  public project, ``eks-anywhere`` a private one.
* Assets: the release manifest, the bundle and the EKS-D manifests served over HTTPS (the
  test CA trusted through ``SSL_CERT_FILE``), as EKS-A's public URLs serve them.
* Hostile: an in-process registry whose manifest answers are broken, huge, slow, redirected,
  rate-limited or chunked: each is a finding with a sentence, never a traceback.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from images_fixtures import AssetServer, HarborFront
from oci_push import Pusher, sha256
from registry_fixtures import RegistryServer
from registry_pki import Pki
from tlsserve import RegistryHandler, TlsServing, tls_context

import bundle_support as bs
from eksa_mirror.core.eksa.cluster_images import ImageList, Reference
from eksa_mirror.core.mirror import MirrorConfig
from eksa_mirror.probe import run_check
from eksa_mirror.probe.images_report import ImagePlan
from support import Cert, run_cli

pytestmark = pytest.mark.e2e

ROBOT = ("robot$eksa", "Harbor-Robot-Secret-1")
ENV = {"REGISTRY_USERNAME": ROBOT[0], "REGISTRY_PASSWORD": ROBOT[1]}
PRIVATE = "eks-anywhere/eks-anywhere-cli-tools:v1"
PUBLIC = "eks-distro/kubernetes/pause:v1"
ABSENT = "eks-distro/kubernetes/etcd:v9"


def refs(base: str, *paths: str) -> ImageList:
    found = tuple(Reference(f"public.ecr.aws/{p}", f"{base}/{p}", True) for p in paths)
    return ImageList(found, ())


# --------------------------------------------------------------------------- Harbor


@pytest.fixture(scope="module")
def harbor(tmp_path_factory: pytest.TempPathFactory, pki: Pki) -> Iterator[HarborFront]:
    work = tmp_path_factory.mktemp("harbor")
    with RegistryServer(work, tls=None) as plain:  # filled before token auth is switched on
        pusher = Pusher("127.0.0.1", plain.port, tls=False)
        for path in (PRIVATE, PUBLIC):
            repository, _, tag = path.rpartition(":")
            pusher.index(repository, tag)
        pusher.close()
    tls = pki.server
    with HarborFront(work, tls, credentials=ROBOT, public_projects=("eks-distro",)) as front:
        yield front


def harbor_check(harbor: HarborFront, ca: Cert, *, authenticate: bool) -> dict:
    cfg = MirrorConfig("127.0.0.1", str(harbor.port), ca_cert_content=ca.pem,
                       authenticate=authenticate)  # fmt: skip
    plan = ImagePlan(refs(f"127.0.0.1:{harbor.port}", PRIVATE, PUBLIC, ABSENT))
    report = run_check(cfg, env=ENV, images=plan)
    data = report.to_dict()
    assert ROBOT[1] not in json.dumps(data)
    return data


def test_harbor_private_project_without_authenticate(harbor: HarborFront, ca: Cert) -> None:
    harbor.token_requests.clear()
    data = harbor_check(harbor, ca, authenticate=False)
    rows = {row["image"].split("/", 1)[1]: row for row in data["references"]}
    assert rows[PUBLIC]["status"] == "present"
    assert rows[PRIVATE]["status"] == "missing"
    assert rows[PRIVATE]["message"] == (
        "the registry refuses anonymous pulls (HTTP 401 Unauthorized); authenticate is not set,"
        " so the nodes pull anonymously (a private project?)"
    )
    assert rows[ABSENT]["status"] == "missing"
    assert rows[ABSENT]["message"] == "not in the mirror (HTTP 404 Not Found)"
    assert set(harbor.token_requests) == {"anonymous"}
    assert data["images"]["credentials_sent_to"] == []
    api = next(step for step in data["steps"] if step["name"] == "api")
    assert api["status"] == "warn"


def test_harbor_with_authenticate_logs_in_per_repository(harbor: HarborFront, ca: Cert) -> None:
    harbor.token_requests.clear()
    data = harbor_check(harbor, ca, authenticate=True)
    found = {row["image"].split("/", 1)[1]: row["status"] for row in data["references"]}
    assert found == {PRIVATE: "present", PUBLIC: "present", ABSENT: "missing"}
    assert set(harbor.token_requests) == {"Basic"}
    assert data["images"]["credentials_sent_to"] == [f"https://127.0.0.1:{harbor.port}"]


# --------------------------------------------------------------------------- assets


@pytest.fixture(scope="module")
def assets(tmp_path_factory: pytest.TempPathFactory, pki: Pki) -> Iterator[AssetServer]:
    work = tmp_path_factory.mktemp("assets")
    tls = pki.server
    server = AssetServer(work, tls, {})
    with server:
        kubes = ("1.31", "1.32")
        urls = {kube: server.url(f"/eksd/{bs.eksd_release(kube)}.yaml") for kube in kubes}
        server.files["/eksd/kubernetes-1-31-eks-60.yaml"] = bs.eksd_yaml("1.31").encode()
        server.files["/bundles/97/manifest.yaml"] = bs.bundle_yaml(kubes, eksd_urls=urls).encode()
        release = bs.release_yaml({"v0.26.0": server.url("/bundles/96/manifest.yaml"),
                                   "v0.26.1": server.url("/bundles/97/manifest.yaml")})  # fmt: skip
        server.files["/releases/eks-a/manifest.yaml"] = release.encode()
        yield server


def list_from(
    assets: AssetServer, ca: Cert, tmp_path: Path, *args: str, release: str = "v0.26.1"
) -> tuple[int, str, str]:
    (tmp_path / "ca.pem").write_text(ca.pem)
    spec = tmp_path / "cluster.yaml"
    eksa_version = f"  eksaVersion: {release}\n" if release else ""
    spec.write_text(
        "apiVersion: anywhere.eks.amazonaws.com/v1alpha1\nkind: Cluster\nmetadata:\n  name: c\n"
        f'spec:\n  kubernetesVersion: "1.31"\n{eksa_version}'
        '  workerNodeGroupConfigurations:\n  - name: md\n    kubernetesVersion: "1.32"\n'
        "  registryMirrorConfiguration:\n    endpoint: 10.1.2.3\n"
    )
    manifest = assets.url("/releases/eks-a/manifest.yaml")
    result = run_cli("check", str(spec), "--images", "--list", "--release-manifest", manifest,
                     *args, env={"SSL_CERT_FILE": str(tmp_path / "ca.pem")})  # fmt: skip
    assert "Traceback" not in result.stderr
    return result.returncode, result.stdout, result.stderr


def test_release_manifest_bundle_and_eksd_from_an_https_server(
    assets: AssetServer, ca: Cert, tmp_path: Path
) -> None:
    code, out, err = list_from(assets, ca, tmp_path)
    assert code == 0
    lines = out.splitlines()
    assert "10.1.2.3:443/eks-distro/kubernetes/kube-apiserver:v1.31.0-eks-1-31-60" in lines
    assert "10.1.2.3:443/eks/cilium/cilium:1.6.0-eks-a-97" in lines
    assert err == (
        "eksa-mirror check: EKS-D images of Kubernetes 1.32 not listed: cannot download"
        f" {assets.url('/eksd/kubernetes-1-32-eks-60.yaml')}: HTTP 404 Not Found\n"
    )
    assert "/bundles/97/manifest.yaml" in assets.requests


def test_eksa_version_not_in_the_release_manifest(
    assets: AssetServer, ca: Cert, tmp_path: Path
) -> None:
    """The flag stands in for a spec without ``eksaVersion``; a spec's own wins over it."""
    code, out, err = list_from(assets, ca, tmp_path, "--eksa-version", "v0.99.0", release="")
    assert (code, out) == (2, "")
    assert err == (
        f"eksa-mirror check: {assets.url('/releases/eks-a/manifest.yaml')}: the release manifest"
        " has no release v0.99.0 (latest: v0.26.1)\n"
    )
    assert list_from(assets, ca, tmp_path, "--eksa-version", "v0.99.0")[0] == 0


def test_untrusted_asset_server(assets: AssetServer, pki: Pki, tmp_path: Path) -> None:
    code, _, err = list_from(assets, pki.unrelated_ca, tmp_path)
    assert code == 2
    assert err.startswith(
        f"eksa-mirror check: cannot download {assets.url('/releases/eks-a/manifest.yaml')}:"
    )


# --------------------------------------------------------------------------- hostile


INDEX = json.dumps({
    "schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
    "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                   "digest": "sha256:" + "a" * 64, "size": 10,
                   "platform": {"architecture": "amd64", "os": "linux"}}],
}).encode()  # fmt: skip
IMAGE = json.dumps({
    "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
               "digest": "sha256:" + "b" * 64, "size": 10},
    "layers": [],
}).encode()  # fmt: skip


BASIC = "Basic " + base64.b64encode(b"puller:Hostile-Secret-77").decode()
CREDENTIALS = {"REGISTRY_USERNAME": "puller", "REGISTRY_PASSWORD": "Hostile-Secret-77"}


class Hostile(TlsServing):
    """A keep-alive HTTPS registry behind Basic authentication, scripted per repository."""

    def __init__(self, workdir: Path, tls: Cert) -> None:
        self.connections: set[int] = set()
        self.calls: dict[str, int] = {}
        owner = self

        class Handler(RegistryHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                name = self.path.split("/")[2] if self.path.startswith("/v2/") else ""
                if self.headers.get("Authorization") != BASIC:
                    self.send_json(401, {}, WWW_Authenticate='Basic realm="hostile"')
                    return
                if "/manifests/" in self.path:
                    owner.connections.add(id(self.connection))
                owner.calls[name] = owner.calls.get(name, 0) + 1
                owner.answer(self, name, owner.calls[name])

        context = tls_context(*tls.write(workdir, "hostile"))
        super().__init__(ThreadingHTTPServer(("127.0.0.1", 0), Handler), context)

    def answer(self, request: RegistryHandler, name: str, call: int) -> None:
        if request.path == "/v2/":
            request.send_json(200, {})
        elif name == "broken":
            self.send(request, 200, b"{not json", "application/vnd.oci.image.index.v1+json")
        elif name == "busy":
            self.send(request, 503, b"{}", "application/json", {"Retry-After": "0"})
        elif name == "flaky" and call == 1:
            self.send(request, 429, b"{}", "application/json", {"Retry-After": "0"})
        elif name in ("flaky", "good") or name.startswith("repo"):
            self.send(request, 200, INDEX, "application/vnd.oci.image.index.v1+json")
        elif name == "huge":
            self.send(request, 200, b" " * (5 * 1024 * 1024), "application/json")
        elif name == "redirect":
            self.send(request, 302, b"", "text/plain", {"Location": "https://elsewhere.example/x"})
        elif name == "echo":  # a registry that echoes the credentials it received
            location = "https://elsewhere.example/?auth=" + request.headers["Authorization"]
            self.send(request, 307, b"", "text/plain", {"Location": location})
        elif name == "chunked":
            self.chunked(request, INDEX)
        elif name == "noconfig":
            blob = "/blobs/" in request.path
            self.send(request, 404 if blob else 200, b"{}" if blob else IMAGE,
                      "application/vnd.oci.image.manifest.v1+json")  # fmt: skip
        elif name == "slow":
            request.send_response(200)
            request.send_header("Content-Length", "1000")
            request.end_headers()
            for _ in range(30):
                request.wfile.write(b" ")
                request.wfile.flush()
                time.sleep(0.1)
        else:
            request.send_json(404, {"errors": [{"code": "MANIFEST_UNKNOWN"}]})

    @staticmethod
    def send(request: RegistryHandler, status: int, body: bytes, kind: str,
             headers: dict[str, str] | None = None) -> None:  # fmt: skip
        request.send_response(status)
        request.send_header("Content-Type", kind)
        request.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(body)

    @staticmethod
    def chunked(request: RegistryHandler, body: bytes) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "application/vnd.oci.image.index.v1+json")
        request.send_header("Transfer-Encoding", "chunked")
        request.end_headers()
        for start in range(0, len(body), 7):
            piece = body[start : start + 7]
            request.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        request.wfile.write(b"0\r\n\r\n")


@pytest.fixture
def hostile(tmp_path: Path, pki: Pki) -> Iterator[Hostile]:
    with Hostile(tmp_path, pki.server) as server:
        yield server


def test_hostile_answers_are_findings(hostile: Hostile, ca: Cert) -> None:
    base = f"127.0.0.1:{hostile.port}"
    names = ("broken", "busy", "flaky", "huge", "redirect", "chunked", "noconfig", "slow", "gone",
             "echo")  # fmt: skip
    plan = ImagePlan(refs(base, *(f"{name}/image:v1" for name in names)), concurrency=4)
    cfg = MirrorConfig("127.0.0.1", str(hostile.port), ca_cert_content=ca.pem, authenticate=True)
    started = time.monotonic()
    report = run_check(cfg, env=CREDENTIALS, timeout=1.0, deadline=20.0, images=plan)
    shown = json.dumps(report.to_dict())
    assert "Hostile-Secret-77" not in shown and BASIC.split()[1] not in shown
    assert time.monotonic() - started < 15
    assert report.images is not None
    found = {
        r.reference.mirror.split("/")[1]: (r.status.value, r.message) for r in report.images.results
    }
    status, slow = found.pop("slow")  # how many bytes arrived in time depends on the machine
    assert status == "error"
    assert slow.startswith(
        "no answer: the registry is slow: its answer was not complete after 1 s ("
    )
    assert found == {
        "broken": ("error", "the manifest is not JSON"),
        "busy": ("error", "the registry answered HTTP 503 Service Unavailable after 4 attempts"),
        "flaky": ("present", ""),
        "huge": ("error", "no answer: response larger than 4194304 bytes"),
        "redirect": ("error", "the registry answered HTTP 302 Found, a redirect to"
                              " https://elsewhere.example/x (not followed)"),
        "chunked": ("present", ""),
        "noconfig": ("error", f"its config blob sha256:{'b' * 12}… is not served (HTTP 404):"
                              " a pull fails"),
        "gone": ("missing", "not in the mirror (HTTP 404 Not Found)"),
        "echo": ("error", "the registry answered HTTP 307 Temporary Redirect, a redirect to"
                          " https://elsewhere.example/?auth=Basic [REDACTED] (not followed)"),
    }  # fmt: skip
    assert hostile.calls["busy"] == 4


def test_one_keep_alive_connection_per_worker(hostile: Hostile, ca: Cert) -> None:
    base = f"127.0.0.1:{hostile.port}"
    plan = ImagePlan(refs(base, *(f"repo{i}/image:v1" for i in range(60))), concurrency=3)
    cfg = MirrorConfig("127.0.0.1", str(hostile.port), ca_cert_content=ca.pem, authenticate=True)
    report = run_check(cfg, env=CREDENTIALS, images=plan)
    assert report.images is not None
    assert {r.status.value for r in report.images.results} == {"present"}
    assert {r.digest for r in report.images.results} == {sha256(INDEX)}
    assert len(hostile.connections) == 3
    assert report.images.connections == 3
    assert threading.active_count() < 10


def test_a_mapping_that_leaves_the_endpoint_is_not_contacted(hostile: Hostile, ca: Cert) -> None:
    images = ImageList((Reference("public.ecr.aws/a:v1", "escape/a:v1", True),), ())
    cfg = MirrorConfig("127.0.0.1", str(hostile.port), ca_cert_content=ca.pem, authenticate=True)
    report = run_check(cfg, env=CREDENTIALS, images=ImagePlan(images))
    assert report.images is not None
    (result,) = report.images.results
    assert (result.status.value, result.message) == (
        "error",
        f"ociNamespaces sends it to escape, not 127.0.0.1:{hostile.port}: not contacted",
    )
    assert "escape" not in hostile.calls

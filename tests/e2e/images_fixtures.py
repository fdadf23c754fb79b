"""What the ``check --images`` end-to-end tests build: a mirror filled as EKS-A would fill
it, a Harbor-like registry (token authentication, private projects) and a server of
EKS-A's manifests.

* ``fill`` pushes every reference of a generated bundle into a real registry, except what a
  ``Plan`` leaves out, strips of a platform or pushes as one platform, and returns the
  digests the bundle should name.
* ``HarborFront`` is Debian's ``docker-registry`` configured for token authentication
  behind an HTTPS front that serves ``/service/token`` on the same origin, as Harbor does.
  Tokens are real JWTs (ES256) the registry verifies; anonymous callers get pull access to
  public projects only.
* ``AssetServer`` serves files over HTTPS (the release manifest, a bundle, EKS-D manifests).
"""

from __future__ import annotations

import base64
import http.client
import json
import time
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from oci_push import Pusher
from registry_fixtures import RegistryServer, free_port
from tlsserve import RegistryHandler, TlsServing, tls_context

from eksa_mirror.core.eksa.cluster_images import ImageList, Reference
from support import Cert, issue


@dataclass
class Plan:
    """How to fill the mirror: by default every reference as a multi-platform index."""

    #: Bundle references (``image``) not pushed at all.
    leave_out: set[str] = field(default_factory=set)
    #: References pushed as an index that lacks amd64.
    arm64_only: set[str] = field(default_factory=set)
    #: References pushed as a single-platform amd64 manifest, as ``import images`` does
    #: (the bundle names the index: its digest differs).
    single_platform: set[str] = field(default_factory=set)
    #: Push under ``endpoint:port/<prefix>/`` instead of the reference's own mirror path.
    prefix: str = ""


def fill(pusher: Pusher, images: ImageList, plan: Plan, base: str) -> dict[str, str]:
    """Push the references of ``images`` as ``plan`` says; the digests for the bundle
    (``{image: digest}``: the multi-platform index EKS-A would have published)."""
    digests: dict[str, str] = {}
    for ref in images.references:
        if ref.image in plan.leave_out or not ref.mapped:
            continue
        path = ref.mirror[len(base) + 1 :]
        if plan.prefix:
            path = f"{plan.prefix}/{path}"
        repository, _, tag = path.rpartition(":")
        digests[ref.image] = _push(pusher, ref, repository, tag, plan)
    return digests


def _push(pusher: Pusher, ref: Reference, repository: str, tag: str, plan: Plan) -> str:
    if ref.chart:
        return pusher.chart(repository, tag)
    if ref.image in plan.arm64_only or ref.image in plan.single_platform:
        # The bundle names the multi-platform index EKS-A published; the tag holds less.
        index = pusher.index(repository, f"index-{tag}", ("amd64", "arm64"))
        if ref.image in plan.arm64_only:
            pusher.index(repository, tag, ("arm64",))
        else:
            pusher.image(repository, tag, "amd64", docker=True)
        return index
    return pusher.index(repository, tag, ("amd64", "arm64"))


# --------------------------------------------------------------------------- tokens


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def libtrust_key_id(key: ec.EllipticCurvePublicKey) -> str:
    """docker/libtrust's key ID: SHA-256 of the DER public key, 240 bits, base32 in 4s."""
    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    digest = hashes.Hash(hashes.SHA256())
    digest.update(der)
    text = base64.b32encode(digest.finalize()[:30]).decode()
    return ":".join(text[i : i + 4] for i in range(0, len(text), 4))


@dataclass
class TokenIssuer:
    """Signs registry tokens (distribution's JWT format) with an EC P-256 key."""

    service: str = "harbor-registry"
    issuer: str = "eksa-mirror-test-issuer"
    cert: Cert = field(
        default_factory=lambda: issue("eksa-mirror token issuer", ca=True, key="p256")
    )

    @property
    def key(self) -> ec.EllipticCurvePrivateKey:
        assert isinstance(self.cert.key, ec.EllipticCurvePrivateKey)
        return self.cert.key

    def mint(self, subject: str, access: list[dict[str, object]]) -> str:
        header = {"typ": "JWT", "alg": "ES256", "kid": libtrust_key_id(self.key.public_key())}
        now = int(time.time())
        claims = {
            "iss": self.issuer, "sub": subject, "aud": self.service, "exp": now + 600,
            "nbf": now - 60, "iat": now, "jti": f"{now}-{len(access)}", "access": access,
        }  # fmt: skip
        signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
        der = self.key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)
        return f"{signing_input}.{_b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"

    def certificate_pem(self, workdir: Path) -> Path:
        """The self-signed certificate of the key, as the registry's ``rootcertbundle``."""
        path = workdir / "token-issuer.pem"
        path.write_text(self.cert.pem)
        return path


class HarborFront(TlsServing):
    """``docker-registry`` (plain HTTP, token auth) behind an HTTPS front on one origin that
    also answers ``/service/token`` like Harbor's core."""

    def __init__(
        self,
        workdir: Path,
        tls: Cert,
        *,
        credentials: tuple[str, str],
        public_projects: Iterable[str],
    ) -> None:
        self.issuer = TokenIssuer()
        self.credentials = credentials
        self.public = set(public_projects)
        self.token_requests: list[str] = []
        port = free_port()
        self.realm = f"https://127.0.0.1:{port}/service/token"
        workdir.mkdir(parents=True, exist_ok=True)
        self.token = {
            "realm": self.realm,
            "service": self.issuer.service,
            "issuer": self.issuer.issuer,
            "rootcertbundle": str(self.issuer.certificate_pem(workdir)),
        }
        self.registry = RegistryServer(workdir, tls=None, token=self.token)
        owner = self

        class Handler(RegistryHandler):
            def do_GET(self) -> None:
                owner.handle(self, "GET")

            def do_HEAD(self) -> None:
                owner.handle(self, "HEAD")

        context = tls_context(*tls.write(workdir, "harbor"))
        super().__init__(ThreadingHTTPServer(("127.0.0.1", port), Handler), context)

    def __enter__(self) -> HarborFront:
        self.registry.start()
        return super().__enter__()

    def __exit__(self, *exc: object) -> None:
        super().__exit__(*exc)  # type: ignore[arg-type]
        self.registry.stop()

    def handle(self, request: RegistryHandler, method: str) -> None:
        parts = urllib.parse.urlsplit(request.path)
        if parts.path == "/service/token":
            self._token(request, urllib.parse.parse_qs(parts.query))
            return
        conn = http.client.HTTPConnection("127.0.0.1", self.registry.port, timeout=10)
        headers = {k: v for k, v in request.headers.items() if k.lower() != "host"}
        conn.request(method, request.path, headers=headers)
        answer = conn.getresponse()
        body = answer.read()
        request.send_response(answer.status, answer.reason)
        for name, value in answer.getheaders():
            if name.lower() not in ("connection", "transfer-encoding", "content-length"):
                request.send_header(name, value)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        if method != "HEAD":
            request.wfile.write(body)
        conn.close()

    def _token(self, request: RegistryHandler, query: dict[str, list[str]]) -> None:
        auth = request.headers.get("Authorization", "")
        self.token_requests.append(auth.split(" ", 1)[0] or "anonymous")
        good = "Basic " + base64.b64encode(":".join(self.credentials).encode()).decode()
        if auth and auth != good:
            request.send_json(401, {"errors": [{"code": "UNAUTHORIZED"}]})
            return
        access = []
        for scope in query.get("scope", []):
            kind, _, rest = scope.partition(":")
            name, _, actions = rest.rpartition(":")
            if kind == "repository" and (auth or name.split("/", 1)[0] in self.public):
                access.append({"type": kind, "name": name, "actions": actions.split(",")})
        token = self.issuer.mint(self.credentials[0] if auth else "anonymous", access)
        request.send_json(200, {"token": token, "access_token": token, "expires_in": 600})


# --------------------------------------------------------------------------- assets


class AssetServer(TlsServing):
    """Serves ``files`` (path → bytes) over HTTPS; anything else is a 404."""

    def __init__(self, workdir: Path, tls: Cert, files: dict[str, bytes]) -> None:
        self.files = files
        self.requests: list[str] = []
        owner = self

        class Handler(RegistryHandler):
            def do_GET(self) -> None:
                owner.requests.append(self.path)
                body = owner.files.get(self.path)
                if body is None:
                    self.send_json(404, {"message": "not found"})
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/x-yaml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        context = tls_context(*tls.write(workdir, "assets"))
        super().__init__(ThreadingHTTPServer(("127.0.0.1", 0), Handler), context)

    def url(self, path: str) -> str:
        return f"https://127.0.0.1:{self.port}{path}"

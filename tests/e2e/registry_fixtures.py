"""Helpers for the registry end-to-end tests: real registries.

Everything here runs locally on 127.0.0.1 with free ports:

* Certificates come from the ``pki`` fixture (``registry_pki.py``, made with ``support.issue``,
  the suite's one certificate factory).
* ``RegistryServer`` runs the CNCF distribution registry from Debian's
  ``docker-registry`` package (``/usr/bin/docker-registry serve config.yml``), with TLS
  or plain HTTP, optionally behind htpasswd (bcrypt, made with ``htpasswd -Bbn`` from
  ``apache2-utils``).
* ``push_tiny_image`` creates a repository by pushing a one-layer image through the OCI
  distribution API (blob upload POST + PUT, manifest PUT) with ``http.client``.
* ``SilentListener`` accepts TCP connections and never answers (bounded-time tests).
* ``TokenRegistry`` is a small in-process HTTPS server speaking the registry *token*
  protocol (``Bearer realm=…``), which the Debian registry cannot do without a separate
  token server: it covers the Bearer login path and the "realm on another host" rule.

A missing binary is a test *failure* with the package to install, never a skip.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import shutil
import socket
import ssl
import subprocess
import time
import urllib.parse
from http.server import ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

import pytest
from tlsserve import RegistryHandler, TlsServing, tls_context

from e2e_support import missing
from support import Cert

REGISTRY_BINARY = "/usr/bin/docker-registry"
#: Debian packages the registry tests need (the CI installs exactly these).
DEBIAN_PACKAGES = ("docker-registry", "apache2-utils")


def require_binary(path_or_name: str, package: str) -> str:
    """The absolute path of a binary, or a skip naming the Debian package (a failure in CI)."""
    found = path_or_name if Path(path_or_name).is_file() else shutil.which(path_or_name)
    if not found:
        missing(
            f"{path_or_name} (install the Debian package {package})",
            f"apt-get install -y {' '.join(DEBIAN_PACKAGES)}",
        )
    return found


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# --------------------------------------------------------------------------- registry


class RegistryServer:
    """One ``docker-registry serve`` process on 127.0.0.1:<free port>."""

    def __init__(
        self,
        workdir: Path,
        *,
        tls: Cert | None,
        htpasswd: tuple[str, str] | None = None,
        token: dict[str, str] | None = None,
    ) -> None:
        self.workdir = workdir
        self.tls = tls
        self.credentials = htpasswd
        #: ``auth: token:`` settings (realm, service, issuer, rootcertbundle), or None.
        self.token = token
        self.port = free_port()
        self.host = "127.0.0.1"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def _config(self) -> str:
        lines = [
            "version: 0.1",
            "log:",
            "  level: error",
            "  accesslog:",
            "    disabled: true",
            "storage:",
            "  filesystem:",
            f"    rootdirectory: {self.workdir / 'data'}",
            "http:",
            f"  addr: {self.address}",
            "  secret: eksa-mirror-test-secret",
        ]
        if self.tls is not None:
            crt, key = self.tls.write(self.workdir, "server")
            lines += ["  tls:", f"    certificate: {crt}", f"    key: {key}"]
        if self.credentials is not None:
            htpasswd = require_binary("htpasswd", "apache2-utils")
            user, password = self.credentials
            line = subprocess.run(
                [htpasswd, "-Bbn", user, password], check=True, capture_output=True, text=True
            ).stdout.strip()
            (self.workdir / "htpasswd").write_text(line + "\n")
            lines += [
                "auth:",
                "  htpasswd:",
                "    realm: eksa-mirror-test",
                f"    path: {self.workdir / 'htpasswd'}",
            ]
        if self.token is not None:
            lines += ["auth:", "  token:"]
            lines += [f"    {name}: {value}" for name, value in self.token.items()]
        return "\n".join(lines) + "\n"

    def start(self, timeout: float = 15.0) -> RegistryServer:
        binary = require_binary(REGISTRY_BINARY, "docker-registry")
        self.workdir.mkdir(parents=True, exist_ok=True)
        config = self.workdir / "config.yml"
        config.write_text(self._config())
        log = (self.workdir / "registry.log").open("wb")
        self._process = subprocess.Popen(
            [binary, "serve", str(config)], stdout=log, stderr=subprocess.STDOUT
        )
        give_up = time.monotonic() + timeout
        while time.monotonic() < give_up:
            if self._process.poll() is not None:
                break
            try:
                with socket.create_connection((self.host, self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        output = (self.workdir / "registry.log").read_text(errors="replace")
        pytest.fail(f"docker-registry did not start on {self.address}:\n{output}", pytrace=False)

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    def __enter__(self) -> RegistryServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ------------------------------------------------------------------ pushing

    def _connection(self) -> http.client.HTTPConnection:
        if self.tls is None:
            return http.client.HTTPConnection(self.host, self.port, timeout=10)
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return http.client.HTTPSConnection(self.host, self.port, timeout=10, context=context)

    def _request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        all_headers = dict(headers or {})
        if self.credentials is not None:
            token = base64.b64encode(":".join(self.credentials).encode()).decode()
            all_headers["Authorization"] = f"Basic {token}"
        conn = self._connection()
        try:
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def _push_blob(self, repository: str, data: bytes) -> str:
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        status, headers, body = self._request("POST", f"/v2/{repository}/blobs/uploads/")
        assert status == 202, (status, body)
        location = headers["Location"]
        if location.startswith("http"):
            location = "/" + location.split("/", 3)[3]
        separator = "&" if "?" in location else "?"
        status, _, body = self._request(
            "PUT",
            f"{location}{separator}digest={digest}",
            body=data,
            headers={"Content-Type": "application/octet-stream"},
        )
        assert status == 201, (status, body)
        return digest

    def push_tiny_image(self, repository: str, tag: str = "v1") -> None:
        """Create ``repository`` by pushing a one-layer OCI image to it."""
        config = b'{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}'
        layer = b"eksa-mirror test layer for " + repository.encode()
        config_digest = self._push_blob(repository, config)
        layer_digest = self._push_blob(repository, layer)
        manifest = json.dumps(
            {
                "schemaVersion": 2,
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {
                    "mediaType": "application/vnd.oci.image.config.v1+json",
                    "digest": config_digest,
                    "size": len(config),
                },
                "layers": [
                    {
                        "mediaType": "application/vnd.oci.image.layer.v1.tar",
                        "digest": layer_digest,
                        "size": len(layer),
                    }
                ],
            }
        ).encode()
        status, _, body = self._request(
            "PUT",
            f"/v2/{repository}/manifests/{tag}",
            body=manifest,
            headers={"Content-Type": "application/vnd.oci.image.manifest.v1+json"},
        )
        assert status == 201, (status, body)


# --------------------------------------------------------------------------- silent listener


class SilentListener:
    """A TCP listener that completes the handshake (backlog) and never sends a byte."""

    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.port: int = self._sock.getsockname()[1]

    def close(self) -> None:
        self._sock.close()

    def __enter__(self) -> SilentListener:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def pending_connections(self) -> int:
        """How many connections reached this listener (accepts them without blocking)."""
        self._sock.setblocking(False)
        count = 0
        while True:
            try:
                conn, _ = self._sock.accept()
            except BlockingIOError:
                return count
            conn.close()
            count += 1


# --------------------------------------------------------------------------- token registry


class TokenRegistry(TlsServing):
    """HTTPS on 127.0.0.1 answering /v2/, /token and /v2/_catalog like a token-auth registry."""

    TOKEN = "fake-bearer-token-0123456789"

    def __init__(
        self,
        tls: Cert,
        workdir: Path,
        *,
        credentials: tuple[str, str],
        repositories: tuple[str, ...],
        realm: str | None = None,
    ) -> None:
        self.credentials = credentials
        self.repositories = repositories
        self.requests: list[str] = []
        owner = self

        class Handler(RegistryHandler):
            def do_GET(self) -> None:
                owner.requests.append(self.path)
                auth = self.headers.get("Authorization", "")
                path = urllib.parse.urlsplit(self.path).path
                if path == "/token":
                    expected = base64.b64encode(":".join(owner.credentials).encode()).decode()
                    if auth != f"Basic {expected}":
                        self.send_json(401, {"errors": [{"code": "UNAUTHORIZED"}]})
                        return
                    self.send_json(200, {"token": owner.TOKEN})
                    return
                if auth != f"Bearer {owner.TOKEN}":
                    challenge = (
                        f'Bearer realm="{owner.realm}",service="fake-registry",'
                        'scope="registry:catalog:*"'
                    )
                    self.send_json(
                        401, {"errors": [{"code": "UNAUTHORIZED"}]}, WWW_Authenticate=challenge
                    )
                    return
                if path == "/v2/":
                    self.send_json(200, {})
                elif path == "/v2/_catalog":
                    self.send_json(200, {"repositories": list(owner.repositories)})
                else:
                    self.send_json(404, {"errors": [{"code": "NOT_FOUND"}]})

        context = tls_context(*tls.write(workdir, "token-registry"))
        super().__init__(ThreadingHTTPServer(("127.0.0.1", 0), Handler), context)
        self.realm = realm or f"https://127.0.0.1:{self.port}/token"

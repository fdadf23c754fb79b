"""What the suite's in-process HTTPS servers share (``tls_servers``, ``hostile_server``,
``registry_fixtures``): a threading server on 127.0.0.1 (a free port) whose listening socket
speaks TLS, served from a daemon thread while a ``with`` block runs, and a request handler
that answers JSON the way a registry does.
"""

from __future__ import annotations

import contextlib
import json
import socketserver
import ssl
import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import TracebackType
from typing import TypeVar

_Serving = TypeVar("_Serving", bound="TlsServing")


def tls_context(crt: Path, key: Path) -> ssl.SSLContext:
    """A server context with the certificate (chain) in ``crt`` and its key."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(crt, key)
    return context


class TlsServing:
    """``server`` (bound to 127.0.0.1, port 0) speaking TLS with ``context``; ``port`` is its
    port. It serves from a daemon thread for the length of a ``with`` block."""

    def __init__(self, server: socketserver.TCPServer, context: ssl.SSLContext) -> None:
        server.socket = context.wrap_socket(server.socket, server_side=True)
        self._server = server
        self.port: int = server.server_address[1]
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)

    def __enter__(self: _Serving) -> _Serving:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()


class RegistryHandler(BaseHTTPRequestHandler):
    """A quiet handler (no log lines; a client that hangs up is normal) that sends JSON."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def handle(self) -> None:
        with contextlib.suppress(OSError, ssl.SSLError):
            super().handle()

    def send_json(self, status: int, body: dict[str, object], **headers: str) -> None:
        """``body`` as JSON with a registry's headers; ``headers`` with ``_`` for ``-``."""
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Docker-Distribution-API-Version", "registry/2.0")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(data)

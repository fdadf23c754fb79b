"""One keep-alive HTTPS connection to the configured endpoint, for many requests.

``check --images`` asks for hundreds of manifests: each worker keeps one connection open
(``Connection: keep-alive``) and reopens it when the server closes it. Responses are framed
by ``Content-Length`` or chunked encoding, read within the operation's budget (re-checked
before every ``recv``) and capped in size, as ``net`` does for one-shot requests.
"""

from __future__ import annotations

import http.client
import io
import socket
import ssl

from eksa_mirror.core.mirror import join_host_port
from eksa_mirror.probe.net import (
    Budget,
    Deadline,
    NetError,
    Response,
    connect,
    encode_request,
    send,
    tls_wrap,
)

#: Longest status line plus headers accepted.
MAX_HEAD = 64 * 1024
#: Longest chunk-size line accepted in a chunked body.
_MAX_CHUNK_LINE = 1024
_CLOSED = (ConnectionResetError, BrokenPipeError, ConnectionAbortedError, ssl.SSLEOFError)


class Connection:
    """Requests to ``endpoint:port`` over one connection (TLS unless ``context`` is None)."""

    def __init__(
        self, endpoint: str, port: int, context: ssl.SSLContext | None, deadline: Deadline
    ) -> None:
        self.endpoint = endpoint
        self.port = port
        self.context = context
        self.deadline = deadline
        self.host_header = join_host_port(endpoint, port)
        #: How many connections were opened (the first, and each reopening).
        self.opened = 0
        self._sock: socket.socket | None = None
        self._buffer = b""

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
        self._sock, self._buffer = None, b""

    def _open(self) -> socket.socket:
        sock = connect(self.endpoint, self.port, self.deadline.budget())
        if self.context is not None:
            sock = tls_wrap(sock, self.context, self.endpoint, self.deadline.budget())
        self.opened += 1
        return sock

    def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, limit: int = 1 << 20
    ) -> Response:
        """``method path`` and its whole answer (a body over ``limit`` bytes is an error).

        A connection the server closed between two requests is reopened once.
        """
        payload = encode_request(method, path, self.host_header, headers, keep_alive=True)
        reused = self._sock is not None
        try:
            return self._exchange(method, payload, limit)
        except NetError as exc:
            self.close()
            if not reused or exc.kind not in ("reset", "closed"):
                raise
        return self._exchange(method, payload, limit)

    def _exchange(self, method: str, payload: bytes, limit: int) -> Response:
        if self._sock is None:
            self._sock = self._open()
        budget = self.deadline.budget()
        try:
            send(self._sock, payload, budget)
            response, reusable = _Reader(self._sock, budget, self._buffer).response(method, limit)
        except NetError:
            self.close()
            raise
        if reusable:
            self._buffer = b""
        else:
            self.close()
        return response


class _Reader:
    """Reads one response from ``sock``, within ``budget``, starting with ``buffer``."""

    def __init__(self, sock: socket.socket, budget: Budget, buffer: bytes) -> None:
        self.sock = sock
        self.budget = budget
        self.data = bytearray(buffer)
        self.received = 0

    def _more(self) -> bool:
        """Read what the server sends next; ``False`` when it closed the connection."""
        try:
            self.sock.settimeout(self.budget.left())
            chunk = self.sock.recv(65536)
        except (TimeoutError, NetError):
            if self.received:
                raise self.budget.slow_error(self.received) from None
            raise self.budget.timeout_error() from None
        except ssl.SSLZeroReturnError:
            chunk = b""
        except _CLOSED:
            if self.received:
                raise NetError("reset", "the connection was reset") from None
            raise NetError("closed", "the server closed the connection") from None
        except ssl.SSLError as exc:
            raise NetError("tls", str(exc.reason or exc)) from None
        self.received += len(chunk)
        self.data += chunk
        return bool(chunk)

    def _take(self, size: int) -> bytes:
        while len(self.data) < size:
            if not self._more():
                raise NetError("http", "the connection closed in the middle of the answer")
        taken = bytes(self.data[:size])
        del self.data[:size]
        return taken

    def _line(self, limit: int) -> bytes:
        while (end := self.data.find(b"\r\n")) < 0:
            if len(self.data) > limit:
                raise NetError("http", "malformed HTTP response (a line too long)")
            if not self._more():
                raise NetError("http", "the connection closed in the middle of the answer")
        return self._take(end + 2)[:-2]

    def response(self, method: str, limit: int) -> tuple[Response, bool]:
        """The response, and whether the connection can carry another request."""
        while (end := self.data.find(b"\r\n\r\n")) < 0:
            if len(self.data) > MAX_HEAD:
                raise NetError("http", f"the answer's headers are longer than {MAX_HEAD} bytes")
            if not self._more():
                if not self.data:
                    raise NetError("closed", "the server closed the connection without answering")
                raise NetError("http", "the connection closed in the middle of the answer")
        head = self._take(end + 4)
        status, reason, headers = _parse_head(head)
        keep = "close" not in headers.get("Connection", "").lower()
        if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            return Response(status, reason, headers, b""), keep
        if "chunked" in headers.get("Transfer-Encoding", "").lower():
            return Response(status, reason, headers, self._chunked(limit)), keep
        length = headers.get("Content-Length")
        if length is not None:
            size = _length(str(length))
            if size > limit:
                raise NetError("http", f"response larger than {limit} bytes")
            return Response(status, reason, headers, self._take(size)), keep
        return Response(status, reason, headers, self._until_close(limit)), False

    def _chunked(self, limit: int) -> bytes:
        body = bytearray()
        while True:
            line = self._line(_MAX_CHUNK_LINE).split(b";", 1)[0].strip()
            try:
                size = int(line, 16)
            except ValueError:
                raise NetError("http", "malformed HTTP response (a bad chunk size)") from None
            if size < 0 or len(body) + size > limit:
                raise NetError("http", f"response larger than {limit} bytes")
            if size == 0:
                while self._line(MAX_HEAD):  # trailer fields, up to the blank line
                    pass
                return bytes(body)
            body += self._take(size)
            if self._take(2) != b"\r\n":
                raise NetError("http", "malformed HTTP response (a chunk without its CRLF)")

    def _until_close(self, limit: int) -> bytes:
        while len(self.data) <= limit and self._more():
            pass
        if len(self.data) > limit:
            raise NetError("http", f"response larger than {limit} bytes")
        body = bytes(self.data)
        self.data.clear()
        return body


def _length(text: str) -> int:
    if not text.strip().isdigit():
        raise NetError("http", "malformed HTTP response (a bad Content-Length)")
    return int(text)


def _parse_head(head: bytes) -> tuple[int, str, http.client.HTTPMessage]:
    """The status code, reason and headers of a response head."""
    line, _, rest = head.partition(b"\r\n")
    parts = line.decode("latin-1").split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
        raise NetError("http", "malformed HTTP response (not an HTTP/1.x status line)")
    try:
        headers = http.client.parse_headers(io.BytesIO(rest))
    except (http.client.HTTPException, ValueError):
        raise NetError("http", "malformed HTTP response (its headers)") from None
    return int(parts[1]), parts[2] if len(parts) > 2 else "", headers

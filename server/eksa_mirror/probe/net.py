"""Time-bounded TCP, TLS and HTTP(S) to the one configured registry endpoint.

Only the standard library. Each operation (a connect, a handshake, one whole request and its
response) gets ``min(step timeout, time left before the deadline)``, re-checked before every
``recv``; failures are ``NetError`` with a ``kind`` and never carry request headers. How a
silent or dripping server is bounded: docs/check.md ("How check is built").
"""

from __future__ import annotations

import io
import socket
import ssl
import time
from dataclasses import dataclass
from email.message import Message

from eksa_mirror.core.mirror import join_host_port

#: Largest response body read (a registry catalog page is far smaller).
MAX_RESPONSE_BYTES = 8 * 1024 * 1024


class Deadline:
    """The per-operation timeout and the whole-check deadline, on the monotonic clock."""

    def __init__(self, step_timeout: float, total: float) -> None:
        self.step_timeout = step_timeout
        self.total = total
        self._end = time.monotonic() + total

    @property
    def remaining(self) -> float:
        return self._end - time.monotonic()

    def budget(self) -> Budget:
        """A budget for one network operation; raises ``NetError('deadline')`` if none is left."""
        remaining = self.remaining
        if remaining <= 0:
            raise NetError("deadline", f"the whole-check deadline of {_secs(self.total)} passed")
        if remaining < self.step_timeout:
            return Budget(time.monotonic() + remaining, self.total, by_deadline=True)
        return Budget(time.monotonic() + self.step_timeout, self.step_timeout, by_deadline=False)


@dataclass(frozen=True)
class Budget:
    """The end time of one operation and what limits it (step timeout or deadline)."""

    end: float
    limit: float
    by_deadline: bool

    def left(self) -> float:
        """Seconds left; raises ``NetError('timeout'|'deadline')`` when none are."""
        remaining = self.end - time.monotonic()
        if remaining <= 0:
            raise self.timeout_error()
        return remaining

    def slow_error(self, received: int) -> NetError:
        """The budget ran out while the answer was still arriving: a slow server."""
        if self.by_deadline:
            limit = f"the whole-check deadline of {_secs(self.limit)} passed"
            return NetError("deadline", f"{limit} while the registry was still answering")
        return NetError(
            "slow",
            f"the registry is slow: its answer was not complete after {_secs(self.limit)}"
            f" ({received} bytes received)",
        )

    def timeout_error(self) -> NetError:
        if self.by_deadline:
            return NetError("deadline", f"the whole-check deadline of {_secs(self.limit)} passed")
        return NetError("timeout", f"no answer within {_secs(self.limit)}")


class NetError(Exception):
    """A network failure, classified.

    ``kind`` is one of ``refused``, ``timeout``, ``slow``, ``deadline``, ``dns``,
    ``reset``, ``tls``, ``verify``, ``os``, ``http``. ``verify`` errors keep the OpenSSL
    verification code in ``verify_code``.
    """

    def __init__(self, kind: str, detail: str, *, verify_code: int | None = None) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.verify_code = verify_code


def _secs(value: float) -> str:
    text = f"{value:g}"
    return f"{text} s"


def connect(endpoint: str, port: int, budget: Budget) -> socket.socket:
    """A TCP connection to ``endpoint:port`` within the budget."""
    try:
        sock = socket.create_connection((endpoint, port), timeout=budget.left())
    except socket.gaierror as exc:
        raise NetError("dns", f"cannot resolve {endpoint!r}: {exc.strerror}") from None
    except ConnectionRefusedError:
        raise NetError("refused", "connection refused") from None
    except TimeoutError:
        raise budget.timeout_error() from None
    except OSError as exc:
        raise NetError("os", exc.strerror or type(exc).__name__) from None
    return sock


def tls_wrap(
    sock: socket.socket, context: ssl.SSLContext, server_hostname: str, budget: Budget
) -> ssl.SSLSocket:
    """Run the TLS handshake on ``sock`` within the budget (closes ``sock`` on failure)."""
    try:
        sock.settimeout(budget.left())
        return context.wrap_socket(sock, server_hostname=server_hostname)
    except ssl.SSLCertVerificationError as exc:
        sock.close()
        raise NetError(
            "verify", str(exc.verify_message or exc.reason), verify_code=exc.verify_code
        ) from None
    except ssl.SSLEOFError:
        sock.close()
        raise NetError("reset", "the connection was closed during the TLS handshake") from None
    except ssl.SSLError as exc:
        sock.close()
        raise NetError("tls", str(exc.reason or exc)) from None
    except TimeoutError:
        sock.close()
        raise budget.timeout_error() from None
    except (ConnectionResetError, BrokenPipeError, ConnectionAbortedError):
        sock.close()
        raise NetError("reset", "the connection was closed during the TLS handshake") from None
    except OSError as exc:
        sock.close()
        raise NetError("os", exc.strerror or type(exc).__name__) from None


@dataclass(frozen=True)
class Handshake:
    """What an unverified handshake learnt: the protocol and the server certificate."""

    version: str
    der: bytes | None


def probe_handshake(
    sock: socket.socket, context: ssl.SSLContext, server_hostname: str, budget: Budget
) -> Handshake:
    """A TLS handshake through memory buffers, counting what the server sends.

    The count tells a slow server (some bytes, not enough in time) from a silent one.
    ``context`` must not verify (the caller verifies separately). Closes ``sock``.
    """
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname=server_hostname)
    received = 0
    try:
        while True:
            try:
                tls.do_handshake()
                sock.sendall(outgoing.read())
                return Handshake(tls.version() or "TLS", tls.getpeercert(binary_form=True))
            except ssl.SSLWantReadError:
                pass
            sock.sendall(outgoing.read())
            sock.settimeout(budget.left())
            chunk = sock.recv(65536)
            if not chunk:
                if incoming.eof:
                    raise NetError("reset", "the connection was closed during the TLS handshake")
                incoming.write_eof()
            received += len(chunk)
            incoming.write(chunk)
    except NetError as exc:
        if exc.kind not in ("timeout", "deadline"):
            raise
        raise (_slow_handshake(budget, received) if received else exc) from None
    except TimeoutError:
        raise (_slow_handshake(budget, received) if received else budget.timeout_error()) from None
    except OSError as exc:  # TLS errors and closed connections too
        raise _handshake_failure(exc) from None
    finally:
        sock.close()


def _handshake_failure(exc: OSError) -> NetError:
    """A TLS or OS error during the handshake, named (a closed connection is ``reset``)."""
    closed = (ssl.SSLEOFError, ConnectionResetError, BrokenPipeError, ConnectionAbortedError)
    if isinstance(exc, closed):
        return NetError("reset", "the connection was closed during the TLS handshake")
    if isinstance(exc, ssl.SSLError):
        return NetError("tls", str(exc.reason or exc))
    return NetError("os", exc.strerror or type(exc).__name__)


def _slow_handshake(budget: Budget, received: int) -> NetError:
    if budget.by_deadline:
        limit = f"the whole-check deadline of {_secs(budget.limit)} passed"
        return NetError("deadline", f"{limit} while the registry was still answering")
    return NetError(
        "slow",
        f"the registry is slow: the handshake was not complete after {_secs(budget.limit)}"
        f" ({received} bytes received)",
    )


def open_tls(
    endpoint: str, port: int, context: ssl.SSLContext, deadline: Deadline
) -> ssl.SSLSocket:
    """Connect and handshake, each within one budget of the deadline."""
    sock = connect(endpoint, port, deadline.budget())
    return tls_wrap(sock, context, endpoint, deadline.budget())


def _read_all(sock: socket.socket, budget: Budget) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        try:
            sock.settimeout(budget.left())
            chunk = sock.recv(65536)
        except (TimeoutError, NetError):
            raise (budget.slow_error(size) if size else budget.timeout_error()) from None
        except (ssl.SSLZeroReturnError, ssl.SSLEOFError):
            chunk = b""  # closed without (or with) close_notify: the response is complete
        except ssl.SSLError as exc:
            raise NetError("tls", str(exc.reason or exc)) from None
        except (ConnectionResetError, BrokenPipeError, ConnectionAbortedError):
            raise NetError("reset", "the connection was reset") from None
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            raise NetError("http", f"response larger than {MAX_RESPONSE_BYTES} bytes")
        chunks.append(chunk)


class _Replay:
    """A socket stand-in that lets ``http.client.HTTPResponse`` parse recorded bytes."""

    def __init__(self, data: bytes) -> None:
        self._file = io.BytesIO(data)

    def makefile(self, mode: str = "rb", *args: object, **kwargs: object) -> io.BytesIO:
        return self._file


@dataclass(frozen=True)
class Response:
    """A parsed HTTP response (headers looked up case-insensitively)."""

    status: int
    reason: str
    headers: Message
    body: bytes

    def header(self, name: str) -> str:
        return str(self.headers.get(name, ""))

    def header_values(self, name: str) -> list[str]:
        return [str(v) for v in self.headers.get_all(name, [])]


def parse_response(raw: bytes, method: str = "GET") -> Response:
    """Parse a complete HTTP/1.x response with ``http.client``."""
    import http.client

    response = http.client.HTTPResponse(_Replay(raw), method=method)  # type: ignore[arg-type]
    try:
        response.begin()
        body = response.read()
    except (http.client.HTTPException, ValueError) as exc:
        raise NetError("http", f"malformed HTTP response ({type(exc).__name__})") from None
    return Response(response.status, response.reason, response.msg, body)


def _sendable(text: str, *, spaces: bool = True) -> bool:
    """Printable ASCII (spaces only if allowed): safe in a request line or header value."""
    low = " " if spaces else "!"
    return all(low <= ch <= "~" for ch in text)


def encode_request(
    method: str,
    path: str,
    host_header: str,
    headers: dict[str, str] | None = None,
    *,
    keep_alive: bool = False,
) -> bytes:
    """The bytes of an HTTP/1.1 request; ``NetError`` when a value could inject a header.

    ``headers`` replace the defaults of the same name (``Accept: application/json``).
    """
    extra = headers or {}
    if not _sendable(path, spaces=False) or not all(_sendable(v) for v in extra.values()):
        # The path (a Link target, a realm) comes from the registry: never let it inject.
        raise NetError("http", "the registry sent a URL that is not a valid request path")
    connection = "keep-alive" if keep_alive else "close"
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host_header}", f"Connection: {connection}"]
    lines.append("User-Agent: eksa-mirror-check")
    if "Accept" not in extra:
        lines.append("Accept: application/json")
    lines.append("Accept-Encoding: identity")
    lines += [f"{name}: {value}" for name, value in extra.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def send(sock: socket.socket, payload: bytes, budget: Budget) -> None:
    """Send ``payload`` within the budget (a reset or TLS failure is a ``NetError``)."""
    try:
        sock.settimeout(budget.left())
        sock.sendall(payload)
    except TimeoutError:
        raise budget.timeout_error() from None
    except (ConnectionResetError, BrokenPipeError, ConnectionAbortedError):
        raise NetError("reset", "the connection was reset") from None
    except ssl.SSLError as exc:
        raise NetError("tls", str(exc.reason or exc)) from None


def request(
    sock: socket.socket,
    host_header: str,
    path: str,
    budget: Budget,
    headers: dict[str, str] | None = None,
) -> Response:
    """Send ``GET path`` on an open connection, read the whole answer, parse it."""
    send(sock, encode_request("GET", path, host_header, headers), budget)
    raw = _read_all(sock, budget)
    if not raw:
        raise NetError("http", "the server closed the connection without answering")
    return parse_response(raw)


def https_get(
    endpoint: str,
    port: int,
    context: ssl.SSLContext,
    path: str,
    deadline: Deadline,
    headers: dict[str, str] | None = None,
) -> Response:
    """One HTTPS GET to the configured endpoint (new connection, ``Connection: close``)."""
    sock = open_tls(endpoint, port, context, deadline)
    try:
        return request(sock, join_host_port(endpoint, port), path, deadline.budget(), headers)
    finally:
        sock.close()


def plain_http_status_line(endpoint: str, port: int, deadline: Deadline) -> str | None:
    """The status line if ``endpoint:port`` answers plain HTTP, else ``None``."""
    try:
        sock = connect(endpoint, port, deadline.budget())
    except NetError:
        return None
    try:
        response = request(sock, join_host_port(endpoint, port), "/v2/", deadline.budget())
    except NetError:
        return None
    finally:
        sock.close()
    return f"HTTP {response.status} {response.reason}".rstrip()

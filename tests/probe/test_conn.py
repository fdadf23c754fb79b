"""``probe.conn.Connection``: many requests over one connection, each answer framed by
``Content-Length``, chunks or the end of the connection, capped, within the deadline; a
connection the server closed between two requests is opened again, once.

The server is a plain TCP socket on 127.0.0.1 that answers each request with the next bytes
of a script, so that every framing a registry could send is exactly what arrives.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from eksa_mirror.probe.conn import Connection
from eksa_mirror.probe.net import Deadline, NetError

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


class Close(bytes):
    """Bytes the server sends before it closes the connection."""


class Scripted:
    """Answers the n-th request with ``script[n]``; ``None`` closes the connection instead,
    ``Close(b"…")`` after sending. When the script is over, it waits for the client to go."""

    def __init__(self, script: list[bytes | None]) -> None:
        self.script = list(script)
        self.connections = 0
        self.requests: list[bytes] = []
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(8)
        self.port: int = self._sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._talk, args=(conn,), daemon=True).start()

    def _talk(self, conn: socket.socket) -> None:
        data = b""
        with conn:
            while self.script:
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    data += chunk
                head, _, data = data.partition(b"\r\n\r\n")
                self.requests.append(head)
                answer = self.script.pop(0)
                if answer is None:
                    return
                conn.sendall(answer)
                if isinstance(answer, Close):
                    return
            while conn.recv(4096):
                pass

    def close(self) -> None:
        self._sock.close()


@pytest.fixture
def serve() -> Iterator[list[Scripted]]:
    servers: list[Scripted] = []
    yield servers
    for server in servers:
        server.close()


def connect(server: Scripted, timeout: float = 2.0) -> Connection:
    return Connection("127.0.0.1", server.port, None, Deadline(timeout, 10.0))


def test_keep_alive_and_every_framing(serve: list[Scripted]) -> None:
    chunked = (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: x\r\n\r\n")  # fmt: skip
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n"
    until_close = Close(b"HTTP/1.1 200 OK\r\n\r\nto the end")
    server = Scripted([OK, chunked, head, OK, until_close, OK])
    serve.append(server)
    conn = connect(server)
    assert conn.request("GET", "/a").body == b"ok"
    assert conn.request("GET", "/b").body == b"abcde"
    assert conn.request("HEAD", "/c").body == b""
    assert conn.request("GET", "/d").body == b"ok"
    assert conn.opened == 1
    response = conn.request("GET", "/e")
    assert (response.status, response.body) == (200, b"to the end")
    assert conn.request("GET", "/f").body == b"ok"  # a new connection after the close
    assert conn.opened == server.connections == 2
    assert server.requests[0].startswith(b"GET /a HTTP/1.1\r\nHost: 127.0.0.1:")
    assert b"\r\nConnection: keep-alive\r\n" in server.requests[0]
    conn.close()


def test_a_connection_closed_between_requests_is_opened_again_once(
    serve: list[Scripted],
) -> None:
    server = Scripted([OK, None, OK, None, None])
    serve.append(server)
    conn = connect(server)
    assert conn.request("GET", "/1").body == b"ok"
    assert conn.request("GET", "/2").body == b"ok"  # closed without answering: retried
    with pytest.raises(NetError) as caught:
        conn.request("GET", "/3")  # closed on the fresh connection too: not retried again
    assert caught.value.kind == "closed"
    assert caught.value.detail == "the server closed the connection without answering"


H = b"HTTP/1.1 200 OK\r\n"
CHUNKED = H + b"Transfer-Encoding: chunked\r\n\r\n"
LARGER = "response larger than 1024 bytes"


@pytest.mark.parametrize(
    ("answer", "detail"),
    [
        (H + b"Content-Length: 999999999\r\n\r\n", LARGER),
        (H + b"Content-Length: x\r\n\r\n", "malformed HTTP response (a bad Content-Length)"),
        (CHUNKED + b"zz\r\n", "malformed HTTP response (a bad chunk size)"),
        (CHUNKED + b"800\r\n" + b"a" * 2048, LARGER),
        (CHUNKED + b"2\r\nabXY", "malformed HTTP response (a chunk without its CRLF)"),
        (b"SSH-2.0-OpenSSH\r\n\r\n", "malformed HTTP response (not an HTTP/1.x status line)"),
        (H + b"X: " + b"a" * 70_000, "the answer's headers are longer than 65536 bytes"),
        (Close(H + b"\r\n" + b"a" * 2000), LARGER),
    ],
)
def test_broken_answers(serve: list[Scripted], answer: bytes, detail: str) -> None:
    server = Scripted([answer, None])
    serve.append(server)
    conn = connect(server)
    with pytest.raises(NetError) as caught:
        conn.request("GET", "/", limit=1024)
    assert caught.value.detail == detail


def test_an_answer_cut_short(serve: list[Scripted]) -> None:
    server = Scripted([Close(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")])
    serve.append(server)
    with pytest.raises(NetError) as caught:
        connect(server).request("GET", "/")
    assert caught.value.detail == "the connection closed in the middle of the answer"


def test_silence_costs_one_timeout(serve: list[Scripted]) -> None:
    server = Scripted([b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab"])
    serve.append(server)
    with pytest.raises(NetError) as caught:
        connect(server, timeout=0.3).request("GET", "/")
    assert (caught.value.kind, caught.value.detail) == (
        "slow",
        "the registry is slow: its answer was not complete after 0.3 s (41 bytes received)",
    )


def test_a_header_value_that_would_inject_is_refused(serve: list[Scripted]) -> None:
    server = Scripted([OK])
    serve.append(server)
    with pytest.raises(NetError) as caught:
        connect(server).request("GET", "/", {"Authorization": "Bearer x\r\nX-Evil: 1"})
    assert caught.value.detail == "the registry sent a URL that is not a valid request path"
    assert server.requests == []

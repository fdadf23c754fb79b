"""The wire: stdout carries nothing but Content-Length frames, ``--tcp`` serves one client,
and both ``python -m eksa_mirror serve`` and the ``eksa-mirror`` script start the server."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from .support import EXAMPLES, REPO

INVALID = (EXAMPLES / "invalid-mirror.yaml").read_text()
URI = (EXAMPLES / "invalid-mirror.yaml").resolve().as_uri()


def frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def parse_frames(data: bytes) -> list[dict[str, Any]]:
    """Every byte must belong to a frame: headers, a blank line, exactly N bytes of JSON."""
    messages = []
    rest = data
    while rest:
        head, sep, rest = rest.partition(b"\r\n\r\n")
        assert sep, f"bytes outside a frame: {head[:200]!r}"
        headers = {}
        for line in head.split(b"\r\n"):
            name, colon, value = line.partition(b": ")
            assert colon and name in (b"Content-Length", b"Content-Type"), f"bad header {line!r}"
            headers[name] = value
        length = int(headers[b"Content-Length"])
        body, rest = rest[:length], rest[length:]
        assert len(body) == length, "truncated frame"
        message = json.loads(body.decode("utf-8"))
        assert message.get("jsonrpc") == "2.0", message
        messages.append(message)
    return messages


SESSION = [
    {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {"processId": None, "rootUri": None, "capabilities": {}},
    },
    {"jsonrpc": "2.0", "method": "initialized", "params": {}},
    {
        "jsonrpc": "2.0",
        "method": "textDocument/didOpen",
        "params": {
            "textDocument": {"uri": URI, "languageId": "yaml", "version": 1, "text": INVALID}
        },
    },
    {
        "jsonrpc": "2.0",
        "id": 2,
        "method": "textDocument/hover",
        "params": {"textDocument": {"uri": URI}, "position": {"line": 26, "character": 5}},
    },
    # Something that fails: an unknown method and a document nobody opened.
    {"jsonrpc": "2.0", "id": 3, "method": "eksa/unknown", "params": {}},
    {
        "jsonrpc": "2.0",
        "id": 4,
        "method": "textDocument/completion",
        "params": {
            "textDocument": {"uri": "file:///nowhere.yaml"},
            "position": {"line": 0, "character": 0},
        },
    },
]
SHUTDOWN = [
    {"jsonrpc": "2.0", "id": 5, "method": "shutdown", "params": None},
    {"jsonrpc": "2.0", "method": "exit", "params": None},
]


def _commands() -> list[list[str]]:
    commands = [[sys.executable, "-m", "eksa_mirror", "serve", "--log-level", "DEBUG"]]
    script = Path(sys.executable).with_name("eksa-mirror")
    if script.exists() or shutil.which("eksa-mirror"):
        found = str(script) if script.exists() else str(shutil.which("eksa-mirror"))
        commands.append([found, "serve"])
    return commands


@pytest.mark.parametrize("command", _commands(), ids=lambda c: Path(c[0]).name)
def test_stdout_is_only_protocol(command: list[str]) -> None:
    proc = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )
    assert proc.stdin is not None
    proc.stdin.write(b"".join(frame(m) for m in SESSION))
    proc.stdin.flush()
    time.sleep(0.3)  # let the debounced diagnostics go out before shutting down
    proc.stdin.write(b"".join(frame(m) for m in SHUTDOWN))
    proc.stdin.flush()
    stdout, stderr = proc.communicate(timeout=20)
    assert proc.returncode == 0, stderr.decode(errors="replace")
    messages = parse_frames(stdout)
    by_id = {m["id"]: m for m in messages if "id" in m and "method" not in m}
    assert by_id[1]["result"]["serverInfo"]["name"] == "eksa-mirror"
    assert "hover" in json.dumps(by_id[1]["result"]["capabilities"]).lower()
    assert "port" in by_id[2]["result"]["contents"]["value"]
    assert by_id[3]["error"]["code"] == -32601
    assert by_id[4].get("result") is None
    assert by_id[5]["result"] is None
    published = [m for m in messages if m.get("method") == "textDocument/publishDiagnostics"]
    assert published and len(published[-1]["params"]["diagnostics"]) == 7


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _read_frame(sock: socket.socket, buffer: bytearray) -> dict[str, Any]:
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        assert chunk, "connection closed"
        buffer += chunk
    head, _, rest = bytes(buffer).partition(b"\r\n\r\n")
    length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
    while len(rest) < length:
        chunk = sock.recv(65536)
        assert chunk, "connection closed"
        rest += chunk
    buffer[:] = rest[length:]
    return dict(json.loads(rest[:length]))


def test_tcp_initialize_round_trip() -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "eksa_mirror", "serve", "--tcp", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=5)
                break
            except OSError:
                assert proc.poll() is None, proc.communicate()[1].decode(errors="replace")
                assert time.monotonic() < deadline, "the server never listened"
                time.sleep(0.05)
        with sock:
            buffer = bytearray()
            sock.sendall(frame(SESSION[0]))
            reply = _read_frame(sock, buffer)
            assert reply["id"] == 1
            assert reply["result"]["serverInfo"]["name"] == "eksa-mirror"
            sock.sendall(frame(SESSION[1]) + frame(SHUTDOWN[0]))
            assert _read_frame(sock, buffer) == {"jsonrpc": "2.0", "id": 5, "result": None}
            sock.sendall(frame(SHUTDOWN[1]))
        proc.wait(timeout=10)
        assert proc.returncode == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.stdout is not None and proc.stdout.read() == b""


def test_tcp_rejects_a_bad_address() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "eksa_mirror", "serve", "--tcp", "localhost"],
        capture_output=True,
        text=True,
        timeout=20,
        env={**os.environ},
    )
    assert run.returncode == 2
    assert "HOST:PORT" in run.stderr
    assert run.stdout == ""


def test_cancel_of_an_answered_request_is_not_a_warning() -> None:
    """VS Code cancels hover and code-lens requests when the text changes, often after the
    answer left: a clean session like that logs no warning (pygls logs "Cancel notification
    for unknown message id" for each)."""
    cancel = [
        {"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 2}},  # answered
        {"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 99}},  # never sent
    ]
    proc = subprocess.Popen(
        [sys.executable, "-m", "eksa_mirror", "serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )
    assert proc.stdin is not None
    proc.stdin.write(b"".join(frame(m) for m in SESSION[:4]))
    proc.stdin.flush()
    time.sleep(0.3)  # the hover (id 2) is answered before its cancel arrives
    proc.stdin.write(b"".join(frame(m) for m in [*cancel, *SHUTDOWN]))
    proc.stdin.flush()
    stdout, stderr = proc.communicate(timeout=20)
    assert proc.returncode == 0
    by_id = {m["id"]: m for m in parse_frames(stdout) if "id" in m and "method" not in m}
    assert "port" in by_id[2]["result"]["contents"]["value"]
    assert stderr.decode(errors="replace") == ""

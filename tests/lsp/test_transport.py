"""The wire: stdout carries nothing but Content-Length frames, ``--tcp`` serves one client,
and both ``python -m eksa_mirror serve`` and the ``eksa-mirror`` script start the server.

Over stdio the suite's raw client (``benchmarks/lspclient.py``) drives the server; what it
read is checked again by a strict parser of its own here (``parse_frames``)."""

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

from lspclient import LspClient
from lspwire import MessageParser, frame

from .support import EXAMPLES, REPO

INVALID = (EXAMPLES / "invalid-mirror.yaml").read_text()
URI = (EXAMPLES / "invalid-mirror.yaml").resolve().as_uri()


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


NOWHERE = {"textDocument": {"uri": "file:///nowhere.yaml"}, "position": {"line": 0, "character": 0}}


@pytest.mark.parametrize("command", _commands(), ids=lambda c: Path(c[0]).name)
def test_stdout_is_only_protocol(command: list[str]) -> None:
    client = LspClient(command)
    try:
        init = client.initialize()
        client.open(URI, INVALID)
        hover = client.hover(URI, 26, 5)
        # Something that fails: an unknown method and a document nobody opened.
        unknown = client.request("eksa/unknown", {})
        nowhere = client.request("textDocument/completion", NOWHERE)
        diagnostics = client.diagnostics(URI, version=1)
    finally:
        code = client.close()
    assert code == 0, client.stderr.decode(errors="replace")
    assert init["serverInfo"]["name"] == "eksa-mirror"
    assert "hover" in json.dumps(init["capabilities"]).lower()
    assert "port" in hover["contents"]["value"]
    assert unknown["error"]["code"] == -32601
    assert nowhere.get("result") is None and "error" not in nowhere
    assert len(diagnostics) == 7
    # Every byte of stdout is in a frame, and the frames are the messages the client read.
    assert parse_frames(bytes(client.raw_out)) == client.messages
    assert {"jsonrpc": "2.0", "id": 5, "result": None} in client.messages  # shutdown


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _read_message(sock: socket.socket, parser: MessageParser, ready: list[dict[str, Any]]) -> Any:
    """The next whole message from the socket (``ready`` keeps those read ahead)."""
    while not ready:
        chunk = sock.recv(65536)
        assert chunk, "connection closed"
        ready += parser.feed(chunk)
    return ready.pop(0)


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
            parser, ready = MessageParser(), []
            sock.sendall(frame(SESSION[0]))
            reply = _read_message(sock, parser, ready)
            assert reply["id"] == 1
            assert reply["result"]["serverInfo"]["name"] == "eksa-mirror"
            sock.sendall(frame(SESSION[1]) + frame(SHUTDOWN[0]))
            assert _read_message(sock, parser, ready) == {"jsonrpc": "2.0", "id": 5, "result": None}
            sock.sendall(frame(SHUTDOWN[1]))
            assert parser.errors == []
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
    client = LspClient()
    try:
        client.initialize()
        client.open(URI, INVALID)
        where = {"textDocument": {"uri": URI}, "position": {"line": 26, "character": 5}}
        hover = client.request_async("textDocument/hover", where)
        answer = client.response(hover)  # answered before its cancel is sent
        client.notify("$/cancelRequest", {"id": hover})
        client.notify("$/cancelRequest", {"id": 99})  # never sent
    finally:
        code = client.close()
    assert code == 0
    assert "port" in answer["result"]["contents"]["value"]
    assert client.stderr.decode(errors="replace") == ""

"""The one raw LSP client of the tests and benchmarks (``benchmarks/lspclient.py``) and its
wire (``benchmarks/lspwire.py``): framing, parsing bytes in any chunks, the answers it gives a
server's requests, and its UTF-16 copy of the documents it edits."""

from __future__ import annotations

import json
import sys

import pytest

from lspclient import LspClient, utf16_offset
from lspwire import MessageParser, frame, lookup_section, norm_uri
from support import REPO

HOVER = {"jsonrpc": "2.0", "id": 7, "result": {"contents": "é 🙂"}}
PUBLISH = {"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": {}}


def test_frame_counts_bytes_not_characters() -> None:
    body = json.dumps(HOVER, ensure_ascii=False).encode("utf-8")
    assert frame(HOVER) == b"Content-Length: %d\r\n\r\n" % len(body) + body
    assert frame(b"{bad") == b"Content-Length: 4\r\n\r\n{bad"


@pytest.mark.parametrize("size", [1, 2, 7, 31, 1 << 16])
def test_messages_come_out_whole_whatever_the_chunk_size(size: int) -> None:
    stream = frame(HOVER) + b"Content-Type: x\r\n" + frame(PUBLISH)
    parser = MessageParser()
    got = [m for i in range(0, len(stream), size) for m in parser.feed(stream[i : i + size])]
    assert got == [HOVER, PUBLISH]
    assert parser.errors == []


def test_bad_output_is_recorded_and_skipped() -> None:
    parser = MessageParser()
    got = parser.feed(b"hello\r\n\r\n" + frame(b"{bad") + frame(PUBLISH))
    assert got == [PUBLISH]
    assert parser.errors[0] == "non-LSP output on stdout: b'hello'"
    assert parser.errors[1] == "no Content-Length in header b'hello'"
    assert parser.errors[2].startswith("invalid JSON: ")
    assert len(parser.errors) == 3


def test_sections_and_uris() -> None:
    settings = {"yaml": {"format": {"enable": False}}, "[yaml]": {"tab": 2}}
    assert lookup_section(settings, "yaml.format") == {"enable": False}
    assert lookup_section(settings, "[yaml]") == {"tab": 2}
    assert lookup_section(settings, "yaml.nothing") is None
    assert lookup_section(settings, None) is settings
    assert norm_uri("file:///a%20b/") == "file:///a b"


# A server that asks its client three things after ``initialized`` and publishes the answers
# as the diagnostics of file:///answers (version 1).
FAKE_SERVER = r"""
import sys
sys.path.insert(0, sys.argv[1])
from lspwire import MessageParser, frame

ASK = [
    ("workspace/configuration", {"items": [{"section": "yaml.format"}, {"section": "nope"}]}),
    ("client/registerCapability", {"registrations": []}),
    ("x/unknown", {}),
]


def send(message):
    sys.stdout.buffer.write(frame(message))
    sys.stdout.buffer.flush()


parser, answers = MessageParser(), {}
while chunk := sys.stdin.buffer.read1(65536):
    for m in parser.feed(chunk):
        method = m.get("method")
        if method in ("initialize", "shutdown"):
            send({"jsonrpc": "2.0", "id": m["id"], "result": None})
        elif method == "initialized":
            for n, (asked, params) in enumerate(ASK):
                send({"jsonrpc": "2.0", "id": f"ask{n}", "method": asked, "params": params})
        elif method == "exit":
            sys.exit(0)
        elif method is None:
            answers[m["id"]] = m
            if len(answers) == len(ASK):
                found = [answers[f"ask{n}"] for n in range(len(ASK))]
                params = {"uri": "file:///answers", "version": 1, "diagnostics": found}
                send({"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics",
                      "params": params})
"""


def test_the_client_answers_what_a_server_asks() -> None:
    settings = {"yaml": {"format": {"enable": True}}}
    command = [sys.executable, "-c", FAKE_SERVER, str(REPO / "benchmarks")]
    client = LspClient(command, settings=settings)
    try:
        client.initialize()
        answers = client.diagnostics("file:///answers", version=1)
    finally:
        assert client.close() == 0, client.stderr.decode(errors="replace")
    assert answers == [
        {"jsonrpc": "2.0", "id": "ask0", "result": [{"enable": True}, None]},
        {"jsonrpc": "2.0", "id": "ask1", "result": None},
        {"jsonrpc": "2.0", "id": "ask2",
         "error": {"code": -32601, "message": "not supported: x/unknown"}},
    ]  # fmt: skip
    assert client.config_requests == [["yaml.format", "nope"]]
    assert client.protocol_errors == []


@pytest.mark.parametrize(
    ("line", "character", "index"),
    [
        (0, 1, 1),  # before the emoji (one character, two UTF-16 units)
        (0, 3, 2),  # after it
        (0, 2, 2),  # inside its surrogate pair: after it
        (0, 99, 3),  # past the end of the line: its end, before the CRLF
        (1, 0, 5),  # after a CRLF, one line break
        (2, 1, 8),  # after a lone CR
        (9, 0, 8),  # past the last line: the end of the text
    ],
)
def test_utf16_positions(line: int, character: int, index: int) -> None:
    assert utf16_offset("a🙂b\r\nc\rd", line, character) == index

"""The one LSP wire of the test and benchmark clients: framing, and parsing bytes in any chunks."""

from __future__ import annotations

import json

import pytest

from lspwire import MessageParser, frame, lookup_section, norm_uri

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

"""Protocol faults over stdio: each gets the JSON-RPC answer the specification asks for (or
is ignored where it says so), and the server goes on serving the next request.

What pygls 2.1.1 does by itself, and what ``lsp/protocol.py`` changes, is described in
docs/security.md ("Protocol faults").
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eksa_mirror.lsp.documents import LspTextDocument
from lspclient import LspClient
from lspwire import frame
from support import REPO

pytestmark = pytest.mark.e2e

TEXT = (REPO / "examples" / "invalid-mirror.yaml").read_text(encoding="utf-8")
URI = "file:///srv/clusters/invalid-mirror.yaml"
#: Line 25 holds ``    endpoint: https://registry.example.com:5000``.
ENDPOINT_LINE = 25

PARSE_ERROR = {"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": "Parse error"}}
INVALID_REQUEST = {"code": -32600, "message": "Invalid Request"}


@pytest.fixture
def server() -> Iterator[LspClient]:
    s = LspClient()
    s.initialize()
    s.open(URI, TEXT)
    s.diagnostics(URI, version=1)
    yield s
    assert s.alive(), "the server exited"
    assert s.close() == 0
    shown = [m for m in s.messages if m.get("method") == "window/showMessage"]
    assert shown == [], f"pop-ups shown to the user: {shown}"
    assert b"Traceback" not in s.stderr, s.stderr.decode(errors="replace")


def served(s: LspClient) -> None:
    """The server still answers: a hover on the endpoint key."""
    answer = s.hover(URI, ENDPOINT_LINE, 6)
    assert "registryMirrorConfiguration.endpoint" in answer["contents"]["value"]


def hover_body(msg_id: int, line: int = ENDPOINT_LINE) -> bytes:
    return json.dumps(
        {
            "jsonrpc": "2.0",
            "id": msg_id,
            "method": "textDocument/hover",
            "params": {"textDocument": {"uri": URI}, "position": {"line": line, "character": 6}},
        }
    ).encode()


def wait_for(s: LspClient, predicate: Any, timeout: float = 10) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in list(s.messages):
            if predicate(message):
                return message
        time.sleep(0.02)
    raise AssertionError("expected message not received")


def errors_without_id(s: LspClient) -> list[dict[str, Any]]:
    return [m for m in s.messages if "error" in m and m.get("id") is None]


# --- framing and JSON ----------------------------------------------------------------------


def test_malformed_json_gets_a_parse_error(server: LspClient) -> None:
    server.write(frame(b'{"jsonrpc": "2.0", "id": 50, "method": "textDocument/hover", '))
    assert wait_for(server, lambda m: m.get("id", 0) is None) == PARSE_ERROR
    served(server)


def test_body_that_is_not_utf8_gets_a_parse_error(server: LspClient) -> None:
    server.write(frame(b'{"jsonrpc": "2.0", "method": "x\xff\xfe"}'))
    assert wait_for(server, lambda m: m.get("id", 0) is None) == PARSE_ERROR
    served(server)


def test_content_length_too_short(server: LspClient) -> None:
    """The truncated message gets a Parse error; the next one is served (pygls alone would
    never understand another message: ``ResyncingReader``)."""
    body = hover_body(60)
    server.write(b"Content-Length: %d\r\n\r\n" % (len(body) - 5) + body)
    server.write(frame(hover_body(61)))
    assert "registryMirrorConfiguration" in json.dumps(server.response(61))
    assert errors_without_id(server) == [PARSE_ERROR]
    assert 60 not in server._responses
    served(server)


def test_content_length_too_long(server: LspClient) -> None:
    """The body swallows the start of the next message: both are lost (one Parse error),
    and the stream resynchronises at the message after."""
    body = hover_body(70)
    server.write(b"Content-Length: %d\r\n\r\n" % (len(body) + 5) + body)
    server.write(frame(hover_body(71)))
    server.write(frame(hover_body(72)))
    assert "registryMirrorConfiguration" in json.dumps(server.response(72))
    assert errors_without_id(server) == [PARSE_ERROR]
    assert 70 not in server._responses and 71 not in server._responses
    served(server)


@pytest.mark.parametrize("body", [b"[1, 2]", b"42", b'"text"', b"null"])
def test_json_that_is_not_a_message(server: LspClient, body: bytes) -> None:
    server.write(frame(body))
    expected = {"jsonrpc": "2.0", "id": None, "error": INVALID_REQUEST}
    assert wait_for(server, lambda m: m.get("id", 0) is None) == expected
    served(server)


def test_request_without_jsonrpc_member(server: LspClient) -> None:
    server.write(frame(b'{"id": 80, "method": "textDocument/hover", "params": {}}'))
    assert server.response(80) == {"jsonrpc": "2.0", "id": 80, "error": INVALID_REQUEST}
    served(server)


def test_response_to_nothing_is_ignored(server: LspClient) -> None:
    server.send({"jsonrpc": "2.0", "id": 81})
    server.send({"jsonrpc": "2.0", "id": "never-sent", "result": 1})
    served(server)
    assert errors_without_id(server) == []


# --- methods -------------------------------------------------------------------------------


def test_unknown_request_is_method_not_found(server: LspClient) -> None:
    answer = server.request("eksaMirror/noSuchThing", {"a": 1})
    assert answer["error"]["code"] == -32601
    served(server)


@pytest.mark.parametrize("method", ["eksaMirror/noSuchThing", "$/noSuchThing", "$/setTrace"])
def test_notifications_that_are_not_ours_are_ignored(server: LspClient, method: str) -> None:
    before = len(server.messages)
    server.notify(method, {"value": "verbose"})
    served(server)
    published = "textDocument/publishDiagnostics"
    after = [m for m in server.messages[before:] if m.get("method") != published]
    assert len(after) == 1 and "result" in after[0]  # only the hover's answer


@pytest.mark.parametrize(
    "params",
    [
        {"textDocument": {"uri": URI}, "position": {"line": -1, "character": 0}},
        {"textDocument": {"uri": URI}, "position": {"line": 0}},
        {"position": {"line": 0, "character": 0}},
        {"textDocument": {"uri": URI}, "position": {"line": "zero", "character": 0}},
    ],
)
def test_request_with_invalid_params(server: LspClient, params: dict[str, Any]) -> None:
    answer = server.request("textDocument/hover", params)
    assert answer["error"] == {"code": -32602, "message": "Invalid params for textDocument/hover"}
    served(server)


def test_requests_for_documents_never_opened(server: LspClient, tmp_path: Path) -> None:
    on_disk = tmp_path / "on-disk.yaml"
    on_disk.write_text(TEXT)
    for uri in ("file:///nowhere/x.yaml", on_disk.as_uri(), "file:///dev/zero", "untitled:1"):
        where = {"textDocument": {"uri": uri}, "position": {"line": 25, "character": 6}}
        assert server.result("textDocument/hover", where) is None
        assert server.result("textDocument/completion", where) is None
        assert (
            server.result(
                "textDocument/codeAction",
                {
                    "textDocument": {"uri": uri},
                    "range": {"start": where["position"], "end": where["position"]},
                    "context": {"diagnostics": [], "only": ["source.fixAll.eksa-mirror"]},
                },
            )
            == []
        )
    served(server)


@pytest.mark.parametrize(
    ("line", "character"), [(ENDPOINT_LINE, 500), (ENDPOINT_LINE, 2**31 - 1), (10_000, 3)]
)
def test_positions_past_the_end(server: LspClient, line: int, character: int) -> None:
    where = {"textDocument": {"uri": URI}, "position": {"line": line, "character": character}}
    hover = server.request("textDocument/hover", where)
    completion = server.request("textDocument/completion", where)
    assert "error" not in hover and "error" not in completion
    served(server)


def test_cancel_a_request_in_flight(server: LspClient) -> None:
    """Sent in one write: the answer is RequestCancelled or the normal result."""
    request = {
        "jsonrpc": "2.0",
        "id": 90,
        "method": "textDocument/codeAction",
        "params": {
            "textDocument": {"uri": URI},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 60, "character": 0}},
            "context": {"diagnostics": [], "only": ["source.fixAll.eksa-mirror"]},
        },
    }
    cancel = {"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 90}}
    server.write(frame(request) + frame(cancel))
    answer = server.response(90)
    assert answer.get("error", {}).get("code") == -32800 or isinstance(answer.get("result"), list)
    server.notify("$/cancelRequest", {"id": 12345})  # nothing to cancel: ignored
    served(server)


# --- changes out of bounds -----------------------------------------------------------------


def test_did_change_out_of_bounds_is_clamped(server: LspClient) -> None:
    """A range past the end of a line or of the text is clamped as LSP says, so the server's
    copy stays the client's (checked through the diagnostics of the result)."""
    last = len(TEXT.split("\n")) - 1
    # Past the end of the text: appended. The example ends with a newline: line `last` is "".
    server.change(URI, (last + 50, 0), (last + 60, 9), "# end\n")
    # Past the end of the endpoint line: its value is replaced up to the line end.
    server.change(URI, (ENDPOINT_LINE, 14), (ENDPOINT_LINE, 999), "registry.example.com")
    # A reversed range: the same range in order.
    server.change(URI, (ENDPOINT_LINE + 1, 13), (ENDPOINT_LINE + 1, 10), '"443"')
    assert server.texts[URI].splitlines()[ENDPOINT_LINE : ENDPOINT_LINE + 2] == [
        "    endpoint: registry.example.com",
        '    port: "443"',
    ]
    diagnostics = server.diagnostics(URI, version=server.versions[URI])
    codes = [(d["code"], d["range"]["start"]["line"]) for d in diagnostics]
    assert ("RM009", ENDPOINT_LINE) not in codes and ("RM008", ENDPOINT_LINE + 1) not in codes
    assert ("RM010", ENDPOINT_LINE + 2) in codes
    served(server)


@pytest.mark.parametrize(
    ("text", "start", "end", "new", "expected"),
    [
        ("abc", (0, 99), (0, 99), "X", "abcX"),  # pygls 2.1.1: "abXc"
        ("abc\ndef", (1, 99), (1, 99), "X", "abc\ndefX"),  # pygls: "abc\ndeXf"
        ("abc\ndef\n", (0, 2), (0, 1), "X", "aXc\ndef\n"),  # pygls: "abXbc\ndef\n"
        ("a\u2028b\nc\n", (1, 0), (1, 1), "X", "a\u2028b\nX\n"),  # pygls: "a\u2028X\nc\n"
        ("a\x0cb\nc", (1, 0), (1, 0), "X", "a\x0cb\nXc"),  # pygls: "a\x0cXb\nc"
        ("abc\ndef", (7, 0), (9, 9), "X", "abc\ndefX"),
        ("a\rb", (0, 10), (1, 0), "X", "aXb"),
    ],
)
def test_document_changes_follow_lsp(
    text: str, start: tuple[int, int], end: tuple[int, int], new: str, expected: str
) -> None:
    """In process: the open documents' change arithmetic (``lsp/documents.py``)."""
    from lsprotocol import types

    doc = LspTextDocument("file:///x.yaml", text)
    doc.apply_change(
        types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(*start), types.Position(*end)), text=new
        )
    )
    assert doc.source == expected


def test_document_over_the_size_limit(server: LspClient) -> None:
    """A 6 MB document: one RM024 on line 0, quickly, and the server goes on serving."""
    uri = "file:///srv/clusters/huge.yaml"
    began = time.monotonic()
    server.open(uri, TEXT + "# " + "x" * 6_000_000 + "\n")
    diagnostics = server.diagnostics(uri, version=1)
    assert [(d["code"], d["range"]["start"]) for d in diagnostics] == [
        ("RM024", {"line": 0, "character": 0})
    ]
    assert "too large to analyse" in diagnostics[0]["message"]
    where = {"textDocument": {"uri": uri}, "position": {"line": 25, "character": 6}}
    assert "error" not in server.request("textDocument/hover", where)
    assert "error" not in server.request("textDocument/completion", where)
    assert time.monotonic() - began < 60  # a hang guard, not a speed claim
    served(server)

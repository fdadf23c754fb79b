"""pygls behaviours that ``lsp/`` corrects by overriding pygls internals.

Each test shows the upstream behaviour on plain pygls. When a pygls upgrade changes it
(fixed upstream, renamed, or a log template reworded) the test fails and names the module
whose override must be reviewed: the pin in ``pyproject.toml`` is ``pygls>=2.1,<2.2``.
"""

from __future__ import annotations

import inspect
import logging
import re
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pygls.io_
import pygls.protocol.json_rpc as json_rpc
import pytest
from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.workspace import TextDocument, Workspace

from eksa_mirror.lsp import log_filters
from eksa_mirror.lsp.documents import LspTextDocument, use_lsp_lines
from eksa_mirror.lsp.protocol import Protocol

ROOT = Path(__file__).resolve().parents[2]


def test_installed_pygls_is_the_pinned_minor() -> None:
    pin = re.search(r'"pygls>=(\d+\.\d+),<(\d+\.\d+)"', (ROOT / "pyproject.toml").read_text())
    assert pin is not None, "pyproject.toml pins pygls to one minor range"
    installed = tuple(int(p) for p in version("pygls").split(".")[:2])
    low = tuple(int(p) for p in pin.group(1).split("."))
    high = tuple(int(p) for p in pin.group(2).split("."))
    assert low <= installed < high


def _params(function: Any) -> list[str]:
    return list(inspect.signature(function).parameters)


@pytest.mark.parametrize(
    ("owner", "name", "params", "override"),
    [
        (json_rpc.JsonRPCProtocol, "_execute_handler",
         ["self", "msg_id", "handler", "callback", "args", "kwargs"], "lsp/futures.py"),
        (json_rpc.JsonRPCProtocol, "_handle_cancel_notification", ["self", "msg_id"],
         "lsp/futures.py"),
        (json_rpc.JsonRPCProtocol, "structure_message", ["self", "data"], "lsp/protocol.py"),
        (json_rpc.JsonRPCProtocol, "handle_message", ["self", "message"], "lsp/protocol.py"),
        (json_rpc.JsonRPCProtocol, "_send_data", ["self", "data"], "lsp/protocol.py"),
        (TextDocument, "_apply_incremental_change", ["self", "change"], "lsp/documents.py"),
        (Workspace, "_create_text_document",
         ["self", "doc_uri", "source", "version", "language_id"], "lsp/documents.py"),
    ],
)  # fmt: skip
def test_overridden_pygls_methods_keep_their_signature(
    owner: type, name: str, params: list[str], override: str
) -> None:
    method = getattr(owner, name, None)
    assert method is not None, f"pygls has no {owner.__name__}.{name}: review {override}"
    assert _params(method) == params, f"{owner.__name__}.{name} changed: review {override}"


def test_pygls_splits_lines_at_unicode_breaks_lsp_documents_do_not() -> None:
    """``lsp/documents.py``: pygls splits with ``str.splitlines`` (U+2028 is a break)."""
    text = "a\u2028b\x0cc\n"
    assert len(TextDocument("file:///x.yaml", text).lines) == 3, "review lsp/documents.py"
    assert LspTextDocument("file:///x.yaml", text).lines == (text,)


def _insert_at(line: int, character: int, text: str) -> types.TextDocumentContentChangePartial:
    """A fresh change each time: pygls clamps the range of the one it applies in place."""
    where = types.Position(line, character)
    return types.TextDocumentContentChangePartial(range=types.Range(where, where), text=text)


def test_pygls_moves_a_character_past_the_line_end_one_early() -> None:
    """``lsp/documents.py``: pygls inserts before the last character of the last line when
    the position is past its end; LSP clamps the character to the line's length."""
    plain = TextDocument("file:///x.yaml", "abc")
    plain.apply_change(_insert_at(0, 9, "!"))
    assert plain.source == "ab!c", "pygls now clamps: review lsp/documents.py"
    ours = LspTextDocument("file:///x.yaml", "abc")
    ours.apply_change(_insert_at(0, 9, "!"))
    assert ours.source == "abc!"


def test_the_workspace_pygls_creates_opens_lsp_documents() -> None:
    """``lsp/documents.py`` swaps the class of the workspace pygls creates on initialize."""
    workspace = Workspace(None)
    use_lsp_lines(workspace)
    workspace.put_text_document(
        types.TextDocumentItem(uri="file:///x.yaml", language_id="yaml", version=1, text="a")
    )
    assert isinstance(workspace.get_text_document("file:///x.yaml"), LspTextDocument)


def _protocol() -> Protocol:
    server = LanguageServer("t", "v1", protocol_cls=Protocol)
    assert isinstance(server.protocol, Protocol)
    return server.protocol


def test_pygls_files_handler_futures_under_their_id() -> None:
    """``lsp/futures.py``: pygls keeps the future of a generator handler under its id."""
    plain = LanguageServerProtocol(LanguageServer("t", "v1"), None)  # type: ignore[arg-type]

    def handler() -> Any:
        yield from ()

    plain._execute_handler("n1", handler, lambda _f: None)
    assert "n1" in plain._request_futures, "pygls now sweeps futures: review lsp/futures.py"
    ours = _protocol()
    ours._execute_handler("n1", handler, lambda _f: None)
    ours._execute_handler("n2", handler, lambda _f: None)
    assert "n1" not in ours._request_futures


def test_pygls_warns_on_a_cancel_for_an_answered_request(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """``lsp/futures.py``: the warning pygls logs is a debug line here."""
    plain = LanguageServerProtocol(LanguageServer("t", "v1"), None)  # type: ignore[arg-type]
    ours = _protocol()
    with caplog.at_level(logging.DEBUG):
        plain._handle_cancel_notification(7)
        ours._handle_cancel_notification(7)
    levels = [(r.name, r.levelno) for r in caplog.records if "cancel" in r.getMessage().lower()]
    assert levels == [
        ("pygls.protocol.json_rpc", logging.WARNING),
        ("eksa_mirror.lsp.futures", logging.DEBUG),
    ], "review lsp/futures.py"


@pytest.mark.parametrize(
    ("module", "template"),
    [
        (json_rpc, "Failed to handle notification %r: %s"),
        (json_rpc, "Failed to handle request %s %s %s"),
        (json_rpc, "Unable to deserialize message\\n%s"),
        (pygls.io_, "Unable to handle message"),
    ],
)
def test_pygls_log_templates_the_filters_match(module: Any, template: str) -> None:
    """``lsp/log_filters.py`` matches pygls' templates: a reworded one would let the
    document's text (and any secret in it) into the log."""
    assert f'"{template}"' in inspect.getsource(module), "review lsp/log_filters.py"
    log_filters.install()
    assert any(
        isinstance(f, log_filters._WithholdParams)
        for f in logging.getLogger("pygls.protocol.json_rpc").filters
    )

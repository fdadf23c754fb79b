"""Helpers for the end-to-end language server tests: a recording client, open documents
whose text the test keeps in step with the server, and position arithmetic in the
encoding the server negotiated (UTF-16 for VS Code, UTF-8 for Neovim 0.11).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from support import CORPUS as CORPUS  # the LSP tests take the folders from here
from support import EXAMPLES as EXAMPLES
from support import MIRROR_SCHEMA
from support import REPO as REPO
from support import SHARED as SHARED
from support import SPECS as SPECS

SCHEMA = MIRROR_SCHEMA
SERVER_COMMAND = [sys.executable, "-m", "eksa_mirror", "serve"]
#: The recorded clients every shared-client test runs against.
CLIENTS = ["visual-studio-code", "neovim"]

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def corpus_files() -> list[Path]:
    """The project's own EKS-A specs (``tests/data/specs``), and the real EKS-A test files of
    the sibling ``shared/corpus`` folder where it lies beside the repository."""
    real = sorted(CORPUS.glob("*.yaml")) if CORPUS.is_dir() else []
    return [*sorted(SPECS.glob("*.yaml")), *real]


# --- the client -------------------------------------------------------------------------


class RecordingClient(LanguageClient):
    """pytest-lsp's client, plus every publishDiagnostics and the negotiated encoding."""

    published: list[types.PublishDiagnosticsParams]
    registrations: list[types.Registration]
    configuration_requests: int
    encoding: str
    pull: bool


def _record_publish(client: RecordingClient, params: types.PublishDiagnosticsParams) -> None:
    client.published.append(params)
    client.diagnostics[params.uri] = params.diagnostics


def _record_configuration(client: RecordingClient, params: types.ConfigurationParams) -> Any:
    client.configuration_requests += 1
    return [
        client.get_configuration(section=item.section, scope_uri=item.scope_uri)
        for item in params.items
    ]


def _record_registration(client: RecordingClient, params: types.RegistrationParams) -> None:
    client.registrations.extend(params.registrations)


def make_client() -> RecordingClient:
    client = RecordingClient(converter_factory=default_converter)
    client.published = []
    client.registrations = []
    client.configuration_requests = 0
    client.encoding = "utf-16"
    client.pull = False
    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = _record_publish
    features[types.WORKSPACE_CONFIGURATION] = _record_configuration
    features[types.CLIENT_REGISTER_CAPABILITY] = _record_registration
    register_lsp_features(client, features)
    return client


CONFIG = ClientServerConfig(server_command=SERVER_COMMAND, client_factory=make_client)


def capabilities(name: str) -> types.ClientCapabilities:
    return client_capabilities(name)


async def initialize(
    client: RecordingClient,
    caps: types.ClientCapabilities,
    options: Any = None,
    root_uri: str = REPO.as_uri(),
    folders: list[types.WorkspaceFolder] | None = None,
) -> types.InitializeResult:
    if folders is None:
        folders = [types.WorkspaceFolder(uri=root_uri, name="eksa-mirror")]
    result = await client.initialize_session(
        types.InitializeParams(
            capabilities=caps,
            initialization_options=options,
            root_uri=root_uri,
            workspace_folders=folders,
        )
    )
    encoding = result.capabilities.position_encoding or "utf-16"
    client.encoding = str(getattr(encoding, "value", encoding))
    client.pull = bool(caps.text_document and caps.text_document.diagnostic)
    return result


@contextlib.asynccontextmanager
async def started(
    caps: str | types.ClientCapabilities,
    options: Any = None,
    configuration: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
) -> AsyncIterator[RecordingClient]:
    """A server of its own, for tests that change settings or need other capabilities."""
    config = (
        CONFIG
        if env is None
        else ClientServerConfig(
            server_command=SERVER_COMMAND, client_factory=make_client, server_env=env
        )
    )
    client = await config.start()
    assert isinstance(client, RecordingClient)
    if configuration is not None:
        client.set_configuration(configuration)
    try:
        await initialize(client, capabilities(caps) if isinstance(caps, str) else caps, options)
        yield client
        await client.shutdown_session()
    finally:
        server = client._server
        if server is not None and server.returncode is None:
            server.kill()  # a failed test: do not wait for a clean exit
        await client.stop()


async def wait_for(check: Callable[[], bool], timeout: float = 5.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or check}")
        await asyncio.sleep(0.005)


# --- positions ---------------------------------------------------------------------------


def units(text: str, encoding: str) -> int:
    """Length of ``text`` in the position encoding's units."""
    if encoding == "utf-8":
        return len(text.encode("utf-8", "surrogatepass"))
    if encoding == "utf-32":
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def line_starts(text: str) -> list[int]:
    """Offsets where each line starts, with LSP's line breaks (CRLF, CR, LF)."""
    return [0, *(m.end() for m in _LINE_BREAK.finditer(text))]


def split_lines(text: str) -> list[str]:
    return _LINE_BREAK.split(text)


def offset_at(text: str, pos: types.Position, encoding: str) -> int:
    starts = line_starts(text)
    if pos.line >= len(starts):
        return len(text)
    start = starts[pos.line]
    line = split_lines(text)[pos.line]
    count = 0
    for index, char in enumerate(line):
        if count >= pos.character:
            return start + index
        count += units(char, encoding)
    return start + len(line)


def position_at(text: str, offset: int, encoding: str) -> types.Position:
    starts = line_starts(text)
    line = max(i for i, s in enumerate(starts) if s <= offset)
    return types.Position(line, units(text[starts[line] : offset], encoding))


def find(text: str, needle: str, encoding: str, nth: int = 0, delta: int = 0) -> types.Position:
    """The position of the ``nth`` occurrence of ``needle`` (plus ``delta`` characters)."""
    offset = -1
    for _ in range(nth + 1):
        offset = text.index(needle, offset + 1)
    return position_at(text, offset + delta, encoding)


def span_of(text: str, needle: str, encoding: str, nth: int = 0) -> types.Range:
    start = find(text, needle, encoding, nth)
    return types.Range(start, find(text, needle, encoding, nth, len(needle)))


def apply_edits(text: str, edits: Iterable[types.TextEdit], encoding: str) -> str:
    """Apply LSP text edits (all relative to ``text``) as a client would."""
    resolved = sorted(
        (
            (offset_at(text, e.range.start, encoding), offset_at(text, e.range.end, encoding), e)
            for e in edits
        ),
        key=lambda item: (item[0], item[1]),
    )
    out, cursor = [], 0
    for start, end, edit in resolved:
        assert start >= cursor, f"overlapping edits: {edits}"
        out.append(text[cursor:start])
        out.append(edit.new_text)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def text_in(text: str, rng: types.Range, encoding: str) -> str:
    return text[offset_at(text, rng.start, encoding) : offset_at(text, rng.end, encoding)]


# --- documents ---------------------------------------------------------------------------

_counter = 0


def new_uri(name: str) -> str:
    global _counter
    _counter += 1
    return f"file:///tmp/eksa-mirror-lsp-tests/{_counter:03d}-{name}"


class Doc:
    """An open document: the test's copy of the text follows every change it sends."""

    def __init__(self, client: RecordingClient, name: str, text: str) -> None:
        self.client = client
        self.uri = new_uri(name)
        self.text = text
        self.version = 1
        self.open = False

    @property
    def encoding(self) -> str:
        return self.client.encoding

    @property
    def ident(self) -> types.TextDocumentIdentifier:
        return types.TextDocumentIdentifier(uri=self.uri)

    def did_open(self) -> Doc:
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(
                    uri=self.uri, language_id="yaml", version=self.version, text=self.text
                )
            )
        )
        self.open = True
        return self

    def edit(self, edits: Sequence[types.TextEdit]) -> None:
        """Send incremental changes (each relative to the text after the previous one)."""
        changes = []
        for e in edits:
            self.text = apply_edits(self.text, [e], self.encoding)
            changes.append(types.TextDocumentContentChangePartial(range=e.range, text=e.new_text))
        self.version += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(version=self.version, uri=self.uri), changes
            )
        )

    def replace(self, old: str, new: str, nth: int = 0) -> None:
        """Replace the ``nth`` occurrence of ``old`` with an incremental change."""
        self.edit([types.TextEdit(span_of(self.text, old, self.encoding, nth), new)])

    def replace_all(self, text: str) -> None:
        self.text = text
        self.version += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(version=self.version, uri=self.uri),
                [types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )

    def did_save(self) -> None:
        self.client.text_document_did_save(types.DidSaveTextDocumentParams(self.ident))

    def did_close(self) -> None:
        self.client.text_document_did_close(types.DidCloseTextDocumentParams(self.ident))
        self.open = False

    def pos(self, needle: str, nth: int = 0, delta: int = 0) -> types.Position:
        return find(self.text, needle, self.encoding, nth, delta)

    def range(self, needle: str, nth: int = 0) -> types.Range:
        return span_of(self.text, needle, self.encoding, nth)

    def published(self) -> list[types.PublishDiagnosticsParams]:
        return [p for p in self.client.published if p.uri == self.uri]

    async def diagnostics(self) -> list[types.Diagnostic]:
        """What the user sees for the current version (pulled or pushed, as the client does)."""
        if self.client.pull:
            report = await self.client.text_document_diagnostic_async(
                types.DocumentDiagnosticParams(text_document=self.ident)
            )
            assert report.kind == "full", report
            return list(report.items)
        await wait_for(
            lambda: any(p.version == self.version for p in self.published()),
            what=f"diagnostics of {self.uri} version {self.version}",
        )
        return list(self.published()[-1].diagnostics)

    async def close(self) -> None:
        if self.open:
            self.did_close()

    async def completion(self, pos: types.Position) -> list[types.CompletionItem] | None:
        result = await self.client.text_document_completion_async(
            types.CompletionParams(text_document=self.ident, position=pos)
        )
        if result is None:
            return None
        return list(result.items if isinstance(result, types.CompletionList) else result)

    async def hover(self, pos: types.Position) -> types.Hover | None:
        return await self.client.text_document_hover_async(
            types.HoverParams(text_document=self.ident, position=pos)
        )

    async def code_actions(
        self,
        rng: types.Range,
        diagnostics: Sequence[types.Diagnostic],
        only: Sequence[str] | None = None,
        *,
        with_ignore: bool = False,
    ) -> list[types.CodeAction]:
        """The code actions offered; the "Ignore RMxxx on this line" ones only if asked."""
        result = await self.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=self.ident,
                range=rng,
                context=types.CodeActionContext(
                    diagnostics=list(diagnostics),
                    only=list(only) if only is not None else None,  # type: ignore[arg-type]
                ),
            )
        )
        actions = [a for a in result or [] if isinstance(a, types.CodeAction)]
        return [a for a in actions if with_ignore or not a.title.startswith("Ignore RM")]


@contextlib.asynccontextmanager
async def opened(client: RecordingClient, name: str, text: str) -> AsyncIterator[Doc]:
    doc = Doc(client, name, text).did_open()
    try:
        yield doc
    finally:
        await doc.close()


def summary(diagnostics: Iterable[types.Diagnostic]) -> list[tuple[str, tuple[int, int, int, int]]]:
    """(code, (start line, start char, end line, end char)) sorted: what a test compares."""
    return sorted(
        (
            str(d.code),
            (d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character),
        )
        for d in diagnostics
    )


def open_file(client: RecordingClient, path: Path) -> Doc:
    """Open a file of the disk under its own URI (its ``.eksa-mirror.toml`` applies)."""
    doc = Doc(client, path.name, path.read_bytes().decode("utf-8"))
    doc.uri = path.as_uri()
    return doc.did_open()


def validate_json(path: Path, *args: str) -> list[tuple[str, tuple[int, int, int, int]]]:
    """What ``eksa-mirror validate --format json [ARGS] PATH`` reports, in the shape of
    ``summary``."""
    proc = subprocess.run(
        [sys.executable, "-m", "eksa_mirror", "validate", "--format", "json", *args, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr
    return sorted(
        (d["code"], (d["line"] - 1, d["column"] - 1, d["endLine"] - 1, d["endColumn"] - 1))
        for d in json.loads(proc.stdout)
    )

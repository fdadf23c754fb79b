"""Documents named by the URIs VS Code really sends on Windows, from WSL and remote windows.

VS Code on Windows writes ``file:///c%3A/Users/...`` (drive letter in lower case, colon
encoded), a WSL file opened from Windows is ``file://wsl.localhost/Ubuntu/...``, and a
remote window's documents may be ``vscode-remote://...``. Over LSP the server keeps each URI
exactly as sent (diagnostics, code lens arguments, quick fix edits), with the workspace and
the git upgrade-diff mode set as a Windows client sets them; which local file a URI names is
``eksa_mirror.core.uris`` (tests/core/test_uris.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from lsprotocol import types

from .support import (
    CONFIG,
    EXAMPLES,
    Doc,
    RecordingClient,
    capabilities,
    initialize,
    wait_for,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

INVALID = (EXAMPLES / "invalid-mirror.yaml").read_text()
ALL_CODES = ["RM005", "RM006", "RM007", "RM008", "RM009", "RM010", "RM013"]
WINDOWS_ROOT = "file:///c%3A/Users/me/clusters"
URIS = [
    "file:///c%3A/Users/me/clusters/cluster.yaml",  # VS Code on Windows
    "file:///C:/Users/me/clusters/cluster%20one.yaml",  # other Windows clients
    "file://wsl.localhost/Ubuntu/home/me/cluster.yaml",  # a WSL file seen from Windows
    "file://wsl%24/Ubuntu/home/me/cluster.yaml",  # the older \\wsl$ share
    "file://server/share/clusters/cluster.yaml",  # a UNC share
    "vscode-remote://ssh-remote%2Bbastion/home/me/cluster.yaml",
    "vscode-remote://wsl%2Bubuntu/home/me/cluster.yaml",
]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client() -> AsyncIterator[RecordingClient]:
    """A VS Code-like client on Windows: Windows workspace folder, upgrade-diff mode on."""
    client = await CONFIG.start()
    assert isinstance(client, RecordingClient)
    client.set_configuration({"eksaMirror": {"upgradeDiff": "git"}})
    try:
        await initialize(
            client,
            capabilities("visual-studio-code"),
            {"upgradeDiff": "git"},
            root_uri=WINDOWS_ROOT,
            folders=[types.WorkspaceFolder(uri=WINDOWS_ROOT, name="clusters")],
        )
        # The first analysis loads the schema: wait for it once, on a plain URI, so that the
        # tests' 5 s waits measure the URI handling, not a cold start on a busy machine.
        warm = Doc(client, "warm-up.yaml", INVALID).did_open()
        await wait_for(lambda: bool(warm.published()), timeout=60, what="the first diagnostics")
        await warm.close()
        yield client
        await client.shutdown_session()
    finally:
        await client.stop()


async def open_at(client: RecordingClient, uri: str) -> Doc:
    client.published = [p for p in client.published if p.uri != uri]  # an earlier test's
    doc = Doc(client, "cluster.yaml", INVALID)
    doc.uri = uri
    return doc.did_open()


@pytest.mark.parametrize("uri", URIS)
async def test_diagnostics_are_published_for_the_uri_as_sent(
    client: RecordingClient, uri: str
) -> None:
    doc = await open_at(client, uri)
    try:
        diagnostics = await doc.diagnostics()
        assert sorted(str(d.code) for d in diagnostics) == ALL_CODES
        assert {p.uri for p in doc.published()} == {uri}
        assert client.messages == []  # no error shown for a path the server cannot read
    finally:
        await doc.close()


@pytest.mark.parametrize("uri", URIS)
async def test_hover_lens_and_quick_fix_answer_on_the_uri(
    client: RecordingClient, uri: str
) -> None:
    doc = await open_at(client, uri)
    try:
        diagnostics = await doc.diagnostics()
        hover = await doc.hover(doc.pos("endpoint:", nth=1))
        assert hover is not None and "endpoint" in str(hover.contents)
        lenses = await client.text_document_code_lens_async(types.CodeLensParams(doc.ident))
        assert [(lens.command.title, list(lens.command.arguments or [])) for lens in lenses or []
                if lens.command] == [("Check registry", [uri, 0])]  # fmt: skip
        rm009 = next(d for d in diagnostics if d.code == "RM009")
        actions = await doc.code_actions(rm009.range, [rm009])
        fixes = [a for a in actions if a.kind == types.CodeActionKind.QuickFix]
        assert fixes, actions
        assert all(
            a.edit is not None and a.edit.changes is not None and set(a.edit.changes) == {uri}
            for a in fixes
        )
    finally:
        await doc.close()

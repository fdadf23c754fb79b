"""The language server with ``.eksa-mirror.toml`` and inline suppressions: the same findings
as ``validate`` (push and pull), editor settings winning over the file, a changed file read
again, a bad file shown once, and the "Ignore RMxxx on this line" quick fix applied."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from support import MIRROR_HEAD

from .support import (
    CLIENTS,
    Doc,
    open_file,
    started,
    summary,
    validate_json,
    wait_for,
)

pytestmark = pytest.mark.asyncio(loop_scope="function")

SPEC = (
    MIRROR_HEAD
    + """\
    endpoint: https://registry.example.com
    port: 443
    insecureSkipVerify: true
    ociNamespaces:
      - registry: docker.io  # eksa-mirror: ignore[RM009]
        namespace: mirror
# eksa-mirror: ignore-file[RM010]
"""
)
CONFIG = 'ignore = ["RM008"]\n[severity]\nRM019 = "error"\n'


def project(tmp_path: Path, config: str | None = CONFIG, text: str = SPEC) -> Path:
    folder = tmp_path / "clusters"
    folder.mkdir()
    if config is not None:
        (tmp_path / ".eksa-mirror.toml").write_text(config)
    path = folder / "c.yaml"
    path.write_text(text)
    return path


async def fresh(doc: Doc, published_before: int) -> list[types.Diagnostic]:
    """Diagnostics after a change that did not touch the text (a new publish, or a pull)."""
    if not doc.client.pull:
        await wait_for(lambda: len(doc.published()) > published_before, what="a new publish")
    return await doc.diagnostics()


@pytest.mark.parametrize("name", CLIENTS)
async def test_same_findings_as_validate(name: str, tmp_path: Path) -> None:
    path = project(tmp_path)
    expected = validate_json(path)
    assert [code for code, _ in expected] == ["RM009", "RM019", "RM031"]
    async with started(name) as client:
        doc = open_file(client, path)
        diagnostics = await doc.diagnostics()
        assert summary(diagnostics) == expected
        rm019 = next(d for d in diagnostics if d.code == "RM019")
        assert rm019.severity == types.DiagnosticSeverity.Error  # from the file
        assert client.messages == []


#: More files as users write them, each checked by validate and by the server.
CASES = {
    "own-line": SPEC.replace(
        "    port: 443", "    # eksa-mirror: ignore[RM019] lab\n    port: 443"
    ),
    "bom-crlf": ("\ufeff# eksa-mirror: ignore-file[RM009]\n" + SPEC).replace("\n", "\r\n"),
    "two-clusters": SPEC
    + "---\n"
    + SPEC.replace("ignore-file[RM010]", "ignore-file[RM010, RM027]"),
    "broken": "# eksa-mirror: ignore-file[RM008]\n"
    + MIRROR_HEAD
    + "    endpoint: [a\n    port: 443\n",
    "unknown": SPEC.replace("ignore[RM009]", "ignore[RM009, RMX, RM999]"),
}


@pytest.mark.parametrize("name", CLIENTS)
async def test_same_findings_as_validate_for_each_case(name: str, tmp_path: Path) -> None:
    (tmp_path / ".eksa-mirror.toml").write_text(CONFIG)
    async with started(name) as client:
        for case, text in CASES.items():
            path = tmp_path / f"{case}.yaml"
            path.write_bytes(text.encode("utf-8"))
            expected = validate_json(path)
            assert "RM031" in {code for code, _ in expected} or case == "broken", case
            diagnostics = await open_file(client, path).diagnostics()
            assert summary(diagnostics) == expected, case


@pytest.mark.parametrize("name", CLIENTS)
async def test_editor_settings_win(name: str, tmp_path: Path) -> None:
    path = project(tmp_path)
    settings = {"select": ["RM008", "RM019"], "severity": {"RM019": "hint"}}
    async with started(name, options=settings) as client:
        diagnostics = await open_file(client, path).diagnostics()
        assert sorted(str(d.code) for d in diagnostics) == ["RM008", "RM019"]
        rm019 = next(d for d in diagnostics if d.code == "RM019")
        assert rm019.severity == types.DiagnosticSeverity.Hint


@pytest.mark.parametrize("name", CLIENTS)
async def test_a_changed_file_is_read_again(name: str, tmp_path: Path) -> None:
    path = project(tmp_path)
    config = tmp_path / ".eksa-mirror.toml"
    async with started(name) as client:
        doc = open_file(client, path)
        assert "RM008" not in {str(d.code) for d in await doc.diagnostics()}
        # The server registers no watcher: clients that cannot answer would fail.
        assert client.registrations == []
        before = len(doc.published())
        config.write_text('ignore = ["RM019"]\n')
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Changed)]
            )
        )
        codes = sorted(str(d.code) for d in await fresh(doc, before))
        assert codes == ["RM008", "RM009", "RM031"]
        # Without a notification the next analysis still sees the file (keyed by mtime).
        config.write_text('ignore = ["RM019", "RM009"]\n')
        doc.replace("mirror", "mirror2")
        codes = sorted(str(d.code) for d in await doc.diagnostics())
        assert codes == ["RM008"]  # RM031 is gone: RM009 no longer runs


@pytest.mark.parametrize("name", CLIENTS)
async def test_a_bad_file_is_shown_once(name: str, tmp_path: Path) -> None:
    path = project(tmp_path, config='ignore = "RM008"\n')
    async with started(name) as client:
        doc = open_file(client, path)
        diagnostics = await doc.diagnostics()
        doc.replace("mirror", "mirror2")
        await doc.diagnostics()
        # The defaults apply: RM008 is reported.
        assert "RM008" in {str(d.code) for d in diagnostics}
        config = tmp_path / ".eksa-mirror.toml"
        assert [(m.type, m.message) for m in client.messages] == [
            (
                types.MessageType.Error,
                f"eksa-mirror: {config}:1:1: error ignore must be a list of rule codes like "
                '["RM008"] (the configuration file is ignored until it is fixed)',
            )
        ]


@pytest.mark.parametrize("name", CLIENTS)
async def test_ignore_quick_fix(name: str, tmp_path: Path) -> None:
    path = project(tmp_path, config=None)
    async with started(name) as client:
        doc = open_file(client, path)
        rm008 = next(d for d in await doc.diagnostics() if d.code == "RM008")
        actions = await doc.code_actions(rm008.range, [rm008], with_ignore=True)
        ignore = [a for a in actions if a.title == "Ignore RM008 on this line"]
        assert len(ignore) == 1
        assert ignore[0].kind == types.CodeActionKind.QuickFix
        assert ignore[0].is_preferred is False
        assert ignore[0].edit is not None and ignore[0].edit.changes is not None
        doc.edit(list(ignore[0].edit.changes[doc.uri]))  # type: ignore[arg-type]
        assert doc.text == SPEC.replace("port: 443", "port: 443  # eksa-mirror: ignore[RM008]")
        assert "RM008" not in {str(d.code) for d in await doc.diagnostics()}
        # Merged into the comment already on a line.
        rm012 = [d for d in await doc.diagnostics() if d.range.start.line == 11]
        assert rm012 == []
        doc.replace("docker.io", "https://docker.io")
        rm012 = next(d for d in await doc.diagnostics() if d.code == "RM012")
        actions = await doc.code_actions(rm012.range, [rm012], with_ignore=True)
        [merge] = [a for a in actions if a.title == "Ignore RM012 on this line"]
        assert merge.edit is not None and merge.edit.changes is not None
        doc.edit(list(merge.edit.changes[doc.uri]))  # type: ignore[arg-type]
        assert "- registry: https://docker.io  # eksa-mirror: ignore[RM009, RM012]\n" in doc.text
        after = await doc.diagnostics()
        assert "RM012" not in {str(d.code) for d in after}
        # No action for RM031 itself: its fix removes the comment instead.
        rm031 = next(d for d in after if d.code == "RM031")
        offered = await doc.code_actions(rm031.range, [rm031], with_ignore=True)
        assert [a.title for a in offered] == ["Remove RM009 from the suppression"]
        assert offered[0].edit is not None and offered[0].edit.changes is not None
        doc.edit(list(offered[0].edit.changes[doc.uri]))  # type: ignore[arg-type]
        assert "- registry: https://docker.io  # eksa-mirror: ignore[RM012]\n" in doc.text
        assert "RM031" not in {str(d.code) for d in await doc.diagnostics()}

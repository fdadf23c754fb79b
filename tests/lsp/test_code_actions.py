"""Quick fixes and fixAll, applied the way an editor applies them: the finding goes away
and every line the fix does not touch stays byte for byte the same."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from .support import (
    EXAMPLES,
    Doc,
    RecordingClient,
    apply_edits,
    corpus_files,
    opened,
    split_lines,
    summary,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

INVALID = (EXAMPLES / "invalid-mirror.yaml").read_text()
QUICKFIX = types.CodeActionKind.QuickFix
FIX_ALL = "source.fixAll.eksa-mirror"


def fixable_files() -> list[Path]:
    return [EXAMPLES / "invalid-mirror.yaml", *corpus_files()]


def edits_of(action: types.CodeAction, uri: str) -> list[types.TextEdit]:
    assert action.edit is not None and action.edit.changes is not None
    assert set(action.edit.changes) == {uri}
    return [e for e in action.edit.changes[uri] if isinstance(e, types.TextEdit)]


def assert_untouched(before: str, after: str, edits: list[types.TextEdit]) -> None:
    """Lines outside the edited ranges are identical, in order, ends of lines included."""
    touched = set()
    for e in edits:
        touched.update(range(e.range.start.line, e.range.end.line + 1))
    old = before.splitlines(keepends=True)
    head = min(touched)
    tail = len(old) - max(touched) - 1
    new = after.splitlines(keepends=True)
    assert new[:head] == old[:head]
    assert new[len(new) - tail :] == old[len(old) - tail :]


async def _fix_each(client: RecordingClient, path: Path) -> int:
    """Apply every quick fix of ``path`` one at a time on a fresh document."""
    text = path.read_text(encoding="utf-8")
    applied = 0
    async with opened(client, path.name, text) as probe:
        diagnostics = await probe.diagnostics()
    for diag in diagnostics:
        if not (isinstance(diag.data, dict) and "fix" in diag.data):
            continue
        async with opened(client, path.name, text) as doc:
            current = await doc.diagnostics()
            target = next(d for d in current if d.code == diag.code and d.range == diag.range)
            actions = await doc.code_actions(target.range, [target])
            assert [a.kind for a in actions] == [QUICKFIX], actions
            action = actions[0]
            assert action.title == target.data["fix"]["title"]
            assert action.is_preferred is target.data["fix"]["preferred"]
            assert list(action.diagnostics or []) == [target]
            edits = edits_of(action, doc.uri)
            before = doc.text
            doc.edit(
                sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character))[::-1]
            )
            assert doc.text == apply_edits(before, edits, doc.encoding)
            assert_untouched(before, doc.text, edits)
            after = await doc.diagnostics()
            codes_before = [str(d.code) for d in current]
            codes_after = [str(d.code) for d in after]
            code = str(target.code)
            assert codes_after.count(code) == codes_before.count(code) - 1, doc.text
            assert "RM024" not in {str(d.code) for d in after}, doc.text
            applied += 1
    return applied


@pytest.mark.parametrize("path", fixable_files(), ids=lambda p: "-".join(p.stem.split("__")[-3::2]))
async def test_every_quick_fix_removes_its_finding(client: RecordingClient, path: Path) -> None:
    applied = await _fix_each(client, path)
    if path.name == "invalid-mirror.yaml":
        assert applied == 6  # RM006, RM007, RM008, RM009, RM010, RM013


async def test_findings_without_a_fix_get_no_action(client: RecordingClient) -> None:
    async with opened(client, "nofix.yaml", INVALID) as doc:
        rm005 = next(d for d in await doc.diagnostics() if d.code == "RM005")
        assert await doc.code_actions(rm005.range, [rm005]) == []
        # Only the suppression comment is offered (docs/configuration.md).
        offered = await doc.code_actions(rm005.range, [rm005], with_ignore=True)
        assert [a.title for a in offered] == ["Ignore RM005 on this line"]


async def test_a_fix_survives_a_client_that_drops_data(client: RecordingClient) -> None:
    async with opened(client, "nodata.yaml", INVALID) as doc:
        rm008 = next(d for d in await doc.diagnostics() if d.code == "RM008")
        bare = types.Diagnostic(
            range=rm008.range,
            message=rm008.message,
            severity=rm008.severity,
            code=rm008.code,
            source=rm008.source,
        )
        actions = await doc.code_actions(rm008.range, [bare])
    assert [edits_of(a, doc.uri) for a in actions] == [
        [types.TextEdit(range=rm008.range, new_text='"443"')]
    ]


async def test_a_stale_diagnostic_never_edits_the_wrong_place(client: RecordingClient) -> None:
    async with opened(client, "stale.yaml", INVALID) as doc:
        rm008 = next(d for d in await doc.diagnostics() if d.code == "RM008")
        # The user adds a comment line above before asking for the fix.
        doc.edit([types.TextEdit(types.Range(types.Position(0, 0), types.Position(0, 0)), "#\n")])
        actions = await doc.code_actions(rm008.range, [rm008])
        assert len(actions) == 1
        edits = edits_of(actions[0], doc.uri)
        assert edits == [
            types.TextEdit(
                types.Range(types.Position(27, 10), types.Position(27, 13)), new_text='"443"'
            )
        ]
        doc.edit(edits)
        assert "RM008" not in {str(d.code) for d in await doc.diagnostics()}


async def _fix_all(doc: Doc, only: str) -> list[types.TextEdit]:
    actions = await doc.code_actions(
        types.Range(types.Position(0, 0), types.Position(0, 0)), [], only=[only]
    )
    assert [a.kind for a in actions] == [FIX_ALL]
    return edits_of(actions[0], doc.uri)


@pytest.mark.parametrize("only", [FIX_ALL, "source.fixAll", "source"])
async def test_fix_all(client: RecordingClient, only: str) -> None:
    async with opened(client, "fixall.yaml", INVALID) as doc:
        before_diagnostics = await doc.diagnostics()
        safe = {
            str(d.code)
            for d in before_diagnostics
            if isinstance(d.data, dict) and d.data.get("fix", {}).get("safe")
        }
        assert safe == {"RM006", "RM007", "RM008", "RM013"}
        edits = await _fix_all(doc, only)
        before = doc.text
        doc.edit(sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character))[::-1])
        assert doc.text == apply_edits(before, edits, doc.encoding)
        assert_untouched(before, doc.text, edits)
        after = await doc.diagnostics()
        assert not safe & {str(d.code) for d in after}
        kept = summary(d for d in before_diagnostics if str(d.code) not in safe)
        assert set(kept) <= set(summary(after))
        # Unquoting authenticate reveals the credentials note.
        assert {str(d.code) for d in after} - {c for c, _ in kept} == {"RM016"}
        # Nothing left to fix: no fixAll action.
        assert (
            await doc.code_actions(
                types.Range(types.Position(0, 0), types.Position(0, 0)), [], only=[FIX_ALL]
            )
            == []
        )
    assert split_lines(doc.text)[26] == '    port: "443"'


async def test_quick_fixes_are_not_offered_for_source_requests(client: RecordingClient) -> None:
    async with opened(client, "kinds.yaml", INVALID) as doc:
        diagnostics = await doc.diagnostics()
        actions = await doc.code_actions(diagnostics[0].range, diagnostics, only=[FIX_ALL])
        assert [a.kind for a in actions] == [FIX_ALL]
        actions = await doc.code_actions(diagnostics[0].range, diagnostics, only=[QUICKFIX])
        assert {a.kind for a in actions} == {QUICKFIX}

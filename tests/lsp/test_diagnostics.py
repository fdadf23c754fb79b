"""Diagnostics as the user sees them: same findings as the CLI, exact ranges, the document
lifecycle, pull versus push, and a burst of typing that never leaves stale results."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from lsprotocol import types

from .support import (
    EXAMPLES,
    RecordingClient,
    corpus_files,
    opened,
    split_lines,
    summary,
    text_in,
    units,
    wait_for,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

VALID = (EXAMPLES / "valid-mirror.yaml").read_text()
INVALID = (EXAMPLES / "invalid-mirror.yaml").read_text()
_SEVERITY = {"error": 1, "warning": 2, "information": 3, "hint": 4}


REALWORLD = EXAMPLES.parent / "tests" / "data" / "realworld"


def spec_files() -> list[Path]:
    """The corpus, the examples and the real-world specs (documentation pastes with "..."
    and placeholders, syntax errors elsewhere): the editor shows what validate prints."""
    return [
        *corpus_files(),
        EXAMPLES / "invalid-mirror.yaml",
        EXAMPLES / "valid-mirror.yaml",
        *sorted(REALWORLD.glob("*.yaml")),
        *sorted((REALWORLD.parent / "cross-document").glob("*.yaml")),
    ]


@cache
def cli_findings() -> dict[str, list[dict[str, object]]]:
    """``eksa-mirror validate --format json`` over every file, by resolved path."""
    files = [str(p) for p in spec_files()]
    run = subprocess.run(
        [sys.executable, "-m", "eksa_mirror", "validate", "--format", "json", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode in (0, 1), run.stderr
    found: dict[str, list[dict[str, object]]] = {f: [] for f in files}
    for item in json.loads(run.stdout):
        found[str(item["file"])].append(item)
    return found


def cli_summary(path: Path, encoding: str) -> list[tuple[str, tuple[int, int, int, int]]]:
    """The CLI's findings (1-based code-point columns) in the client's units."""
    lines = split_lines(path.read_text(encoding="utf-8"))

    def col(line: int, column: int) -> int:
        return units(lines[line - 1][: column - 1], encoding)

    return sorted(
        (
            str(f["code"]),
            (
                int(f["line"]) - 1,  # type: ignore[call-overload]
                col(int(f["line"]), int(f["column"])),  # type: ignore[call-overload]
                int(f["endLine"]) - 1,  # type: ignore[call-overload]
                col(int(f["endLine"]), int(f["endColumn"])),  # type: ignore[call-overload]
            ),
        )
        for f in cli_findings()[str(path)]
    )


@pytest.mark.parametrize("path", spec_files(), ids=lambda p: p.name.split("__")[-1])
async def test_same_findings_as_the_cli(client: RecordingClient, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    async with opened(client, path.name, text) as doc:
        diagnostics = await doc.diagnostics()
    assert summary(diagnostics) == cli_summary(path, client.encoding)
    by_code = {str(f["code"]): f for f in cli_findings()[str(path)]}
    for d in diagnostics:
        code = str(d.code)
        assert d.source == "eksa-mirror"
        assert d.code_description is not None
        assert d.code_description.href.endswith(f"docs/rules.md#{code.lower()}")
        assert d.severity == _SEVERITY[str(by_code[code]["severity"])] or any(
            d.severity == _SEVERITY[str(f["severity"])]
            for f in cli_findings()[str(path)]
            if f["code"] == code
        )
        assert d.message in {f["message"] for f in cli_findings()[str(path)]}
        assert isinstance(d.data, dict)
        # A syntax error (RM024) has no place in the data, so no JSON pointer.
        assert d.data.get("pointer", "").startswith("/spec") or (code, d.data["pointer"]) == (
            "RM024",
            "",
        )
        assert d.range.start != d.range.end, f"{code} has an empty range"


# What each finding of examples/invalid-mirror.yaml points at, character for character.
EXPECTED_TEXT = {
    "RM009": "https://registry.example.com:5000",
    "RM008": "443",
    "RM010": "ociNamespaces",
    "RM013": "/curated-packages/",
    "RM007": '"true"',
    "RM005": "true",
    "RM006": "CACertContent",
}


async def test_ranges_cover_the_text_at_fault(client: RecordingClient) -> None:
    async with opened(client, "invalid.yaml", INVALID) as doc:
        diagnostics = await doc.diagnostics()
    assert sorted(str(d.code) for d in diagnostics) == sorted(EXPECTED_TEXT)
    for d in diagnostics:
        assert text_in(INVALID, d.range, client.encoding) == EXPECTED_TEXT[str(d.code)], d.code
    rm008 = next(d for d in diagnostics if d.code == "RM008")
    assert rm008.range == types.Range(types.Position(26, 10), types.Position(26, 13))


async def test_open_change_save_close(client: RecordingClient) -> None:
    async with opened(client, "lifecycle.yaml", VALID) as doc:
        assert await doc.diagnostics() == []

        # Typing over the quotes, one incremental change each.
        doc.replace('"443"', "443")
        first = await doc.diagnostics()
        assert summary(first) == [("RM008", (26, 10, 26, 13))]
        assert text_in(doc.text, first[0].range, doc.encoding) == "443"

        doc.edit([types.TextEdit(doc.range("10.0.0.5"), "https://10.0.0.5")])
        second = await doc.diagnostics()
        assert [str(d.code) for d in second] == ["RM009", "RM008"]
        assert text_in(doc.text, second[0].range, doc.encoding) == "https://10.0.0.5"

        before = len(doc.published())
        doc.did_save()
        if not client.pull:
            await wait_for(lambda: len(doc.published()) > before, what="a publish on save")
            assert summary(doc.published()[-1].diagnostics) == summary(second)
            assert doc.published()[-1].version == doc.version
        else:
            assert summary(await doc.diagnostics()) == summary(second)

        # Undo both: the findings go away again.
        doc.replace("https://10.0.0.5", "10.0.0.5")
        doc.replace("port: 443", 'port: "443"')
        assert await doc.diagnostics() == []
        doc.replace('"443"', "443")
        assert [str(d.code) for d in await doc.diagnostics()] == ["RM008"]

        doc.did_close()
        if not client.pull:
            await wait_for(
                lambda: not doc.published()[-1].diagnostics, what="diagnostics cleared on close"
            )
        else:
            await asyncio.sleep(0.05)
            assert doc.published() == []


async def test_pull_or_push_depends_on_the_client(client: RecordingClient) -> None:
    async with opened(client, "mode.yaml", INVALID) as doc:
        if client.pull:
            # Neovim 0.11 asks; the server never pushes.
            first = await client.text_document_diagnostic_async(
                types.DocumentDiagnosticParams(text_document=doc.ident)
            )
            assert first.kind == "full" and len(first.items) == 7
            again = await client.text_document_diagnostic_async(
                types.DocumentDiagnosticParams(
                    text_document=doc.ident, previous_result_id=first.result_id
                )
            )
            assert again.kind == "unchanged"
            doc.replace("443", '"443"')
            changed = await client.text_document_diagnostic_async(
                types.DocumentDiagnosticParams(
                    text_document=doc.ident, previous_result_id=first.result_id
                )
            )
            assert changed.kind == "full" and len(changed.items) == 6
            await asyncio.sleep(0.05)
            assert client.published == []
        else:
            # VS Code 1.65 cannot pull: diagnostics are published with the version.
            await wait_for(lambda: bool(doc.published()), what="a publish")
            assert doc.published()[-1].version == 1
            assert len(doc.published()[-1].diagnostics) == 7


async def test_a_burst_of_typing_ends_with_the_latest_version(client: RecordingClient) -> None:
    async with opened(client, "burst.yaml", VALID) as doc:
        await doc.diagnostics()
        start = len(doc.published())
        # 19 quoted ports (no finding), then an unquoted one: only the last text has RM008.
        for i in range(1, 20):
            doc.replace(doc.text.split("port: ", 1)[1].split("\n", 1)[0], f'"{i}"')
        doc.replace('"19"', "20")
        assert doc.version == 21
        final = await doc.diagnostics()
        assert summary(final) == [("RM008", (26, 10, 26, 12))]
        assert "integer 20" in final[0].message
        if not client.pull:
            await asyncio.sleep(0.1)  # nothing older may arrive after the final result
            burst = doc.published()[start:]
            versions = [p.version for p in burst]
            assert versions == sorted(versions) and versions[-1] == 21
            assert len(burst) < 20, "the debounce merges a burst of changes"
            for p in burst[:-1]:
                assert not p.diagnostics, f"version {p.version} is stale"


async def test_only_eksa_clusters_get_diagnostics(client: RecordingClient) -> None:
    other = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  port: 443\n"
    async with opened(client, "configmap.yaml", other) as doc:
        assert await doc.diagnostics() == []
        doc.replace("port: 443", "registryMirrorConfiguration: {endpoint: https://x}")
        assert await doc.diagnostics() == []

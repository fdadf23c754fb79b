"""Positions the client can trust: emoji and CJK before the fault (on earlier lines and on
the same line), tabs, CRLF, a byte-order mark, and a Cluster that is not the first
document. Ranges are checked against the text they cover, in the negotiated encoding."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types

from .support import EXAMPLES, RecordingClient, opened, split_lines, summary, text_in, units

pytestmark = pytest.mark.asyncio(loop_scope="module")

INVALID = (EXAMPLES / "invalid-mirror.yaml").read_text()


def _unicode(text: str) -> str:
    text = text.replace(
        "  registryMirrorConfiguration:\n",
        "  # 🚀 镜像 mirror 🐳 配置\n  registryMirrorConfiguration: # 注释 🚢\n",
    )
    text = text.replace("    port: 443\n", "    port:\t443\t# 端口 🚢 tab\n")
    text = text.replace('    authenticate: "true"\n', '    authenticate: "true" # 认证 👍\n')
    return text.replace(
        "      - registry: docker.io\n        namespace: mirror\n",
        '      - {registry: "🐳.example", namespace: "镜像/🚀/"}\n',
    )


def _cluster_third(text: str) -> str:
    cluster, datacenter, cp, worker = text.split("---\n")
    return "# preamble 🐳\n---\n" + "---\n".join([datacenter, cp, cluster, worker])


UNICODE = _unicode(INVALID)
VARIANTS = {
    "emoji and CJK": UNICODE,
    "CRLF": UNICODE.replace("\n", "\r\n"),
    "BOM": "\ufeff" + UNICODE,
    "cluster not first": _cluster_third(UNICODE),
    "all at once": "\ufeff" + _cluster_third(UNICODE).replace("\n", "\r\n"),
}

#: What each finding covers, in every variant.
EXPECTED = sorted(
    [
        ("RM005", "true"),
        ("RM006", "CACertContent"),
        ("RM007", '"true"'),
        ("RM008", "443"),
        ("RM009", "https://registry.example.com:5000"),
        ("RM010", "ociNamespaces"),
        ("RM012", '"🐳.example"'),
        ("RM013", "/curated-packages/"),
        ("RM013", '"镜像/🚀/"'),
    ]
)


def cli_ranges(text: str, tmp: Path, encoding: str) -> list[tuple[str, tuple[int, int, int, int]]]:
    path = tmp / "spec.yaml"
    path.write_bytes(text.encode("utf-8"))
    run = subprocess.run(
        [sys.executable, "-m", "eksa_mirror", "validate", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = split_lines(text)

    def col(line: int, column: int) -> int:
        return units(lines[line - 1][: column - 1], encoding)

    return sorted(
        (
            f["code"],
            (
                f["line"] - 1,
                col(f["line"], f["column"]),
                f["endLine"] - 1,
                col(f["endLine"], f["endColumn"]),
            ),
        )
        for f in json.loads(run.stdout)
    )


@pytest.mark.parametrize("name", list(VARIANTS))
async def test_ranges_cover_the_right_text(
    client: RecordingClient, name: str, tmp_path: Path
) -> None:
    text = VARIANTS[name]
    async with opened(client, "positions.yaml", text) as doc:
        diagnostics = await doc.diagnostics()
    covered = sorted((str(d.code), text_in(text, d.range, client.encoding)) for d in diagnostics)
    assert covered == EXPECTED
    assert summary(diagnostics) == cli_ranges(text, tmp_path, client.encoding)


async def test_utf16_columns_after_an_emoji_on_the_same_line(client: RecordingClient) -> None:
    async with opened(client, "same-line.yaml", UNICODE) as doc:
        diagnostics = await doc.diagnostics()
    line = next(i for i, t in enumerate(split_lines(UNICODE)) if "🐳.example" in t)
    rm013 = next(d for d in diagnostics if d.code == "RM013" and d.range.start.line == line)
    text = split_lines(UNICODE)[line]
    start = text.index('"镜像')
    expected = (units(text[:start], client.encoding), units(text[: start + 7], client.encoding))
    assert (rm013.range.start.character, rm013.range.end.character) == expected
    if client.encoding == "utf-16":
        assert expected == (44, 52)  # the whale is two UTF-16 code units, so is the rocket
    else:
        assert expected == (46, 60)  # UTF-8 bytes (Neovim 0.11)


@pytest.mark.parametrize("name", list(VARIANTS))
async def test_quick_fix_after_emoji(client: RecordingClient, name: str) -> None:
    async with opened(client, "fix.yaml", VARIANTS[name]) as doc:
        target = next(d for d in await doc.diagnostics() if "镜像" in d.message)
        actions = await doc.code_actions(target.range, [target])
        assert len(actions) == 1 and actions[0].edit and actions[0].edit.changes
        before = doc.text
        doc.edit(list(actions[0].edit.changes[doc.uri]))  # type: ignore[arg-type]
        assert doc.text == before.replace('"镜像/🚀/"', '"镜像/🚀"')
        assert not any("镜像" in d.message for d in await doc.diagnostics())


@pytest.mark.parametrize("name", list(VARIANTS))
async def test_hover_and_completion_lines(client: RecordingClient, name: str) -> None:
    text = VARIANTS[name].replace("    endpoint: https://registry.example.com:5000", "    endp")
    async with opened(client, "lines.yaml", text) as doc:
        hover = await doc.hover(doc.pos("    port:\t443", delta=5))
        assert hover is not None and hover.range is not None
        assert text_in(doc.text, hover.range, doc.encoding) == "port"
        pos = doc.pos("    endp\r\n" if "\r\n" in text else "    endp\n", delta=8)
        items = await doc.completion(pos)
        assert items and items[0].label == "endpoint"
        edit = items[0].text_edit
        assert isinstance(edit, types.TextEdit)
        assert text_in(doc.text, edit.range, doc.encoding) == "endp"


async def test_a_lone_cr_ends_a_line(client: RecordingClient) -> None:
    text = INVALID.replace("  kubernetesVersion", "  # old mac line\r  kubernetesVersion")
    async with opened(client, "cr.yaml", text) as doc:
        rm008 = next(d for d in await doc.diagnostics() if d.code == "RM008")
    assert rm008.range.start.line == 27
    assert text_in(text, rm008.range, client.encoding) == "443"


async def test_bom_right_before_apiversion(client: RecordingClient) -> None:
    text = "\ufeff" + INVALID.split("\n", 1)[1]  # no comment: the BOM sits before apiVersion
    async with opened(client, "bom.yaml", text) as doc:
        diagnostics = await doc.diagnostics()
        hover = await doc.hover(doc.pos("    port: 443", delta=5))
        doc.replace("    endpoint: https://registry.example.com:5000", "    endp")
        items = await doc.completion(doc.pos("    endp\n", delta=8))
    assert sorted((str(d.code), text_in(text, d.range, client.encoding)) for d in diagnostics) == [
        e for e in EXPECTED if e[0] not in ("RM012",) and e[1] != '"镜像/🚀/"'
    ]
    assert hover is not None and hover.range is not None
    assert text_in(text, hover.range, client.encoding) == "port"
    assert items and items[0].label == "endpoint"


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\x85"])
async def test_incremental_edits_after_unusual_line_separators(
    client: RecordingClient, char: str
) -> None:
    """Only CR and LF end lines in LSP: a U+2028 (or NEL) in a comment must not move
    later edits to another line."""
    text = INVALID.replace("# A vSphere cluster", f"# A vSphere{char}cluster")
    async with opened(client, "separators.yaml", text) as doc:
        assert len(await doc.diagnostics()) == 7
        doc.replace("port: 443", 'port: "443"')
        doc.replace('authenticate: "true"', "authenticate: true")
        after = await doc.diagnostics()
        hover = await doc.hover(doc.pos('    port: "443"', delta=5))
        async with opened(client, "separators-fresh.yaml", doc.text) as fresh:
            expected = await fresh.diagnostics()
    assert summary(after) == summary(expected)
    assert {str(d.code) for d in after} >= {"RM005", "RM006", "RM009", "RM010", "RM013"}
    assert not {str(d.code) for d in after} & {"RM007", "RM008", "RM024"}
    assert hover is not None and hover.range is not None
    assert text_in(doc.text, hover.range, doc.encoding) == "port"


#: A flow-style Cluster on the first line, after a byte-order mark: every finding, fix and
#: the directive are on the line the mark moves.
BOM_FLOW = (
    "\ufeff{apiVersion: anywhere.eks.amazonaws.com/v1alpha1, kind: Cluster, metadata: {name: a}, "
    'spec: {registryMirrorConfiguration: {endpoint: "https://x", port: 443}}}'
    "  # eksa-mirror: ignore[RM019]\n"
)


async def test_bom_before_findings_fixes_and_a_directive_on_the_first_line(
    client: RecordingClient,
) -> None:
    async with opened(client, "bom-flow.yaml", BOM_FLOW) as doc:
        diagnostics = await doc.diagnostics()
        rm008 = next(d for d in diagnostics if d.code == "RM008")
        actions = await doc.code_actions(rm008.range, [rm008], with_ignore=True)
        expected = [
            ("RM009", doc.range('"https://x"')),
            ("RM008", doc.range("443")),
            ("RM031", doc.range("# eksa-mirror: ignore[RM019]")),
        ]
        close = doc.pos("[RM019]", delta=6)
    assert [(str(d.code), d.range) for d in diagnostics] == expected
    edits = {a.title: [(e.range, e.new_text) for e in _edits(a)] for a in actions}
    assert edits == {
        'Quote the port: "443"': [(doc.range("443"), '"443"')],
        "Ignore RM008 on this line": [(types.Range(close, close), ", RM008")],
    }


def _edits(action: types.CodeAction) -> list[types.TextEdit]:
    assert action.edit is not None and action.edit.changes is not None, action
    return [
        e for edits in action.edit.changes.values() for e in edits if isinstance(e, types.TextEdit)
    ]

"""In the editor, a syntax error elsewhere does not make the mirror's squiggles flicker away,
a pasted documentation example is linted below its ``...``, and a line being typed shows what
``validate`` shows at every keystroke, never a finding that rests on it (push and pull
clients)."""

from __future__ import annotations

import pytest
from lsprotocol import types

from eksa_mirror.rules.analysis import analyze
from support import DATA, DOCS_PASTE

from .support import EXAMPLES, Doc, RecordingClient, opened, summary

pytestmark = pytest.mark.asyncio(loop_scope="module")

INVALID = (EXAMPLES / "invalid-mirror.yaml").read_text()


def core(text: str) -> list[tuple[str, tuple[int, int, int, int]]]:
    """The core's findings as (code, range) in UTF-16 units (the texts here are ASCII)."""
    return sorted(
        (f.code, (f.span.start.line, f.span.start.column, f.span.end.line, f.span.end.column))
        for f in analyze(text).findings
    )


async def test_typing_a_syntax_error_elsewhere_keeps_the_mirror_diagnostics(
    client: RecordingClient,
) -> None:
    async with opened(client, "typing-elsewhere.yaml", INVALID) as doc:
        before = summary(await doc.diagnostics())
        assert "RM024" not in {code for code, _ in before}
        # Half-way through typing a flow list in clusterNetwork.
        doc.replace("      cilium: {}", "      cilium: [")
        during = summary(await doc.diagnostics())
        syntax = [rng for code, rng in during if code == "RM024"]
        line = doc.text.split("\n").index("      cilium: [")
        assert syntax == [(line, 14, line, 15)]
        assert [d for d in during if d[0] != "RM024"] == before
        assert during == core(doc.text)
        doc.replace("      cilium: [", "      cilium: {}")
        assert summary(await doc.diagnostics()) == before


async def test_a_pasted_documentation_example_is_linted_below_its_dots(
    client: RecordingClient,
) -> None:
    async with opened(client, "docs-paste.yaml", DOCS_PASTE) as doc:
        diagnostics = await doc.diagnostics()
    assert summary(diagnostics) == [
        ("RM009", (7, 14, 7, 47)),  # the endpoint is still checked below the "..."
        ("RM024", (5, 2, 5, 5)),  # "..." under spec
        ("RM024", (12, 6, 12, 9)),  # "..." in the list
        ("RM032", (8, 10, 8, 33)),  # <private registry port>
        ("RM032", (10, 18, 10, 52)),  # <upstream registry IP or hostname>
        ("RM032", (11, 19, 11, 50)),  # <namespace in private registry>
        ("RM032", (13, 19, 18, 31)),  # the shortened certificate, the whole block
    ]
    assert summary(diagnostics) == core(DOCS_PASTE)
    rm024 = next(d for d in diagnostics if d.code == "RM024")
    assert rm024.message == (
        '"..." is a placeholder from the EKS Anywhere documentation, not YAML: delete this line'
    )


# --- a broken line is unknown, not absent: what the editor shows while it is typed ----------

CROSS = DATA / "cross-document" / "vsphere-ubuntu-insecure.yaml"


def validate_shows(text: str) -> list[tuple[str, tuple[int, int, int, int], str]]:
    """What ``validate`` finds, as (code, range, message) (the texts here are ASCII, so every
    position encoding counts the same)."""
    return sorted(
        (
            f.code,
            (f.span.start.line, f.span.start.column, f.span.end.line, f.span.end.column),
            f.message,
        )
        for f in analyze(text).findings
    )


def shown(diagnostics: list[types.Diagnostic]) -> list[tuple[str, tuple[int, int, int, int], str]]:
    return sorted(
        (str(d.code), (r.start.line, r.start.character, r.end.line, r.end.character), d.message)
        for d in diagnostics
        for r in (d.range,)
    )


async def type_in(doc: Doc, line: int, column: int, characters: str) -> list[list[str]]:
    """Type ``characters`` one by one at (line, column), checking after each keystroke that
    the editor shows exactly what ``validate`` finds; the codes shown after each one."""
    codes = []
    for offset, char in enumerate(characters):
        at = types.Position(line, column + offset)
        doc.edit([types.TextEdit(types.Range(at, at), char)])
        diagnostics = await doc.diagnostics()
        assert shown(diagnostics) == validate_shows(doc.text), repr(doc.text.split("\n")[line])
        codes.append([str(d.code) for d in diagnostics])
    return codes


async def test_typing_a_machine_configs_osfamily_never_shows_rm005(
    client: RecordingClient,
) -> None:
    """The issue's case, keystroke by keystroke: a tab, then ``osFamily: ubuntu``. While the
    line is broken, its OS family is unknown: never RM005 "defaults to bottlerocket"."""
    text = CROSS.read_text(encoding="utf-8").replace("  osFamily: ubuntu\n", "\n", 1)
    line = text.split("\n").index("  numCPUs: 2") + 1
    async with opened(client, "typing-osfamily.yaml", text) as doc:
        # The line is empty: ubuntu-cp has no osFamily yet, which is Bottlerocket (true).
        assert [d.code for d in await doc.diagnostics()] == ["RM005"]
        codes = await type_in(doc, line, 0, "\tosFamily: ubuntu")
    assert all(step == ["RM024"] for step in codes), codes


async def test_typing_a_quote_in_a_machine_config_and_in_the_mirror(
    client: RecordingClient,
) -> None:
    """An unclosed quote on osFamily, then on the mirror's port: RM024 at the quote, RM019
    kept on the intact insecureSkipVerify once the machines are whole again."""
    text = CROSS.read_text(encoding="utf-8")
    lines = text.split("\n")
    family = lines.index("  osFamily: ubuntu")
    port = lines.index('    port: "5000"')
    async with opened(client, "typing-quotes.yaml", text) as doc:
        assert [d.code for d in await doc.diagnostics()] == ["RM019"]
        assert await type_in(doc, family, 12, '"') == [["RM024"]]
        assert shown(await doc.diagnostics())[0][1] == (family, 12, family, 13)
        doc.edit([types.TextEdit(types.Range(types.Position(family, 12),
                                             types.Position(family, 13)), "")])  # fmt: skip
        assert [d.code for d in await doc.diagnostics()] == ["RM019"]
        # The port's closing quote deleted, then typed again.
        end = types.Position(port, len('    port: "5000'))
        doc.edit([types.TextEdit(types.Range(end, types.Position(port, end.character + 1)), "")])
        diagnostics = await doc.diagnostics()
        assert shown(diagnostics) == validate_shows(doc.text)
        assert sorted(d.code for d in diagnostics) == ["RM019", "RM024"]
        assert await type_in(doc, port, end.character, '"') == [["RM019"]]


async def test_typing_the_docs_rm024_example(client: RecordingClient) -> None:
    """``endpoint: "registry.example.com`` typed with its quote open: RM024 at the quote, on
    every keystroke until it is closed."""
    text = CROSS.read_text(encoding="utf-8")
    line = text.split("\n").index("    endpoint: registry.corp.local")
    async with opened(client, "typing-endpoint.yaml", text) as doc:
        await doc.diagnostics()
        doc.replace("    endpoint: registry.corp.local", "    endpoint: ")
        await doc.diagnostics()
        codes = await type_in(doc, line, 14, '"registry.example.com"')
        diagnostics = await doc.diagnostics()
    assert codes[:-1] == [["RM024", "RM019"]] * 21
    assert codes[-1] == ["RM019"]
    assert [d.code for d in diagnostics] == ["RM019"]


async def test_typing_a_mirror_key_keeps_the_keys_below_judged(client: RecordingClient) -> None:
    """``authenticate: true`` typed on a new line above ``insecureSkipVerify: true``: while its
    colon is missing the word names the key being typed (not ``caCertContent``), so RM019 on
    the intact flag below stays at every keystroke."""
    text = CROSS.read_text(encoding="utf-8").replace('    port: "5000"\n', '    port: "5000"\n\n')
    line = text.split("\n").index('    port: "5000"') + 1
    async with opened(client, "typing-authenticate.yaml", text) as doc:
        assert [d.code for d in await doc.diagnostics()] == ["RM019"]
        codes = await type_in(doc, line, 0, "    authenticate true")
        assert codes[-1] == ["RM024", "RM019"]
        assert all("RM019" in step for step in codes), codes


async def test_the_registry_lens_waits_for_a_broken_mirror_line(client: RecordingClient) -> None:
    """While the port's quote is open the port is unknown, not 443: the lens names no host and
    the check refuses (it would ask the mirror at the wrong port, credentials and all)."""
    text = CROSS.read_text(encoding="utf-8")
    async with opened(client, "lens-broken-port.yaml", text) as doc:
        await doc.diagnostics()

        async def lens() -> types.Command:
            found = await client.text_document_code_lens_async(
                types.CodeLensParams(types.TextDocumentIdentifier(doc.uri))
            )
            assert found is not None and found[0].command is not None
            return found[0].command

        assert (await lens()).title == "Check registry registry.corp.local:5000"
        doc.replace('    port: "5000"', '    port: "5000')
        await doc.diagnostics()
        command = await lens()
        assert command.title == "Check registry"
        answer = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command.command, command.arguments)
        )
    assert answer == {
        "verdict": "error",
        "message": "a line of the mirror section or eksaVersion is not valid YAML (RM024): fix "
        "it first",
    }

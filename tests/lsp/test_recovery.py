"""In the editor, a syntax error elsewhere does not make the mirror's squiggles flicker away,
and a pasted documentation example is linted below its ``...`` (push and pull clients)."""

from __future__ import annotations

import pytest

from eksa_mirror.rules.analysis import analyze
from support import DOCS_PASTE

from .support import EXAMPLES, RecordingClient, opened, summary

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

"""In the editor, a syntax error elsewhere does not make the mirror's squiggles flicker away,
and a pasted documentation example is linted below its ``...`` (push and pull clients)."""

from __future__ import annotations

import pytest

from eksa_mirror.rules.analysis import analyze

from .support import EXAMPLES, RecordingClient, opened, summary

pytestmark = pytest.mark.asyncio(loop_scope="module")

INVALID = (EXAMPLES / "invalid-mirror.yaml").read_text()

DOCS_PASTE = """\
apiVersion: anywhere.eks.amazonaws.com/v1alpha1
kind: Cluster
metadata:
  name: my-cluster-name
spec:
  ...
  registryMirrorConfiguration:
    endpoint: https://registry.example.com:5000
    port: <private registry port>
"""


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
        ("RM009", (7, 14, 7, 47)),
        ("RM024", (5, 2, 5, 5)),
        ("RM032", (8, 10, 8, 33)),
    ]
    assert summary(diagnostics) == core(DOCS_PASTE)
    rm024 = next(d for d in diagnostics if d.code == "RM024")
    assert rm024.message == (
        '"..." is a placeholder from the EKS Anywhere documentation, not YAML: delete this line'
    )

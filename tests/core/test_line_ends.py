"""Lines that fixes insert end like the file's own lines: LF, CRLF or a lone CR."""

from __future__ import annotations

import pytest

from eksa_mirror.core.fixes import apply_edits, safe_edits
from eksa_mirror.rules.analysis import analyze

LINES = [
    "apiVersion: anywhere.eks.amazonaws.com/v1alpha1",
    "kind: Cluster",
    "metadata:",
    "  name: a",
    "spec:",
    "  registryMirrorConfiguration:",
    "    endpoint: https://r.example.com:5000",
    "",
]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_moved_port_line_uses_the_file_line_end(newline: str) -> None:
    text = newline.join(LINES)
    fixed = apply_edits(text, safe_edits(analyze(text).findings))
    expected = [*LINES[:-2], "    endpoint: r.example.com", '    port: "5000"', ""]
    assert fixed == newline.join(expected)
    assert analyze(fixed).findings == []

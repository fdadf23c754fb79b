"""Explicit YAML tags on values that do not fit them never raise: the text is kept."""

from __future__ import annotations

import pytest

from eksa_mirror.rules.analysis import analyze

HEAD = (
    "apiVersion: anywhere.eks.amazonaws.com/v1alpha1\nkind: Cluster\nmetadata:\n  name: t\n"
    "spec:\n  registryMirrorConfiguration:\n    endpoint: 10.0.0.5\n"
)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("    port: !!int ", []),  # empty: the default port 443
        ("    port: !!float x", [("RM002", 7, 10)]),
        ("    authenticate: !!bool ", [("RM007", 7, 18)]),
        ("    insecureSkipVerify: !!bool maybe", [("RM007", 7, 24)]),
        ("    port: !!int 0x", [("RM002", 7, 10)]),
    ],
)
def test_explicit_tag_on_unfit_value(line: str, expected: list[tuple[str, int, int]]) -> None:
    findings = analyze(HEAD + line + "\n").findings
    assert [(f.code, f.span.start.line, f.span.start.column) for f in findings] == expected

"""Positions on awkward text: CRLF, a BOM, emoji and CJK before the block; what is left alone."""

from __future__ import annotations

import pytest

from eksa_mirror.rules.analysis import analyze
from eksa_mirror.rules.catalogue import RULES
from support import cluster

from .helpers import BODY_LINE, E, W, body_span, expect, findings, fixed, one

BAD = "endpoint: https://x\nport: 443"
BAD_FOUND = [("RM009", E, body_span(0, 10, 19)), ("RM008", W, body_span(1, 6, 9))]


def test_crlf_positions_and_fix_keep_line_endings() -> None:
    text = cluster(BAD).replace("\n", "\r\n")
    found = expect(text, BAD_FOUND)
    after = fixed(text, one(found, "RM008").fix)
    assert after == cluster('endpoint: https://x\nport: "443"').replace("\n", "\r\n")


def test_crlf_inserted_lines_use_crlf() -> None:
    text = cluster("endpoint: x:5000").replace("\n", "\r\n")
    after = fixed(text, one(findings(text), "RM009").fix)
    assert after == cluster('endpoint: x\nport: "5000"').replace("\n", "\r\n")
    assert "\r\n" in after and "\n" not in after.replace("\r\n", "")


def test_bom_does_not_move_later_lines() -> None:
    expect("\ufeff" + cluster(BAD), BAD_FOUND)


def test_bom_shifts_columns_on_the_first_line_only() -> None:
    text = (
        "\ufeff{apiVersion: anywhere.eks.amazonaws.com/v1alpha1, kind: Cluster, "
        'spec: {registryMirrorConfiguration: {endpoint: "https://x"}}}\n'
    )
    start = text.index('"https://x"')  # counts the BOM, as editors do
    found = expect(text, [("RM009", E, (0, start, 0, start + 11))])
    after = fixed(text, found[0].fix)
    assert after == text.replace('"https://x"', '"x"')
    assert after.startswith("\ufeff")


@pytest.mark.parametrize(
    "comment",
    ["# 🚀 镜像配置 — registry mirror ✅", "# 日本語のコメント 👍🏽👨‍👩‍👧"],
    ids=["emoji-cjk", "zwj-sequence"],
)
def test_emoji_and_cjk_comments_before_the_block(comment: str) -> None:
    text = cluster(BAD).replace(
        "  registryMirrorConfiguration:\n",
        f"  {comment}\n  registryMirrorConfiguration: {comment}\n",
    )
    expected = [(c, s, (line + 1, col, end_line + 1, end)) for c, s, (line, col, end_line, end)
                in BAD_FOUND]  # fmt: skip
    expect(text, expected)


def test_columns_are_code_points_after_astral_characters() -> None:
    text = cluster("endpoint: x").replace(
        "    endpoint: x", '    endpoint: "🚀.example"  # ✅\n    port: 443'
    )
    # "🚀" is one code point (two UTF-16 units): the port value starts at column 10.
    found = expect(
        text,
        [
            ("RM009", E, (BODY_LINE, 14, BODY_LINE, 25)),
            ("RM008", W, (BODY_LINE + 1, 10, BODY_LINE + 1, 13)),
        ],
    )
    assert found


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n"
            "  registryMirrorConfiguration: |\n    endpoint: https://x\n    port: 443\n",
            id="configmap",
        ),
        pytest.param(
            "apiVersion: apps/v1\nkind: Deployment\nspec:\n  registryMirrorConfiguration:\n"
            "    endpoint: https://x\n    port: 443\n",
            id="non-eksa-with-same-shape",
        ),
        pytest.param("just: [a, plain\n", id="broken-non-eksa"),
        pytest.param("", id="empty"),
        pytest.param("# only a comment\n", id="comment"),
        pytest.param(
            "apiVersion: anywhere.eks.amazonaws.com/v1alpha1\nkind: Cluster\nmetadata:\n"
            "  name: c\nspec:\n  kubernetesVersion: '1.31'\n  proxyConfiguration:\n"
            "    httpProxy: http://p:3128\n",
            id="cluster-without-mirror",
        ),
        pytest.param(
            "apiVersion: anywhere.eks.amazonaws.com/v1alpha1\nkind: VSphereMachineConfig\n"
            "metadata:\n  name: m\nspec:\n  registryMirrorConfiguration:\n    port: 443\n",
            id="not-a-cluster-kind",
        ),
    ],
)
def test_left_alone(text: str) -> None:
    analysis = analyze(text)
    assert analysis.findings == []


def test_every_cluster_document_is_checked() -> None:
    first = cluster("endpoint: https://x")
    second = cluster("endpoint: y\nport: 443")
    lines = first.count("\n") + 1  # the '---' separator line
    found = findings(first + "---\n" + second)
    assert [(f.code, f.span.start.line, f.document) for f in found] == [
        ("RM009", BODY_LINE, 0),
        ("RM030", lines + BODY_LINE - 1, 4),  # the second Cluster's mirror key
        ("RM008", lines + BODY_LINE + 1, 4),
    ]


def test_every_finding_has_a_known_code_and_the_catalogue_severity() -> None:
    text = cluster(BAD)
    for finding in findings(text):
        assert finding.code in RULES
        assert finding.severity is RULES[finding.code].severity
        assert finding.pointer.startswith("/spec/registryMirrorConfiguration")

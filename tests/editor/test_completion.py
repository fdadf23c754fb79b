"""Completion candidates (pure): which items, what they insert, what they replace
(``§`` marks the cursor)."""

from __future__ import annotations

import pytest

from eksa_mirror.core import schema_store
from eksa_mirror.core.eksa.registries import REGIONAL_PACKAGES
from eksa_mirror.core.mirror import PUBLIC_ECR
from eksa_mirror.editor.completion import (
    BLOCK_SNIPPET,
    ENTRY_SNIPPET,
    complete,
    indent_continuation,
    known_registries,
    plain_text,
    value_end,
)
from support import take_cursor

HEAD = (
    "apiVersion: anywhere.eks.amazonaws.com/v1alpha1\nkind: Cluster\nspec:\n"
    "  registryMirrorConfiguration:\n"
)


def run(text: str) -> list[tuple[str, str, str, int, int]] | None:
    found = complete(*take_cursor(text))
    if found is None:
        return None
    return [(c.label, c.kind, c.insert_text, c.replace_start, c.replace_end) for c in found]


KEYS = {
    "endpoint": "endpoint: ${1:10.0.0.5}",
    "port": 'port: "${1:443}"',
    "ociNamespaces": 'ociNamespaces:\n  - registry: ${1:public.ecr.aws}\n    namespace: "${2}"',
    "caCertContent": "caCertContent: |\n  ${1:-----BEGIN CERTIFICATE-----}",
    "authenticate": "authenticate: ${1|true,false|}",
    "insecureSkipVerify": "insecureSkipVerify: ${1|false,true|}",
}

CASES = [
    ("every key on an empty line", HEAD + "    §",
     [(k, "property", v, 4, 4) for k, v in KEYS.items()]),
    ("missing keys only", HEAD + '    endpoint: x\n    po§\n    port: "1"\n    authenticate: true',
     [(k, "property", v, 4, 6) for k, v in KEYS.items()
      if k not in ("endpoint", "port", "authenticate")]),
    ("entry snippet after a dash", HEAD + "    ociNamespaces:\n      - §",
     [("registry: public.ecr.aws", "snippet", ENTRY_SNIPPET, 8, 8),
      ("registry", "property", "registry: ${1}", 8, 8),
      ("namespace", "property", 'namespace: "${1}"', 8, 8)]),
    ("second key of an entry", HEAD + "    ociNamespaces:\n      - registry: a\n        n§",
     [("namespace", "property", 'namespace: "${1}"', 8, 9)]),
    ("entry with its dash", HEAD + "    ociNamespaces:\n      §",
     [("- registry: public.ecr.aws", "snippet", "- " + ENTRY_SNIPPET, 6, 6)]),
    ("port", HEAD + "    port: §", [('"443"', "value", '"443"', 10, 10)]),
    ("port inside auto-closed quotes", HEAD + '    port: "4§"  # the port',
     [('"443"', "value", '"443"', 10, 13)]),
    ("authenticate", HEAD + "    authenticate: t§",
     [("true", "value", "true", 18, 19), ("false", "value", "false", 18, 19)]),
    ("insecureSkipVerify", HEAD + "    insecureSkipVerify: §",
     [("false", "value", "false", 24, 24), ("true", "value", "true", 24, 24)]),
    ("namespace", HEAD + "    ociNamespaces:\n      - registry: a\n        namespace: §",
     [('""', "value", '""', 19, 19), ('"eks-anywhere"', "value", '"eks-anywhere"', 19, 19)]),
    ("block snippet under spec", HEAD.replace("  registryMirrorConfiguration:\n", "  re§"),
     [("registryMirrorConfiguration", "snippet", BLOCK_SNIPPET, 2, 4)]),
    ("no block when one exists", HEAD + "    endpoint: x\n  §", []),
    ("no block for another word", HEAD.replace("  registryMirrorConfiguration:\n", "  kub§"), []),
    ("endpoint value: free text", HEAD + "    endpoint: §", []),
    ("elsewhere in the cluster", HEAD + "    endpoint: x\n  clusterNetwork:\n    §", []),
    ("a comment", HEAD + "    # §", []),
    ("key already written: its name only", HEAD + "    endp§oint: x",
     [(k, "property", k, 4, 12) for k in KEYS]),
    ("block key already written",
     HEAD.replace("  registryMirrorConfiguration:\n", "  regis§tryMirrorConfiguration:\n"),
     [("registryMirrorConfiguration", "property", "registryMirrorConfiguration", 2, 29)]),
    ("entry key already written", HEAD + "    ociNamespaces:\n      - reg§istry: a",
     [("registry", "property", "registry", 8, 16), ("namespace", "property", "namespace", 8, 16)]),
]  # fmt: skip


@pytest.mark.parametrize(("name", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_candidates(name: str, text: str, expected: list[tuple[str, str, str, int, int]]) -> None:
    assert run(text) == expected


def test_registry_values() -> None:
    found = complete(
        *take_cursor(HEAD + "    ociNamespaces:\n      - namespace: x\n        registry: §")
    )
    assert found is not None
    assert [c.label for c in found] == [label for label, _ in known_registries()]
    assert found[0].label == PUBLIC_ECR
    assert {c.detail for c in found[2:]} == {
        f"curated packages, {r}" for r in REGIONAL_PACKAGES.values()
    }
    doc = schema_store.documentation(("ociNamespaces", "registry"))
    assert doc and all(c.documentation == doc for c in found)


def test_documentation_comes_from_the_schema() -> None:
    found = complete(*take_cursor(HEAD + "    §"))
    assert found is not None
    for candidate in found:
        schema = schema_store.property_schema((candidate.label,))
        assert schema is not None
        assert candidate.documentation == schema["markdownDescription"]


@pytest.mark.parametrize(
    "text",
    [
        "apiVersion: v1\nkind: Cluster\nspec:\n  registryMirrorConfiguration:\n    §",
        "apiVersion: anywhere.eks.amazonaws.com/v1alpha1\nkind: VSphereMachineConfig\nspec:\n  §",
    ],
)
def test_not_an_eksa_cluster(text: str) -> None:
    assert complete(*take_cursor(text)) is None


@pytest.mark.parametrize(
    ("snippet", "plain"),
    [
        ("endpoint: ${1:10.0.0.5}", "endpoint: 10.0.0.5"),
        ("authenticate: ${1|true,false|}", "authenticate: true"),
        ('namespace: "${2}"', 'namespace: ""'),
        ("registry: $1", "registry: "),
        (BLOCK_SNIPPET, BLOCK_SNIPPET.replace("${1:10.0.0.5}", "10.0.0.5")
         .replace("${2:443}", "443").replace("${3}", "")
         .replace("${4:-----BEGIN CERTIFICATE-----}", "-----BEGIN CERTIFICATE-----")),
    ],
)  # fmt: skip
def test_plain_text(snippet: str, plain: str) -> None:
    assert plain_text(snippet) == plain


def test_indent_continuation() -> None:
    assert indent_continuation("a:\n  b: 1\n  c: 2", "    ") == "a:\n      b: 1\n      c: 2"
    assert indent_continuation("one line", "    ") == "one line"


@pytest.mark.parametrize(
    ("line", "column", "end"),
    [
        ('    port: "4"', 12, 13),
        ('    port: "4"  # comment', 12, 13),
        ("    port: 4#not a comment", 11, 25),
        ("    port: ", 10, 10),
        ("    port:   ", 10, 10),
    ],
)
def test_value_end(line: str, column: int, end: int) -> None:
    assert value_end(line, column) == end

"""Completion while the YAML is half typed: whole items compared, and accepted items
(snippets expanded as the editor would) leave a cluster spec that parses."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_lsp
import yaml
from lsprotocol import types

from eksa_mirror.core.eksa.registries import REGIONAL_PACKAGES
from support import schema_docs

from .support import (
    CONFIG,
    EXAMPLES,
    SCHEMA,
    Doc,
    RecordingClient,
    capabilities,
    initialize,
    opened,
    split_lines,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

VALID = (EXAMPLES / "valid-mirror.yaml").read_text()
SCHEMA_JSON = json.loads(SCHEMA.read_text())
MIRROR = "registryMirrorConfiguration"
P = types.CompletionItemKind.Property
V = types.CompletionItemKind.Value
S = types.CompletionItemKind.Snippet
SNIPPET = types.InsertTextFormat.Snippet
PLAIN = types.InsertTextFormat.PlainText

#: valid-mirror.yaml without its mirror block, and a cursor line under spec instead.
WITHOUT_MIRROR = re.sub(r"  registryMirrorConfiguration:\n(    .*\n)+", "  \n", VALID)


def shape(item: types.CompletionItem) -> dict[str, Any]:
    """What the user sees and gets from an item."""
    edit = item.text_edit
    assert isinstance(edit, types.TextEdit), item
    doc = item.documentation
    return {
        "label": item.label,
        "kind": item.kind,
        "detail": item.detail,
        "insertText": item.insert_text,
        "textEdit": (
            (edit.range.start.line, edit.range.start.character),
            (edit.range.end.line, edit.range.end.character),
            edit.new_text,
        ),
        "format": item.insert_text_format,
        "documentation": doc.value if isinstance(doc, types.MarkupContent) else doc,
    }


def expect(
    label: str,
    kind: types.CompletionItemKind,
    detail: str,
    line: int,
    start: int,
    end: int,
    new_text: str,
    fmt: types.InsertTextFormat,
    documentation: str,
) -> dict[str, Any]:
    return {
        "label": label,
        "kind": kind,
        "detail": detail,
        "insertText": None,
        "textEdit": ((line, start), (line, end), new_text),
        "format": fmt,
        "documentation": documentation,
    }


ENTRY = 'registry: ${1:public.ecr.aws}\n  namespace: "${2}"'
BLOCK = (
    "registryMirrorConfiguration:\n"
    "  endpoint: ${1:10.0.0.5}\n"
    '  port: "${2:443}"\n'
    "  ociNamespaces:\n"
    "    - registry: public.ecr.aws\n"
    '      namespace: "${3}"\n'
    "  caCertContent: |\n"
    "    ${4:-----BEGIN CERTIFICATE-----}"
)

# (name, text, cursor: (needle, characters after its start), expected items)
CASES = [
    (
        "key half typed",
        VALID.replace("    endpoint: 10.0.0.5\n", "    endp\n"),
        ("    endp\n", 8),
        [
            expect("endpoint", P, MIRROR, 25, 4, 8, "endpoint: ${1:10.0.0.5}", SNIPPET,
                   schema_docs("endpoint")),
            expect("caCertContent", P, MIRROR, 25, 4, 8,
                   "caCertContent: |\n  ${1:-----BEGIN CERTIFICATE-----}", SNIPPET,
                   schema_docs("caCertContent")),
        ],
    ),
    (
        "list item with only a dash",
        VALID.replace('        namespace: ""\n', '        namespace: ""\n      - \n'),
        ('      - \n', 8),
        [
            expect("registry: public.ecr.aws", S, "ociNamespaces entry", 32, 8, 8, ENTRY,
                   SNIPPET, schema_docs("ociNamespaces")),
            expect("registry", P, f"{MIRROR}.ociNamespaces", 32, 8, 8, "registry: ${1}",
                   SNIPPET, schema_docs("ociNamespaces", "registry")),
            expect("namespace", P, f"{MIRROR}.ociNamespaces", 32, 8, 8, 'namespace: "${1}"',
                   SNIPPET, schema_docs("ociNamespaces", "namespace")),
        ],
    ),
    (
        "new entry under ociNamespaces",
        VALID.replace("    ociNamespaces:\n", "    ociNamespaces:\n      \n"),
        ("    ociNamespaces:\n      \n", 25),
        [
            expect("- registry: public.ecr.aws", S, "ociNamespaces entry", 28, 6, 6,
                   "- " + ENTRY, SNIPPET, schema_docs("ociNamespaces")),
        ],
    ),
    (
        "port value",
        VALID.replace('    port: "443"', "    port: "),
        ("    port: ", 10),
        [expect('"443"', V, "default HTTPS port", 26, 10, 10, '"443"', PLAIN, schema_docs("port"))],
    ),
    (
        "authenticate value",
        VALID.replace("    authenticate: false", "    authenticate: "),
        ("    authenticate: ", 18),
        [
            expect("true", V, "boolean", 32, 18, 18, "true", PLAIN, schema_docs("authenticate")),
            expect("false", V, "boolean", 32, 18, 18, "false", PLAIN, schema_docs("authenticate")),
        ],
    ),
    (
        "insecureSkipVerify value half typed",
        VALID.replace("    insecureSkipVerify: false", "    insecureSkipVerify: f"),
        ("    insecureSkipVerify: f", 25),
        [
            expect("false", V, "boolean", 33, 24, 25, "false", PLAIN,
                   schema_docs("insecureSkipVerify")),
            expect("true", V, "boolean", 33, 24, 25, "true", PLAIN,
                   schema_docs("insecureSkipVerify")),
        ],
    ),
    (
        "namespace value",
        VALID.replace('        namespace: ""\n', "        namespace: \n"),
        ("        namespace: \n", 19),
        [
            expect('""', V, "the root of the mirror", 31, 19, 19, '""', PLAIN,
                   schema_docs("ociNamespaces", "namespace")),
            expect('"eks-anywhere"', V, "curated packages (docs)", 31, 19, 19,
                   '"eks-anywhere"', PLAIN, schema_docs("ociNamespaces", "namespace")),
        ],
    ),
    (
        "block snippet under spec",
        WITHOUT_MIRROR,
        ("  \n  workerNode", 2),
        [expect(MIRROR, S, "registry mirror block", 24, 2, 2, BLOCK, SNIPPET, schema_docs())],
    ),
]  # fmt: skip


@pytest.mark.parametrize(("name", "text", "cursor", "expected"), CASES, ids=[c[0] for c in CASES])
async def test_items(
    client: RecordingClient,
    name: str,
    text: str,
    cursor: tuple[str, int],
    expected: list[dict[str, Any]],
) -> None:
    async with opened(client, "complete.yaml", text) as doc:
        items = await doc.completion(doc.pos(cursor[0], delta=cursor[1]))
    assert items is not None
    assert [shape(i) for i in items] == expected


async def test_registry_values_on_the_second_line_of_an_entry(client: RecordingClient) -> None:
    text = VALID.replace(
        "      - registry: public.ecr.aws\n",
        "      - namespace: mirror\n        registry: \n",
    )
    async with opened(client, "registry.yaml", text) as doc:
        items = await doc.completion(doc.pos("        registry: \n", delta=18))
    assert items is not None
    shapes = [shape(i) for i in items]
    documentation = schema_docs("ociNamespaces", "registry")
    assert shapes[0] == expect(
        "public.ecr.aws", V, "EKS Anywhere images (always list it)", 31, 18, 18,
        "public.ecr.aws", PLAIN, documentation,
    )  # fmt: skip
    assert shapes[1] == expect(
        "783794618700.dkr.ecr.us-west-2.amazonaws.com", V,
        "curated packages, legacy account (us-west-2)", 31, 18, 18,
        "783794618700.dkr.ecr.us-west-2.amazonaws.com", PLAIN, documentation,
    )  # fmt: skip
    regional = {s["label"]: s["detail"] for s in shapes[2:]}
    assert regional == {
        registry: f"curated packages, {region}" for registry, region in REGIONAL_PACKAGES.items()
    }
    assert "curated packages, eu-west-1" in regional.values()


NOT_EKSA = (
    "apiVersion: apps/v1\nkind: Cluster\nmetadata:\n  name: not-eksa\nspec:\n"
    "  registryMirrorConfiguration:\n    endp\n    port: \n"
)


@pytest.mark.parametrize(
    ("text", "needle", "delta"),
    [
        (NOT_EKSA, "    endp", 8),
        (NOT_EKSA, "    port: ", 10),
        (NOT_EKSA.replace("  registryMirrorConfiguration:\n    endp\n    port: \n", "  \n"),
         "  \n", 2),
        # An EKS-A document that is not a Cluster.
        (VALID.replace("  datacenter: dc1\n", "  datacenter: dc1\n  \n"), "dc1\n  \n", 6),
        # A comment in the mirror block.
        (VALID.replace("    port: \"443\"\n", "    # port: \n"), "    # port: ", 12),
    ],
    ids=["other apiVersion key", "other apiVersion value", "other apiVersion spec",
         "datacenter config", "comment"],
)  # fmt: skip
async def test_nothing_outside_eksa_clusters(
    client: RecordingClient, text: str, needle: str, delta: int
) -> None:
    async with opened(client, "other.yaml", text) as doc:
        items = await doc.completion(doc.pos(needle, delta=delta))
    assert not items


@pytest_lsp.fixture(config=CONFIG, scope="module")
async def plain(lsp_client: RecordingClient) -> AsyncIterator[None]:
    """Neovim 0.10 without a snippet engine: items must be plain text."""
    await initialize(lsp_client, capabilities("neovim@v0.10.0"))
    yield
    await lsp_client.shutdown_session()


# --- accepting items ---------------------------------------------------------------------


def expand(item: types.CompletionItem, line_text: str) -> str:
    """The text an editor inserts for ``item`` on ``line_text``.

    Snippets: placeholders take their default, and (unless the item says ``asIs``) new
    lines get the line's indentation, as VS Code and Neovim's ``vim.snippet`` do. Plain
    text goes in as it is.
    """
    edit = item.text_edit
    assert isinstance(edit, types.TextEdit)
    text = edit.new_text
    if item.insert_text_format == SNIPPET:
        text = re.sub(r"\$\{\d+\|([^,|}]*)[^}]*\|\}", r"\1", text)
        text = re.sub(r"\$\{\d+:([^}]*)\}", r"\1", text)
        text = re.sub(r"\$\{?\d+\}?", "", text)
        if item.insert_text_mode != types.InsertTextMode.AsIs:
            indent = line_text[: len(line_text) - len(line_text.lstrip(" "))]
            text = text.replace("\n", "\n" + indent)
    return text


def mirror_of(text: str) -> Any:
    return next(yaml.safe_load_all(text))["spec"][MIRROR]


ACCEPT = [
    ("block snippet", WITHOUT_MIRROR, ("  \n  workerNode", 2), MIRROR,
     {"endpoint": "10.0.0.5", "port": "443", "caCertContent": "-----BEGIN CERTIFICATE-----\n",
      "ociNamespaces": [{"registry": "public.ecr.aws", "namespace": ""}]}),
    ("entry after a dash", VALID.replace('        namespace: ""\n',
                                          '        namespace: ""\n      - \n'),
     ("      - \n", 8), "registry: public.ecr.aws",
     {"ociNamespaces": [
         {"registry": "783794618700.dkr.ecr.us-west-2.amazonaws.com",
          "namespace": "eks-anywhere"},
         {"registry": "public.ecr.aws", "namespace": ""},
         {"registry": "public.ecr.aws", "namespace": ""}]}),
    ("entry with its dash", VALID.replace("    ociNamespaces:\n", "    ociNamespaces:\n      \n"),
     ("    ociNamespaces:\n      \n", 25), "- registry: public.ecr.aws",
     {"ociNamespaces": [
         {"registry": "public.ecr.aws", "namespace": ""},
         {"registry": "783794618700.dkr.ecr.us-west-2.amazonaws.com",
          "namespace": "eks-anywhere"},
         {"registry": "public.ecr.aws", "namespace": ""}]}),
    ("caCertContent key",
     VALID.replace("    endpoint: 10.0.0.5\n", "    endpoint: 10.0.0.5\n    ca\n"),
     ("    ca\n", 6), "caCertContent", {"caCertContent": "-----BEGIN CERTIFICATE-----\n"}),
    ("port inside auto-closed quotes", VALID.replace('    port: "443"', '    port: "4"'),
     ('    port: "4"', 11), '"443"', {"port": "443"}),
    ("key already written", VALID, ("    endpoint: 10", 8), "endpoint",
     {"endpoint": "10.0.0.5", "port": "443"}),
]  # fmt: skip


async def _accept(
    doc: Doc, cursor: tuple[str, int], label: str, expected: dict[str, Any]
) -> types.CompletionItem:
    pos = doc.pos(cursor[0], delta=cursor[1])
    items = await doc.completion(pos)
    item = next(i for i in items or [] if i.label == label)
    edit = item.text_edit
    assert isinstance(edit, types.TextEdit)
    new_text = expand(item, split_lines(doc.text)[pos.line])
    doc.edit([types.TextEdit(edit.range, new_text)])
    mirror = mirror_of(doc.text)
    for key, value in expected.items():
        assert mirror[key] == value, doc.text
    assert "RM024" not in {str(d.code) for d in await doc.diagnostics()}
    return item


@pytest.mark.parametrize(("name", "text", "cursor", "label", "expected"), ACCEPT,
                         ids=[a[0] for a in ACCEPT])  # fmt: skip
async def test_accepted_items_give_a_valid_spec(
    client: RecordingClient,
    name: str,
    text: str,
    cursor: tuple[str, int],
    label: str,
    expected: dict[str, Any],
) -> None:
    async with opened(client, "accept.yaml", text) as doc:
        item = await _accept(doc, cursor, label, expected)
    assert (item.insert_text_format == SNIPPET) == (
        item.kind != V and name != "key already written"
    )


@pytest.mark.parametrize(("name", "text", "cursor", "label", "expected"), ACCEPT,
                         ids=[a[0] for a in ACCEPT])  # fmt: skip
async def test_plain_text_for_clients_without_snippets(
    plain: RecordingClient,
    name: str,
    text: str,
    cursor: tuple[str, int],
    label: str,
    expected: dict[str, Any],
) -> None:
    async with opened(plain, "plain.yaml", text) as doc:
        item = await _accept(doc, cursor, label, expected)
    edit = item.text_edit
    assert isinstance(edit, types.TextEdit)
    assert item.insert_text_format == PLAIN
    assert "$" not in edit.new_text
    if "\n" in edit.new_text:
        assert item.insert_text_mode == types.InsertTextMode.AsIs

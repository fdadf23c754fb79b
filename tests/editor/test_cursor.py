"""The cursor context read from indentation, on complete and half-typed YAML (``§`` marks
the cursor)."""

from __future__ import annotations

import pytest

from eksa_mirror.editor.cursor import ITEM, document_bounds, is_eksa_cluster, locate
from support import take_cursor

HEAD = (
    "apiVersion: anywhere.eks.amazonaws.com/v1alpha1\nkind: Cluster\nspec:\n"
    "  registryMirrorConfiguration:\n"
)
MIRROR = ["spec", "registryMirrorConfiguration"]
OCI = [*MIRROR, "ociNamespaces", ITEM]


# (name, text after HEAD, path, mode, prefix, key, word_start, after_dash, siblings)
CASES = [
    ("key half typed", "    endp§", MIRROR, "key", "endp", "", 4, False, set()),
    ("value after colon", "    port: §", MIRROR, "value", "", "port", 10, False, set()),
    ("inside auto-closed quotes", '    port: "4§"', MIRROR, "value", '"4', "port", 10, False,
     set()),
    ("quoted key", '    "port": §', MIRROR, "value", "", "port", 12, False, set()),
    ("new item, only a dash",
     "    ociNamespaces:\n      - registry: a\n        namespace: b\n      - §",
     OCI, "key", "", "", 8, True, set()),
    ("second key of an item",
     "    ociNamespaces:\n      - namespace: b\n        registry: §",
     OCI, "value", "", "registry", 18, False, {"namespace"}),
    ("indentless sequence, new item",
     "    ociNamespaces:\n    - registry: a\n      namespace: b\n    - §",
     OCI, "key", "", "", 6, True, set()),
    ("indentless sequence, in the item", "    ociNamespaces:\n    - registry: a\n      §",
     OCI, "key", "", "", 6, False, {"registry"}),
    ("back at the mirror level", "    ociNamespaces:\n      - registry: a\n    §",
     MIRROR, "key", "", "", 4, False, {"ociNamespaces"}),
    ("item with a comment", "    ociNamespaces:\n      - registry: a # c\n        §",
     OCI, "key", "", "", 8, False, {"registry"}),
    ("wide dash", "    ociNamespaces:\n      -   registry: a\n          §",
     OCI, "key", "", "", 10, False, {"registry"}),
    ("siblings above and below", '    endpoint: x\n    §\n    port: "1"',
     MIRROR, "key", "", "", 4, False, {"endpoint", "port"}),
    ("blank lines above", "\n\n    §", MIRROR, "key", "", "", 4, False, set()),
    ("under spec", "  §", ["spec"], "key", "", "", 2, False, {"registryMirrorConfiguration"}),
    ("another list under spec",
     "    endpoint: x\n  workerNodeGroupConfigurations:\n    - §",
     ["spec", "workerNodeGroupConfigurations", ITEM], "key", "", "", 6, True, set()),
    ("CRLF", "    endpoint: x\r\n    po§\r\n", MIRROR, "key", "po", "", 4, False, {"endpoint"}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "text", "path", "mode", "prefix", "key", "word_start", "after_dash", "siblings"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_locate(
    name: str,
    text: str,
    path: list[str],
    mode: str,
    prefix: str,
    key: str,
    word_start: int,
    after_dash: bool,
    siblings: set[str],
) -> None:
    cursor = locate(*take_cursor(HEAD + text))
    assert cursor is not None
    assert (cursor.path, cursor.mode, cursor.prefix, cursor.key) == (path, mode, prefix, key)
    assert (cursor.word_start, cursor.after_dash, cursor.siblings) == (
        word_start,
        after_dash,
        siblings,
    )


@pytest.mark.parametrize(
    "text",
    [
        "    # port: §",
        "    caCertContent: |§",
        "    caCertContent: >-§",
    ],
)
def test_nothing_to_say(text: str) -> None:
    assert locate(*take_cursor(HEAD + text)) is None


def test_a_block_scalar_body_is_not_a_mapping() -> None:
    cursor = locate(*take_cursor(HEAD + "    caCertContent: |\n      MIIB§"))
    assert cursor is None or cursor.path[:2] != MIRROR


def test_past_the_end() -> None:
    lines, line, _ = take_cursor(HEAD + "    endp§")
    assert locate(lines, line + 5, 0) is None
    cursor = locate(lines, line, 99)
    assert cursor is not None and cursor.prefix == "endp"


DOCS = "a: 1\n---\nb: 2\nc: 3\n---\n# only a comment\n...\nd: 4"


@pytest.mark.parametrize(
    ("line", "bounds"), [(0, (0, 0)), (2, (1, 3)), (3, (1, 3)), (5, (4, 5)), (7, (6, 7))]
)
def test_document_bounds(line: int, bounds: tuple[int, int]) -> None:
    assert document_bounds(DOCS.split("\n"), line) == bounds


CLUSTER = "apiVersion: anywhere.eks.amazonaws.com/v1alpha1\nkind: Cluster\nspec: {}"


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        (CLUSTER, 2, True),
        (CLUSTER.replace("kind: Cluster", 'kind: "Cluster"  # the cluster'), 2, True),
        (CLUSTER.replace("anywhere.eks.amazonaws.com", "cluster.x-k8s.io"), 2, False),
        (CLUSTER.replace("kind: Cluster", "kind: VSphereDatacenterConfig"), 2, False),
        ("kind: ConfigMap\n---\n" + CLUSTER, 0, False),
        ("kind: ConfigMap\n---\n" + CLUSTER, 4, True),
        (CLUSTER + "\n---\nkind: ConfigMap", 4, False),
        # Half typed, does not parse: still recognised by its text.
        (CLUSTER.replace("spec: {}", "spec:\n  registryMirrorConfiguration:\n    endp"), 4, True),
    ],
)
def test_is_eksa_cluster(text: str, line: int, expected: bool) -> None:
    assert is_eksa_cluster(text.split("\n"), line) is expected

"""A line the syntax recovery masked is unknown, not absent (docs/rules.md, RM024).

Each case breaks one or two lines of a spec whose findings rest on other documents (the
machine configs' OS families, the datacenter, the release, the etcd machines) and asserts
exactly what ``validate`` shows: RM024 at the cause, the findings that do not rest on what the
broken line held, and none that would infer from its absence (RM005 "has no osFamily, which
defaults to bottlerocket" for a machine whose ``osFamily`` line has a tab).
"""

from __future__ import annotations

import pytest

from eksa_mirror.rules.analysis import analyze
from support import DATA, cluster

from .helpers import E, body_span, expect, one, options

CROSS = DATA / "cross-document"
TAB = "the YAML cannot be parsed: a tab in the indentation: YAML allows only spaces there; " \
    "replace the tab with spaces"  # fmt: skip
NEVER_CLOSED = "the YAML cannot be parsed: the quote {} opened here is never closed: close " \
    "the quote opened here"  # fmt: skip
RM019 = (
    "Warning: skip registry certificate verification is enabled: nodes accept any certificate "
    "from the mirror. Only use this for isolated testing or a tightly controlled air-gapped "
    "environment; provide caCertContent instead"
)

Row = tuple[str, int, int]


def broken(name: str, *changes: tuple[str, str]) -> str:
    """``name`` of the cross-document specs with the first whole line ``old`` replaced by
    ``new``, for each change."""
    lines = (CROSS / name).read_text(encoding="utf-8").split("\n")
    for old, new in changes:
        lines[lines.index(old)] = new
    return "\n".join(lines)


def shown(text: str) -> list[tuple[str, int, int, str]]:
    """(code, 1-based line, 1-based column, message) of each finding, as ``validate`` prints."""
    return [
        (f.code, f.span.start.line + 1, f.span.start.column + 1, f.message)
        for f in analyze(text, options()).findings
    ]


def rows(text: str) -> list[Row]:
    return [(code, line, column) for code, line, column, _ in shown(text)]


@pytest.mark.parametrize(
    ("name", "changes", "expected"),
    [
        pytest.param(
            # The issue's case: a tab before osFamily of a machine. No RM005 "has no osFamily,
            # which defaults to bottlerocket"; nor RM019, which Bottlerocket would turn into
            # RM005: the OS family is unknown.
            "vsphere-ubuntu-insecure.yaml", [("  osFamily: ubuntu", "\tosFamily: ubuntu")],
            [("RM024", 48, 1)], id="tab-before-osfamily",
        ),
        pytest.param(
            "vsphere-ubuntu-insecure.yaml", [("  osFamily: ubuntu", '  osFamily: "ubuntu')],
            [("RM024", 48, 13)], id="unclosed-quote-on-osfamily",
        ),
        pytest.param(
            # Two tabs in the same spec: each is its own RM024, and osFamily between them
            # is still read (the second one does not blank the rest of the spec).
            "vsphere-ubuntu-insecure.yaml",
            [("  numCPUs: 2", "\tnumCPUs: 2"), ("  memoryMiB: 8192", "\tmemoryMiB: 8192")],
            [("RM019", 25, 25), ("RM024", 47, 1), ("RM024", 49, 1)], id="tabs-on-two-lines",
        ),
        pytest.param(
            # Half-way through typing osFamily: it may become ubuntu.
            "vsphere-ubuntu-insecure.yaml", [("  osFamily: ubuntu", "  osFam")],
            [("RM024", 48, 3)], id="osfamily-being-typed",
        ),
        pytest.param(
            # The release may be anything: RM028 and RM005 (both rest on it) say nothing.
            "vsphere-bottlerocket-worker-group.yaml",
            [("  eksaVersion: v0.18.0", "  eksaVersion: 'v0.18.0")],
            [("RM024", 16, 16), ("RM016", 31, 19)], id="eksaversion-unclosed-quote",
        ),
        pytest.param(
            # The kind of the Bottlerocket worker group's machineGroupRef: which machine it is,
            # and so whether any machine is Bottlerocket, is unknown.
            "vsphere-bottlerocket-worker-group.yaml",
            [("        name: mixed-md-br", "\tname: mixed-md-br")],
            [("RM016", 31, 19), ("RM024", 42, 1)], id="machinegroupref-name-tab",
        ),
        pytest.param(
            # The datacenterRef's kind: the provider, and what rests on it, is unknown.
            "vsphere-bottlerocket-worker-group.yaml",
            [("    kind: VSphereDatacenterConfig", "\tkind: VSphereDatacenterConfig")],
            [("RM024", 14, 1), ("RM016", 31, 19)], id="datacenterref-kind-tab",
        ),
        pytest.param(
            # An ociNamespaces entry: it may have been public.ecr.aws, so no RM010; RM005 rests
            # on the machines only.
            "vsphere-default-bottlerocket-etcd.yaml",
            [("      - registry: 783794618700.dkr.ecr.us-west-2.amazonaws.com",
              "\t- registry: 783794618700.dkr.ecr.us-west-2.amazonaws.com")],
            [("RM024", 22, 1), ("RM005", 24, 25)], id="ocinamespaces-entry-tab",
        ),
        pytest.param(
            # The port: RM033's host names it, so RM033 says nothing.
            "vsphere-ubuntu-namespaced-v0-24.yaml", [('    port: "8443"', '    port: "8443')],
            [("RM024", 16, 11)], id="port-unclosed-quote",
        ),
        pytest.param(
            # The datacenter document's kind line: whether it is the TinkerbellDatacenterConfig
            # the Cluster names (and has no hookImagesURLPath: RM022) is unknown; RM018 rests
            # on the Cluster's datacenterRef and the machines, which are known.
            "tinkerbell-bottlerocket-mappings.yaml",
            [("kind: TinkerbellDatacenterConfig", 'kind: "TinkerbellDatacenterConfig')],
            [("RM018", 21, 19), ("RM024", 31, 7)], id="datacenter-document-kind",
        ),
        pytest.param(
            # The Ubuntu worker of Snow (RM017 names it) may be anything now.
            "snow-ubuntu-workers-authenticate.yaml",
            [("  osFamily: ubuntu", "  osFamily: [ubuntu")],
            [("RM016", 17, 19), ("RM024", 45, 13)], id="snow-ubuntu-osfamily-bracket",
        ),
        pytest.param(
            # A "..." under spec may stand for an externalEtcdConfiguration of a Bottlerocket
            # machine: RM019 (or RM005 instead) is not known.
            "vsphere-ubuntu-insecure.yaml", [('  kubernetesVersion: "1.31"', "  ...")],
            [("RM024", 21, 3)], id="dots-under-spec",
        ),
    ],
)  # fmt: skip
def test_a_masked_line_is_unknown_not_absent(
    name: str, changes: list[tuple[str, str]], expected: list[Row]
) -> None:
    assert rows(broken(name, *changes)) == expected


def test_the_issue_case_in_full() -> None:
    text = broken("vsphere-ubuntu-insecure.yaml", ("  osFamily: ubuntu", "\tosFamily: ubuntu"))
    assert shown(text) == [("RM024", 48, 1, TAB)]
    text = broken("vsphere-ubuntu-insecure.yaml", ("  osFamily: ubuntu", '  osFamily: "ubuntu'))
    assert shown(text) == [("RM024", 48, 13, NEVER_CLOSED.format('"'))]


def test_unbroken_cross_document_specs() -> None:
    """What the cases above break: each spec's own findings."""
    assert {name.name: rows(name.read_text("utf-8")) for name in sorted(CROSS.glob("*.yaml"))} == {
        "snow-ubuntu-workers-authenticate.yaml": [("RM016", 17, 19), ("RM017", 17, 19)],
        "tinkerbell-bottlerocket-mappings.yaml": [("RM022", 16, 3), ("RM018", 21, 19)],
        "vsphere-bottlerocket-worker-group.yaml": [
            ("RM028", 29, 19), ("RM016", 31, 19), ("RM005", 32, 25),
        ],
        "vsphere-default-bottlerocket-etcd.yaml": [("RM010", 21, 5), ("RM005", 24, 25)],
        "vsphere-ubuntu-insecure.yaml": [("RM019", 25, 25)],
        "vsphere-ubuntu-namespaced-v0-24.yaml": [("RM033", 19, 20)],
    }  # fmt: skip


# --- inside the mirror section: only what is broken is lost ---------------------------------


def test_a_broken_mirror_line_keeps_the_other_keys_judged() -> None:
    """``port: "443`` then an intact ``insecureSkipVerify: true``: RM019 on the intact key."""
    found = expect(
        cluster('endpoint: r.local\nport: "443\ninsecureSkipVerify: true'),
        [("RM024", E, body_span(1, 6, 7)), ("RM019", "warning", body_span(2, 20, 24))],  # type: ignore[list-item]
    )
    assert one(found, "RM024").message == NEVER_CLOSED.format('"')
    assert one(found, "RM019").message == RM019


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            # The endpoint's value is unknown: no RM001 "no endpoint".
            'endpoint: "registry.example.com\nauthenticate: true',
            [("RM024", body_span(0, 10, 11)), ("RM016", body_span(1, 14, 18))],
            id="endpoint-unclosed",
        ),
        pytest.param(
            # RM009 says what EKS-A joins the endpoint with: the port, unknown here.
            'endpoint: https://r.local:5000\nport: "443\nauthenticate: true',
            [("RM024", body_span(1, 6, 7)), ("RM016", body_span(2, 14, 18))],
            id="rm009-rests-on-the-port",
        ),
        pytest.param(
            # The entry's namespace is unknown (no RM029), its registry is not (RM012); the
            # list is whole, and has no public.ecr.aws (RM010).
            "endpoint: r.local\nociNamespaces:\n  - registry: https://quay.io\n"
            "    namespace: [quay",
            [("RM010", body_span(1, 0, 13)), ("RM012", body_span(2, 14, 29)),
             ("RM024", body_span(3, 15, 16))],
            id="entry-namespace-bracket",
        ),
        pytest.param(
            # An entry's registry is lost: it may have been public.ecr.aws (no RM010) and may
            # be empty or not (no RM003); the entry after it keeps its finding.
            "endpoint: r.local\nociNamespaces:\n  - registry: [docker.io\n    namespace: hub\n"
            "  - registry: quay.io/x\n    namespace: q",
            [("RM024", body_span(2, 14, 15)), ("RM012", body_span(4, 14, 23))],
            id="entry-registry-lost",
        ),
        pytest.param(
            # Words without a colon name the key being typed: authenticate (no RM016), not
            # caCertContent, so RM019's advice to provide one stands.
            "endpoint: r.local\nauthenticate true\ninsecureSkipVerify: true",
            [("RM024", body_span(1, 0, 1)), ("RM019", body_span(2, 20, 24))],
            id="key-without-colon",
        ),
        pytest.param(
            # Words that may begin caCertContent: RM019's message rests on the CA.
            "endpoint: r.local\ncaCert x\ninsecureSkipVerify: true",
            [("RM024", body_span(1, 0, 1))], id="ca-key-without-colon",
        ),
        pytest.param(
            # A whole entry is lost to a tab: where the entries after it stand in the list
            # (their JSON pointers) is unknown too, so only RM024 is said.
            "endpoint: r.local\nociNamespaces:\n\t- registry: docker.io\n    namespace: hub\n"
            "  - registry: quay.io/x\n    namespace: q",
            [("RM024", (20, 4, 20, 5))], id="entry-lost-to-a-tab",
        ),
    ],
)  # fmt: skip
def test_what_rests_on_a_broken_mirror_key_is_not_said(
    body: str, expected: list[tuple[str, tuple[int, int, int, int]]]
) -> None:
    found = analyze(cluster(body), options()).findings
    assert [
        (f.code, (f.span.start.line, f.span.start.column, f.span.end.line, f.span.end.column))
        for f in found
    ] == sorted(expected, key=lambda row: (row[1][0], row[1][1], row[0]))


def test_a_machine_config_past_the_recovery_budget_is_unknown() -> None:
    """Up to ``MAX_ROUNDS`` broken lines the machine config is recovered (its osFamily read);
    one more and it is not: RM024 at its first fault, and its OS family is unknown (no RM019,
    which RM005 would replace)."""
    from eksa_mirror.core.recovery import MAX_ROUNDS

    text = (CROSS / "vsphere-ubuntu-insecure.yaml").read_text(encoding="utf-8")
    assert rows(text) == [("RM019", 25, 25)]
    head = "  name: ubuntu-md\nspec:\n"
    within = text.replace(head, head + "".join(f"\tkey{n}: x\n" for n in range(MAX_ROUNDS)))
    assert rows(within) == [("RM019", 25, 25)] + [("RM024", 57 + n, 1) for n in range(MAX_ROUNDS)]
    past = text.replace(head, head + "".join(f"\tkey{n}: x\n" for n in range(MAX_ROUNDS + 1)))
    assert rows(past) == [("RM024", 57, 1)]

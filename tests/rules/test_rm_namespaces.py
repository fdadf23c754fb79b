"""``ociNamespaces`` rules: RM003 RM004 RM010 RM011 RM012 RM013 RM021 RM029."""

from __future__ import annotations

import pytest

from support import cluster

from .helpers import INFO, E, W, body_span, expect, findings, fixed, one

Expected = list[tuple[str, object, tuple[int, int, int, int]]]

PUBLIC = '  - registry: public.ecr.aws\n    namespace: ""\n'


def entries(*pairs: tuple[str, str]) -> str:
    """An ``ociNamespaces`` block (rows 1.. of the body) after ``endpoint: x``."""
    lines = "".join(f"  - registry: {r}\n    namespace: {n}\n" for r, n in pairs)
    return "endpoint: x\nociNamespaces:\n" + lines.rstrip("\n")


CASES = [
    pytest.param(entries(("public.ecr.aws", '""')), [], id="public-only"),
    pytest.param(
        entries(("public.ecr.aws", '""'), ("783794618700.dkr.ecr.us-west-2.amazonaws.com",
                                           "eks-anywhere")),
        [], id="docs-example",
    ),
    pytest.param("endpoint: x\nociNamespaces: []", [], id="empty-list"),
    # RM003: empty or missing registry (EKS-A's own check)
    pytest.param(
        entries(("public.ecr.aws", '""'), ('""', "a")),
        [("RM003", E, body_span(4, 14, 16))], id="rm003-empty",
    ),
    pytest.param(
        "endpoint: x\nociNamespaces:\n" + PUBLIC + "  - namespace: a",
        [("RM003", E, body_span(4, 4, 13))], id="rm003-missing",
    ),
    # The only entry has no registry: RM003 alone. It may be the public.ecr.aws entry, so RM010
    # would be a second finding for the same problem.
    pytest.param(
        entries(('""', "eks-anywhere")), [("RM003", E, body_span(2, 14, 16))],
        id="rm003-without-rm010",
    ),
    pytest.param(
        "endpoint: x\nociNamespaces:\n  - namespace: eks-anywhere\n  - registry: docker.io\n"
        "    namespace: hub",
        [("RM003", E, body_span(2, 4, 13))], id="rm003-missing-without-rm010",
    ),
    # public.ecr.aws with a path (a thread's "public.ecr.aws/l0g8r8j6"): RM012, whose fix
    # gives the public.ecr.aws entry; RM010 would be the same problem twice.
    pytest.param(
        entries(("public.ecr.aws/l0g8r8j6", "eks-anywhere")), [("RM012", E, body_span(2, 14, 37))],
        id="rm012-public-ecr-with-path-without-rm010",
    ),
    # Once every entry names its registry, a missing public.ecr.aws is RM010 again.
    pytest.param(
        entries(("docker.io", "hub")), [("RM010", W, body_span(1, 0, 13))],
        id="rm010-named-entries",
    ),
    # RM029: missing namespace key (CRD requires it)
    pytest.param(
        "endpoint: x\nociNamespaces:\n  - registry: public.ecr.aws",
        [("RM029", W, body_span(2, 4, 12))], id="rm029",
    ),
    # RM004: two registries of the legacy curated-packages account
    pytest.param(
        entries(("public.ecr.aws", '""'),
                ("783794618700.dkr.ecr.us-west-2.amazonaws.com", '""'),
                ("783794618700.dkr.ecr.us-east-1.amazonaws.com", '""')),
        [("RM004", E, body_span(6, 14, 58))], id="rm004",
    ),
    pytest.param(
        entries(("public.ecr.aws", '""'),
                ("783794618700.dkr.ecr.us-west-2.amazonaws.com", "eks-anywhere"),
                ("346438352937.dkr.ecr.us-west-2.amazonaws.com", "eks-anywhere")),
        [], id="rm004-regional-account-not-counted",
    ),
    # RM010: no public.ecr.aws
    pytest.param(entries(("docker.io", "mirror")), [("RM010", W, body_span(1, 0, 13))], id="rm010"),
    # RM011: duplicate registry, the earlier one is ignored
    pytest.param(
        entries(("public.ecr.aws", "a"), ("public.ecr.aws", "b")),
        [("RM011", W, body_span(2, 14, 28))], id="rm011",
    ),
    pytest.param(
        entries(("public.ecr.aws", "a"), ("docker.io", "b"), ("public.ecr.aws", "c"),
                ("public.ecr.aws", "d")),
        [("RM011", W, body_span(2, 14, 28)), ("RM011", W, body_span(6, 14, 28))], id="rm011-three",
    ),
    # RM012: registry with scheme or path (host:port is fine)
    pytest.param(
        entries(("public.ecr.aws", '""'), ("https://docker.io", "d")),
        [("RM012", E, body_span(4, 14, 31))], id="rm012-scheme",
    ),
    pytest.param(
        entries(("public.ecr.aws", '""'), ("docker.io/library", "d")),
        [("RM012", E, body_span(4, 14, 31))], id="rm012-path",
    ),
    pytest.param(entries(("public.ecr.aws", '""'), ("harbor.local:5000", "h")), [],
                 id="host-port-ok"),
    pytest.param(entries(("public.ecr.aws", '""'), ('"[fd00::2]:5000"', "h")), [],
                 id="ipv6-port-ok"),
    # RM013: namespace shapes that filepath.Join rewrites
    pytest.param(entries(("public.ecr.aws", "../x")), [("RM013", W, body_span(3, 15, 19))],
                 id="rm013-dotdot"),
    pytest.param(entries(("public.ecr.aws", "/x/")), [("RM013", W, body_span(3, 15, 18))],
                 id="rm013-slashes"),
    pytest.param(entries(("public.ecr.aws", '"a b"')), [("RM013", W, body_span(3, 15, 20))],
                 id="rm013-space"),
    pytest.param(entries(("public.ecr.aws", "a/b")), [], id="nested-namespace-ok"),
    # RM021: regional packages account outside eks-anywhere
    pytest.param(
        entries(("public.ecr.aws", '""'), ("346438352937.dkr.ecr.us-west-2.amazonaws.com", "pk")),
        [("RM021", INFO, body_span(5, 15, 17))], id="rm021",
    ),
    pytest.param(
        entries(("public.ecr.aws", '""'),
                ("346438352937.dkr.ecr.us-west-2.amazonaws.com", "eks-anywhere")),
        [], id="rm021-eks-anywhere-ok",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("body", "expected"), CASES)
def test_namespaces(body: str, expected: Expected) -> None:
    expect(cluster(body), expected)  # type: ignore[arg-type]


def test_messages_in_eksa_words() -> None:
    assert one(
        findings(cluster(entries(("public.ecr.aws", '""'), ('""', "a")))), "RM003"
    ).message == ("registry can't be set to empty in OCINamespaces")
    rm004 = one(
        findings(
            cluster(
                entries(
                    ("public.ecr.aws", '""'),
                    ("783794618700.dkr.ecr.us-west-2.amazonaws.com", '""'),
                    ("783794618700.dkr.ecr.eu-west-1.amazonaws.com", '""'),
                )
            )
        ),
        "RM004",
    )
    assert rm004.message.startswith("only one registry mirror for curated packages is suppported")
    assert rm004.pointer == "/spec/registryMirrorConfiguration/ociNamespaces/2/registry"


# --- fixes ------------------------------------------------------------------------------

RM010_INDENTED = """\
endpoint: x
ociNamespaces:
  - registry: docker.io
    namespace: mirror
port: "443"  # trailing key stays after the list"""

RM010_INDENTED_FIXED = """\
endpoint: x
ociNamespaces:
  - registry: docker.io
    namespace: mirror
  - registry: public.ecr.aws
    namespace: ""
port: "443"  # trailing key stays after the list"""

RM010_AT_KEY_COLUMN = """\
endpoint: x
ociNamespaces:
- registry: docker.io
  namespace: mirror
# a comment after the list"""

RM010_AT_KEY_COLUMN_FIXED = """\
endpoint: x
ociNamespaces:
- registry: docker.io
  namespace: mirror
- registry: public.ecr.aws
  namespace: ""
# a comment after the list"""

RM010_WIDE_DASH = """\
endpoint: x
ociNamespaces:
  -   namespace: mirror
      registry: docker.io"""

RM010_WIDE_DASH_FIXED = """\
endpoint: x
ociNamespaces:
  -   namespace: mirror
      registry: docker.io
  -   registry: public.ecr.aws
      namespace: \"\""""


@pytest.mark.parametrize(
    ("body", "after"),
    [
        pytest.param(RM010_INDENTED, RM010_INDENTED_FIXED, id="items-indented-under-key"),
        pytest.param(RM010_AT_KEY_COLUMN, RM010_AT_KEY_COLUMN_FIXED, id="items-at-key-column"),
        pytest.param(RM010_WIDE_DASH, RM010_WIDE_DASH_FIXED, id="wide-dash"),
    ],
)
def test_rm010_fix_adds_entry_with_matching_indentation(body: str, after: str) -> None:
    text = cluster(body)
    rm010 = one(expect(text, [("RM010", W, body_span(1, 0, 13))]), "RM010")
    assert rm010.fix is not None and rm010.fix.safe is False  # it changes what nodes pull
    assert fixed(text, rm010.fix) == cluster(after)
    assert findings(cluster(after)) == []


def test_rm010_no_fix_for_flow_list() -> None:
    text = cluster("endpoint: x\nociNamespaces: [{registry: docker.io, namespace: m}]")
    assert one(expect(text, [("RM010", W, body_span(1, 0, 13))]), "RM010").fix is None


@pytest.mark.parametrize(
    ("body", "after"),
    [
        pytest.param(
            entries(("public.ecr.aws", "a"), ("docker.io", "d"), ("public.ecr.aws", "b")),
            entries(("docker.io", "d"), ("public.ecr.aws", "b")),
            id="first-of-two",
        ),
        pytest.param(
            "endpoint: x\nociNamespaces:\n- registry: public.ecr.aws  # old\n  namespace: a\n"
            "# keep me\n- registry: public.ecr.aws\n  namespace: b",
            "endpoint: x\nociNamespaces:\n# keep me\n- registry: public.ecr.aws\n  namespace: b",
            id="comment-between-items-kept",
        ),
    ],
)
def test_rm011_fix_removes_the_ignored_entry(body: str, after: str) -> None:
    text = cluster(body)
    rm011 = one(findings(text), "RM011")
    assert rm011.fix is not None and rm011.fix.safe is True  # EKS-A ignores it already
    assert rm011.fix.title == "Remove this ignored duplicate entry"
    assert fixed(text, rm011.fix) == cluster(after)
    assert findings(cluster(after)) == []


def test_rm011_flow_list_has_no_line_deleting_fix() -> None:
    body = "endpoint: x\nociNamespaces: [{registry: public.ecr.aws, namespace: a}, " \
        "{registry: public.ecr.aws, namespace: b}]"  # fmt: skip
    rm011 = one(findings(cluster(body)), "RM011")
    assert rm011.fix is None


@pytest.mark.parametrize(
    ("registry", "after", "safe"),
    [
        ("https://docker.io", "docker.io", True),
        ("docker.io/", "docker.io", True),
        ("docker.io/library", "docker.io", False),
    ],
)
def test_rm012_fix(registry: str, after: str, safe: bool) -> None:
    text = cluster(entries(("public.ecr.aws", '""'), (registry, "d")))
    fix = one(findings(text), "RM012").fix
    assert fix is not None and fix.safe is safe
    assert fixed(text, fix) == cluster(entries(("public.ecr.aws", '""'), (after, "d")))


@pytest.mark.parametrize(
    ("namespace", "after"),
    [("/x/", "x"), ("'/eks-anywhere'", "'eks-anywhere'"), ("../x", None), ('"a b"', None)],
)
def test_rm013_fix(namespace: str, after: str | None) -> None:
    text = cluster(entries(("public.ecr.aws", namespace)))
    fix = one(findings(text), "RM013").fix
    if after is None:
        assert fix is None
        return
    assert fix is not None and fix.safe
    assert fixed(text, fix) == cluster(entries(("public.ecr.aws", after)))


def test_rm029_and_rm003_point_at_the_entry_not_the_list() -> None:
    body = "endpoint: x\nociNamespaces:\n" + PUBLIC + "  - namespace: a\n  - registry: docker.io"
    found = expect(
        cluster(body), [("RM003", E, body_span(4, 4, 13)), ("RM029", W, body_span(5, 4, 12))]
    )
    assert one(found, "RM029").pointer == (
        "/spec/registryMirrorConfiguration/ociNamespaces/2/namespace"
    )


@pytest.mark.parametrize(
    ("body", "after"),
    [
        pytest.param(
            'endpoint: x\nociNamespaces:\n  - registry: public.ecr.aws  # root\nport: "1"',
            "endpoint: x\nociNamespaces:\n  - registry: public.ecr.aws  # root\n"
            '    namespace: ""\nport: "1"',
            id="indented-items",
        ),
        pytest.param(
            "endpoint: x\nociNamespaces:\n- registry: public.ecr.aws",
            'endpoint: x\nociNamespaces:\n- registry: public.ecr.aws\n  namespace: ""',
            id="items-at-key-column",
        ),
    ],
)
def test_rm029_fix_adds_an_empty_namespace(body: str, after: str) -> None:
    text = cluster(body)
    fix = one(findings(text), "RM029").fix
    assert fix is not None and fix.safe  # the eksctl CLI already reads it as ""
    assert fixed(text, fix) == cluster(after)
    assert findings(cluster(after)) == []


def test_rm029_flow_item_has_no_fix() -> None:
    text = cluster("endpoint: x\nociNamespaces: [{registry: public.ecr.aws}]")
    assert one(findings(text), "RM029").fix is None


@pytest.mark.parametrize(
    ("registry", "without", "use"),
    [
        ("https://docker.io/library", 'the scheme "https://" and the path "/library"', "docker.io"),
        ("docker.io/library", 'the path "/library"', "docker.io"),
    ],
    ids=["scheme-and-path", "path"],
)
def test_rm012_message_and_fix(registry: str, without: str, use: str) -> None:
    found = one(findings(cluster(entries(("public.ecr.aws", '""'), (registry, "d")))), "RM012")
    assert found.message == (
        f"registry must be a bare host or host:port, without {without}: EKS-A matches it "
        "against the host of each image name, so this entry mirrors nothing"
    )
    assert found.pointer == "/spec/registryMirrorConfiguration/ociNamespaces/1/registry"
    assert found.fix is not None and found.fix.title == f'Use "{use}"'

"""Structural rules on the mirror section: endpoint, port, keys, types, syntax, duplicates.

RM001 RM002 RM006 RM007 RM008 RM009 RM024 RM025 RM026 (and RM001's siblings that the
schema pass names). Every case asserts the complete set of findings of the file, so a
negative case is a case whose expected list is empty.
"""

from __future__ import annotations

import pytest

from eksa_mirror.core.source import SourceFile
from eksa_mirror.rules.checks.graph import point_span
from support import MIRROR_HEAD, cluster

from .helpers import (
    BODY_LINE,
    INFO,
    MIRROR_KEY,
    MIRROR_LINE,
    E,
    W,
    body_span,
    expect,
    findings,
    fixed,
    one,
    span_of,
)

Expected = list[tuple[str, object, tuple[int, int, int, int]]]

# --- endpoint ---------------------------------------------------------------------------

ENDPOINT_CASES = [
    pytest.param("endpoint: registry.example.com", [], id="hostname"),
    pytest.param("endpoint: 192.168.0.1", [], id="ipv4"),
    pytest.param('endpoint: "10.10.10.10"', [], id="quoted-ipv4"),
    pytest.param("endpoint: fd00::1", [], id="bare-ipv6-ok"),
    pytest.param("endpoint: https://x", [("RM009", E, body_span(0, 10, 19))], id="scheme"),
    pytest.param(
        "endpoint: x:5000", [("RM009", E, body_span(0, 10, 16))], id="embedded-port-no-port-key"
    ),
    pytest.param(
        'endpoint: x:5000\nport: "5000"',
        [("RM009", E, body_span(0, 10, 16))],
        id="embedded-port-same",
    ),
    pytest.param(
        'endpoint: x:5000\nport: "443"',
        [("RM009", E, body_span(0, 10, 16))],
        id="embedded-port-other",
    ),
    pytest.param("endpoint: x/path", [("RM009", E, body_span(0, 10, 16))], id="path"),
    pytest.param("endpoint: x/", [("RM009", E, body_span(0, 10, 12))], id="trailing-slash"),
    pytest.param(
        'endpoint: "[fd00::1]"', [("RM009", E, body_span(0, 10, 21))], id="bracketed-ipv6"
    ),
    pytest.param('endpoint: " x"', [("RM009", E, body_span(0, 10, 14))], id="whitespace"),
    pytest.param(
        "endpoint: https://reg.local:5000/v2/",
        [("RM009", E, body_span(0, 10, 36))],
        id="scheme-port-path",
    ),
    pytest.param('endpoint: ""', [("RM001", E, body_span(0, 10, 12))], id="empty"),
    pytest.param("endpoint:", [("RM001", E, body_span(0, 0, 8))], id="null"),
    pytest.param('port: "443"', [("RM001", E, MIRROR_KEY)], id="missing"),
    pytest.param("{}", [("RM001", E, MIRROR_KEY)], id="empty-mapping"),
    pytest.param("endpoint: 123", [("RM007", E, body_span(0, 10, 13))], id="number"),
]


@pytest.mark.parametrize(("body", "expected"), ENDPOINT_CASES)
def test_endpoint(body: str, expected: Expected) -> None:
    expect(cluster(body), expected)  # type: ignore[arg-type]


ENDPOINT_FIXES = [
    pytest.param("endpoint: https://x", "endpoint: x", True, id="scheme"),
    pytest.param("endpoint: x:5000", 'endpoint: x\nport: "5000"', True, id="move-port"),
    pytest.param(
        "endpoint: x:5000\nauthenticate: false",
        'endpoint: x\nport: "5000"\nauthenticate: false',
        True,
        id="move-port-before-next-key",
    ),
    pytest.param('endpoint: x:5000\nport: "5000"', 'endpoint: x\nport: "5000"', True, id="same"),
    pytest.param('endpoint: x:5000\nport: "443"', 'endpoint: x\nport: "5000"', False, id="other"),
    pytest.param(
        "endpoint: https://reg.local:5000",
        'endpoint: reg.local\nport: "5000"',
        True,
        id="scheme-and-port",
    ),
    pytest.param("endpoint: x/path", "endpoint: x", False, id="path-unsafe"),
    pytest.param("endpoint: x/", "endpoint: x", True, id="trailing-slash"),
    pytest.param('endpoint: "[fd00::1]"', 'endpoint: "fd00::1"', True, id="brackets"),
    pytest.param("endpoint: 'https://x'", "endpoint: 'x'", True, id="keeps-single-quotes"),
    pytest.param("endpoint: 123", 'endpoint: "123"', True, id="quote-number"),
]


@pytest.mark.parametrize(("body", "after", "safe"), ENDPOINT_FIXES)
def test_endpoint_fix(body: str, after: str, safe: bool) -> None:
    text = cluster(body)
    found = findings(text)
    assert len(found) == 1
    fix = found[0].fix
    assert fixed(text, fix) == cluster(after)
    assert fix is not None and fix.safe is safe
    assert findings(cluster(after)) == []


def test_endpoint_messages_are_eksa_words() -> None:
    assert one(findings(cluster('endpoint: ""')), "RM001").message == (
        "no value set for RegistryMirrorConfiguration.Endpoint"
    )
    message = one(findings(cluster("endpoint: x:5000")), "RM009").message
    assert 'the port ":5000"' in message and '"[x:5000]:443"' in message


# --- port -------------------------------------------------------------------------------

PORT_CASES = [
    pytest.param('port: "443"', [], id="string"),
    pytest.param('port: "+443"', [], id="plus-sign-atoi-ok"),
    pytest.param('port: ""', [], id="empty-defaults-443"),
    pytest.param("port:", [], id="null-defaults-443"),
    pytest.param('port: "0443"', [], id="quoted-leading-zero"),
    pytest.param('port: "65535"', [], id="max"),
    pytest.param("port: 443", [("RM008", W, body_span(1, 6, 9))], id="int"),
    pytest.param("port: 0443", [("RM008", W, body_span(1, 6, 10))], id="octal"),
    pytest.param("port: 0x1bb", [("RM008", W, body_span(1, 6, 11))], id="hex"),
    pytest.param('port: "65536"', [("RM002", E, body_span(1, 6, 13))], id="too-big"),
    pytest.param('port: "0"', [("RM002", E, body_span(1, 6, 9))], id="zero"),
    pytest.param('port: "-1"', [("RM002", E, body_span(1, 6, 10))], id="negative"),
    pytest.param('port: " 443"', [("RM002", E, body_span(1, 6, 12))], id="space-atoi-fails"),
    pytest.param('port: "https"', [("RM002", E, body_span(1, 6, 13))], id="word"),
    pytest.param(
        "port: 70000",
        [("RM008", W, body_span(1, 6, 11)), ("RM002", E, body_span(1, 6, 11))],
        id="int-out-of-range",
    ),
    pytest.param("port: true", [("RM007", E, body_span(1, 6, 10))], id="bool"),
]


@pytest.mark.parametrize(("port", "expected"), PORT_CASES)
def test_port(port: str, expected: Expected) -> None:
    expect(cluster("endpoint: x\n" + port), expected)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("port", "after", "safe"),
    [
        pytest.param("port: 443", 'port: "443"', True, id="int"),
        pytest.param("port: 5000 # comment", 'port: "5000" # comment', True, id="comment-kept"),
        pytest.param("port: 0443", 'port: "0443"', False, id="octal-changes-meaning"),
        pytest.param("port: 0x1bb", 'port: "0x1bb"', False, id="hex-changes-meaning"),
        pytest.param("port: 70000", 'port: "70000"', True, id="out-of-range-still-quoted"),
    ],
)
def test_port_fix(port: str, after: str, safe: bool) -> None:
    text = cluster("endpoint: x\n" + port)
    fix = one(findings(text), "RM008").fix
    assert fixed(text, fix) == cluster("endpoint: x\n" + after)
    assert fix is not None and fix.safe is safe


def test_port_messages() -> None:
    found = findings(cluster('endpoint: x\nport: "65536"'))
    assert one(found, "RM002").message == (
        "registry mirror port 65536 is invalid, please provide a valid port"
    )
    octal = one(findings(cluster("endpoint: x\nport: 0443")), "RM008").message
    assert "291" in octal and "octal" in octal
    assert "RM002" not in [f.code for f in findings(cluster("endpoint: x\nport: 443"))]


# --- keys: casing, typos, credentials ---------------------------------------------------


def test_wrong_casing_is_a_safe_rename_and_value_still_checked(pems: object) -> None:
    leaf = pems.not_ca  # type: ignore[attr-defined]
    lines = leaf.strip().split("\n")
    body = "endpoint: x\nCACertContent: |\n" + "\n".join("  " + line for line in lines)
    text = cluster(body)
    found = expect(
        text,
        [
            ("RM006", E, body_span(1, 0, 13)),
            ("RM015", W, body_span(1, 15, 2 + len(lines[-1]), end_row=1 + len(lines))),
        ],
    )
    rm006 = one(found, "RM006")
    assert rm006.message.startswith('json: unknown field "CACertContent"')
    assert rm006.fix is not None and rm006.fix.safe
    after = fixed(text, rm006.fix)
    assert after == text.replace("CACertContent:", "caCertContent:")
    assert [f.code for f in findings(after)] == ["RM015"]


@pytest.mark.parametrize(
    ("body", "expected", "renamed", "safe"),
    [
        pytest.param(
            "Endpoint: x", [("RM006", E, body_span(0, 0, 8))], "endpoint: x", True, id="Endpoint"
        ),
        pytest.param(
            "endpoint: x\nInsecureSkipVerify: false",
            [("RM006", E, body_span(1, 0, 18))],
            "endpoint: x\ninsecureSkipVerify: false",
            True,
            id="InsecureSkipVerify",
        ),
        pytest.param(
            "endpont: x",
            [("RM006", E, body_span(0, 0, 7)), ("RM001", E, MIRROR_KEY)],
            "endpoint: x",
            False,
            id="typo-endpont",
        ),
        pytest.param(
            'endpoint: x\nports: "1"',
            [("RM006", E, body_span(1, 0, 5))],
            'endpoint: x\nport: "1"',
            False,
            id="typo-ports",
        ),
        pytest.param(
            "endpoint: x\nociNamespaces:\n  - registry: public.ecr.aws\n    Namespace: a",
            [("RM006", E, body_span(3, 4, 13))],
            "endpoint: x\nociNamespaces:\n  - registry: public.ecr.aws\n    namespace: a",
            True,
            id="item-key-casing",
        ),
    ],
)
def test_unknown_key_rename(body: str, expected: Expected, renamed: str, safe: bool) -> None:
    text = cluster(body)
    fix = one(expect(text, expected), "RM006").fix  # type: ignore[arg-type]
    assert fix is not None and fix.safe is safe
    assert fixed(text, fix) == cluster(renamed)


def test_unknown_key_typo_message() -> None:
    message = one(findings(cluster("endpont: x")), "RM006").message
    assert message == 'json: unknown field "endpont" (did you mean "endpoint"?)'


def test_unknown_key_without_suggestion() -> None:
    found = expect(cluster("endpoint: x\nmirrorFlavour: 1"), [("RM006", E, body_span(1, 0, 13))])
    assert found[0].message == 'json: unknown field "mirrorFlavour"'
    assert found[0].fix is None


def test_unknown_key_in_item_is_reported() -> None:
    body = (
        'endpoint: x\nociNamespaces:\n  - registry: public.ecr.aws\n    namespace: ""\n    tag: 1'
    )
    found = expect(cluster(body), [("RM006", E, body_span(4, 4, 7))])
    assert found[0].pointer == "/spec/registryMirrorConfiguration/ociNamespaces/0/tag"


SECRET = "hunter2-Sup3r-S3cret"


@pytest.mark.parametrize(
    ("body", "expected", "after"),
    [
        pytest.param(
            f"endpoint: x\npassword: {SECRET}",
            [("RM026", E, body_span(1, 0, 8))],
            "endpoint: x",
            id="password",
        ),
        pytest.param(
            f'endpoint: x\nusername: admin\nauthenticate: true\nregistry_password: "{SECRET}"',
            [
                ("RM026", E, body_span(1, 0, 8)),
                ("RM016", INFO, body_span(2, 14, 18)),
                ("RM026", E, body_span(3, 0, 17)),
            ],
            'endpoint: x\nauthenticate: true\nregistry_password: "' + SECRET + '"',
            id="username-and-snake-case-password",
        ),
        pytest.param(
            f'endpoint: x\ntoken: |\n  {SECRET}\n  second line\nport: "1"',
            [("RM026", E, body_span(1, 0, 5))],
            'endpoint: x\nport: "1"',
            id="block-value-removed-whole",
        ),
    ],
)
def test_credentials(body: str, expected: Expected, after: str) -> None:
    text = cluster(body)
    found = expect(text, expected)  # type: ignore[arg-type]
    first = next(f for f in found if f.code == "RM026")
    assert first.fix is not None and first.fix.safe is False
    assert fixed(text, first.fix) == cluster(after)
    for finding in found:
        assert SECRET not in finding.message
        assert finding.fix is None or SECRET not in finding.fix.title
    assert "REGISTRY_PASSWORD" in first.message


@pytest.mark.parametrize(
    "key",
    ["authUserName", "authPassWord", "regPassword", "pullSecret", "registry_token",
     "REGISTRY-PASSWORD", "apiKey", "x_api_key", "regpassword", "auth", "Creds", "login"],
)  # fmt: skip
def test_credentials_by_meaning(key: str) -> None:
    """Keys from a real thread and their cousins: the words of the name, in any case and
    separator, say credential; the value is never repeated."""
    found = expect(
        cluster(f"endpoint: x\n{key}: {SECRET}"), [("RM026", E, body_span(1, 0, len(key)))]
    )
    message = found[0].message
    assert message == (
        f'"{key}" looks like a credential and is not a field of the mirror configuration: set '
        "REGISTRY_USERNAME and REGISTRY_PASSWORD in the environment of eksctl anywhere (the "
        "controller reads the eksa-system/registry-credentials Secret) and use authenticate: "
        "true; a secret that was committed should be rotated"
    )
    assert SECRET not in message


@pytest.mark.parametrize("key", ["authenticated", "authority", "bypass", "authType"])
def test_words_that_are_not_credentials(key: str) -> None:
    """``authenticate``-like names are typos (RM006), not credentials."""
    found = expect(cluster(f"endpoint: x\n{key}: y"), [("RM006", E, body_span(1, 0, len(key)))])
    assert found[0].message.startswith(f'json: unknown field "{key}"')


# --- types ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flag", "after"),
    [
        ('authenticate: "true"', "authenticate: true"),
        ('insecureSkipVerify: "false"', "insecureSkipVerify: false"),
        ("authenticate: 'yes'", "authenticate: true"),
    ],
)
def test_quoted_boolean(flag: str, after: str) -> None:
    text = cluster("endpoint: x\n" + flag)
    found = findings(text)
    rm007 = one(found, "RM007")
    start = flag.index(":") + 2
    assert span_of(rm007) == body_span(1, start, len(flag))
    key = flag.split(":")[0]
    assert rm007.message.startswith(
        "json: cannot unmarshal string into Go struct field RegistryMirrorConfiguration."
        f"spec.registryMirrorConfiguration.{key} of type bool"
    )
    assert rm007.fix is not None and rm007.fix.safe
    assert fixed(text, rm007.fix) == cluster("endpoint: x\n" + after)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "endpoint: x\nauthenticate: 1", [("RM007", E, body_span(1, 14, 15))], id="int-bool"
        ),
        pytest.param(
            "endpoint: x\nociNamespaces: public.ecr.aws",
            [("RM007", E, body_span(1, 15, 29))],
            id="namespaces-string",
        ),
        pytest.param(
            'endpoint: x\nociNamespaces:\n  - registry: public.ecr.aws\n    namespace: ""\n  - x',
            [("RM007", E, body_span(4, 4, 5))],
            id="item-string",
        ),
        pytest.param(
            "endpoint: x\nociNamespaces:\n  - registry: public.ecr.aws\n    namespace: 5",
            [("RM007", E, body_span(3, 15, 16))],
            id="namespace-number",
        ),
    ],
)
def test_wrong_types(body: str, expected: Expected) -> None:
    expect(cluster(body), expected)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("mirror", "span"),
    [
        pytest.param(
            "registryMirrorConfiguration: x", (MIRROR_LINE, 31, MIRROR_LINE, 32), id="str"
        ),
        pytest.param(
            "registryMirrorConfiguration:\n    - endpoint: x",
            (BODY_LINE, 4, BODY_LINE, 17),
            id="list",
        ),
    ],
)
def test_mirror_not_a_mapping(mirror: str, span: tuple[int, int, int, int]) -> None:
    text = cluster("endpoint: x").replace("registryMirrorConfiguration:\n    endpoint: x", mirror)
    found = expect(text, [("RM007", E, span)])
    assert "ClusterSpec.spec.registryMirrorConfiguration" in found[0].message


def test_null_mirror_is_not_checked() -> None:
    text = cluster("endpoint: x").replace("    endpoint: x\n", "")
    expect(text, [])


# --- spec-level key ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "safe", "message"),
    [
        pytest.param(
            "registryMirro rConfiguration",
            False,
            'json: unknown field "registryMirro rConfiguration" '
            '(did you mean "registryMirrorConfiguration"?)',
            id="eksa-testdata-invalid-key",
        ),
        pytest.param(
            "RegistryMirrorConfiguration",
            True,
            'json: unknown field "RegistryMirrorConfiguration" '
            "(key names are case-sensitive for kubectl and GitOps)",
            id="casing",
        ),
    ],
)
def test_spec_level_key(key: str, safe: bool, message: str) -> None:
    good = cluster("endpoint: x")
    text = good.replace("registryMirrorConfiguration:", key + ":")
    found = findings(text)
    rm006 = one(found, "RM006")
    assert span_of(rm006) == (MIRROR_LINE, 2, MIRROR_LINE, 2 + len(key))
    assert rm006.message == message
    assert rm006.fix is not None and rm006.fix.safe is safe
    assert fixed(text, rm006.fix) == good


def test_far_spec_key_is_left_alone() -> None:
    text = cluster("endpoint: x").replace("registryMirrorConfiguration:", "proxyConfiguration:")
    expect(text, [])


# --- syntax and duplicates --------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "replace", "span", "words"),
    [
        pytest.param(
            "endpoint: x", ("    endpoint", "\tendpoint"), body_span(0, -4, -3),
            "a tab in the indentation: YAML allows only spaces there; replace the tab with "
            "spaces", id="tab-indentation",
        ),
        pytest.param(
            'endpoint: x\nport: "1"', ('    port', '\tport'), body_span(1, -4, -3),
            "a tab in the indentation", id="tab-after-content",
        ),
        pytest.param(
            "endpoint: 'x", None, body_span(0, 10, 11),
            "the quote ' opened here is never closed: close the quote opened here",
            id="unclosed-quote-points-at-opening-quote",
        ),
        pytest.param(
            # At the bracket left open (the cause), not where the parser gave up.
            "endpoint: x\nociNamespaces: [{registry: a}", None,
            (BODY_LINE + 1, 19, BODY_LINE + 1, 20),
            "the [ opened here is not closed on its line, so YAML fails at line 21 (while "
            "parsing a flow sequence did not find expected ',' or ']'): close it with ]",
            id="unclosed-flow-sequence",
        ),
        pytest.param(
            # One step deeper than a key with a value, while a list item's keys are at that
            # depth just above: the deep line is at fault, not the key above it.
            "endpoint: r.local\nociNamespaces:\n- registry: public.ecr.aws\n  namespace: eks\n"
            "authenticate: false\n  x: 1", None, body_span(5, 3, 4),
            "this line is deeper than the line above it, so YAML reads it as more of that "
            "line's value and fails at its colon (mapping values are not allowed in this "
            "context): indent it like the keys it belongs with",
            id="key-deeper-than-its-sibling",
        ),
        pytest.param(
            # A closed single-quoted value above is no open quote: the deep line is at fault.
            "endpoint: 'r.local'\n  x: 1", None, body_span(1, 2, 3),
            "this line does not line up with the lines above it (while parsing a block mapping "
            "did not find expected key): indent it like the keys or list items it belongs with",
            id="key-deeper-than-a-single-quoted-value",
        ),
        pytest.param(
            # A list item without a colon above a deeper key (one off its text): YAML reads
            # the key as more of the item's text; the item is the key being typed.
            "endpoint: r.local\nociNamespaces:\n - public\n  namespace: x", None,
            body_span(2, 3, 4), "this line is not a key: value pair, so YAML reads it as text "
            "that runs on into line 22", id="key-under-a-plain-list-item",
        ),
    ],
)  # fmt: skip
def test_syntax_error_position(
    body: str, replace: tuple[str, str] | None, span: tuple[int, int, int, int], words: str
) -> None:
    text = cluster(body)
    if replace:
        text = text.replace(*replace)
    found = expect(text, [("RM024", E, span)])
    assert found[0].message.startswith("the YAML cannot be parsed: ")
    assert words in found[0].message, found[0].message


def test_a_plain_list_item_above_a_deeper_key() -> None:
    """Its dash at 6 under a key at 5, a key at 7 under it: YAML reads the key as more of the
    item's text wherever the dash is (``- public`` then ``··x: 1`` fails the same), so the
    item is the key being typed; it keeps its dash, and the key under it is judged as the
    item's own."""
    found = expect(
        cluster("endpoint: r.local\nociNamespaces:\n - public\n  x: 1"),
        [("RM024", E, body_span(2, 3, 4)), ("RM006", E, body_span(3, 2, 3))],
    )
    assert found[0].message == (
        "the YAML cannot be parsed: this line is not a key: value pair, so YAML reads it as "
        "text that runs on into line 22 and fails there (mapping values are not allowed in "
        'this context): finish the key with ":" and its value, or delete the line'
    )
    assert found[1].message == 'json: unknown field "x"'


def test_syntax_error_in_another_document_keeps_cluster_checks() -> None:
    text = (
        cluster("endpoint: https://x")
        + "---\napiVersion: anywhere.eks.amazonaws.com/v1alpha1\nkind: X\nspec: [\n"
    )
    found = findings(text)
    assert [(f.code, f.document) for f in found] == [("RM009", 0), ("RM024", 4)]


@pytest.mark.parametrize(
    ("text", "line", "column", "span"),
    [
        ("a: b\nc: d", 1, 1, (1, 1, 1, 2)),
        # libyaml may put the end of a text without a final line break on the line after it.
        ("a: b\nc: d", 2, 0, (1, 3, 1, 4)),
        ("a: b\nc: d", 0, 9, (0, 3, 0, 4)),
        ("a: b\n", 1, 0, (1, 0, 1, 0)),
    ],
)
def test_point_span_clamps_to_the_text(
    text: str, line: int, column: int, span: tuple[int, int, int, int]
) -> None:
    """RM024's one-character span at a parse error's mark, kept inside the text."""
    found = point_span(SourceFile(text), line, column)
    assert (found.start.line, found.start.column, found.end.line, found.end.column) == span


def test_syntax_error_on_a_last_line_without_a_line_break() -> None:
    """The span stays at the error's column on the text's last line."""
    expect(MIRROR_HEAD + "    endpoint: a: b", [("RM024", E, (6, 15, 6, 16))])


def test_syntax_error_in_non_eksa_yaml_is_not_ours() -> None:
    expect("apiVersion: v1\nkind: ConfigMap\ndata:\n  a: 'unclosed\n", [])


@pytest.mark.parametrize(
    ("body", "expected", "line"),
    [
        pytest.param("endpoint: x\nendpoint: y", [("RM025", E, body_span(1, 0, 8))], BODY_LINE + 1,
                     id="endpoint"),
        pytest.param(
            'endpoint: x\nociNamespaces:\n  - registry: public.ecr.aws\n    namespace: ""\n'
            "    registry: docker.io",
            [("RM025", E, body_span(4, 4, 12)), ("RM010", W, body_span(1, 0, 13))],
            BODY_LINE + 3,
            id="in-item",
        ),
    ],
)  # fmt: skip
def test_duplicate_key(body: str, expected: Expected, line: int) -> None:
    found = expect(cluster(body), expected)  # type: ignore[arg-type]
    assert one(found, "RM025").message == (
        f'mapping key "{body.split(chr(10))[-1].strip().split(":")[0]}" already defined at '
        f"line {line}: EKS-A rejects duplicate keys"
    )


def test_duplicate_mirror_key_in_spec() -> None:
    text = cluster("endpoint: x").replace(
        "  registryMirrorConfiguration:\n",
        "  registryMirrorConfiguration: {endpoint: a}\n  registryMirrorConfiguration:\n",
    )
    found = findings(text)
    rm025 = one(found, "RM025")
    assert span_of(rm025) == (MIRROR_LINE + 1, 2, MIRROR_LINE + 1, 29)
    assert "already defined at line 18" in rm025.message

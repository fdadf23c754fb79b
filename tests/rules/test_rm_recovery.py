"""Syntax errors (RM024) at their cause, the mirror still checked around them, and
documentation placeholders: a ``...`` line (RM024) and ``<placeholder>`` values (RM032)."""

from __future__ import annotations

from typing import Any

import pytest

from eksa_mirror.core import recovery
from eksa_mirror.core.source import PARSE_CACHE
from eksa_mirror.rules.analysis import analyze
from support import DOCS_PASTE, EXAMPLES, cluster

from .helpers import MIRROR_KEY, E, W, body_span, expect, one, options

ENDPOINT_WITH_PORT = "endpoint: https://registry.example.com:5000"
RM009_MESSAGE = (
    'endpoint must be a bare hostname or IP address, without the scheme "https://" and the '
    'port ":5000": EKS-A joins it with the port into "[https://registry.example.com:5000]:443", '
    "which containerd cannot pull from"
)


EXTRA = (
    "  clusterNetwork:\n    cniConfig:\n      cilium: {}\n    pods:\n"
    '      cidrBlocks: [192.168.0.0/16]\n  kubernetesVersion: "1.31"\n'
)


def broken_elsewhere(old: str, new: str) -> str:
    """The mirror with RM009, after other spec keys, one of whose lines is broken."""
    text = cluster(ENDPOINT_WITH_PORT).replace("spec:\n", "spec:\n" + EXTRA, 1)
    assert old in text and old.count("\n") == new.count("\n")
    return text.replace(old, new, 1)


def line_of(text: str, start: str) -> int:
    return next(n for n, line in enumerate(text.split("\n")) if line.startswith(start))


@pytest.mark.parametrize(
    ("old", "new", "column", "words"),
    [
        pytest.param("  clusterNetwork:\n", "  clusterNetwork: [unclosed\n", 18,
                     "the [ opened here is not closed on its line, so YAML fails at line 7 "
                     "(while parsing a flow sequence did not find expected ',' or ']'): close "
                     "it with ]", id="unclosed-bracket"),
        pytest.param('  kubernetesVersion: "1.31"\n', '  kubernetesVersion: "1.31\n', 21,
                     'the quote " opened here is never closed: close the quote opened here',
                     id="unclosed-quote-runs-into-the-mirror"),
        pytest.param("  clusterNetwork:\n", "  clust\n", 2,
                     "this line is not a key: value pair, so YAML reads it as text that runs on "
                     "into line 7 and fails there (mapping values are not allowed in this "
                     'context): finish the key with ":" and its value, or delete the line',
                     id="half-typed-key"),
        pytest.param("      cilium: {}\n", "\tcilium: {}\n", 0,
                     "a tab in the indentation: YAML allows only spaces there; replace the tab "
                     "with spaces", id="tab-indentation"),
        pytest.param("    cniConfig:\n", "     cniConfig:\n", 5,
                     "this line is indented deeper (column 6) than the lines after it",
                     id="first-key-indented-too-deep"),
        pytest.param("    pods:\n", "   pods:\n", 3,
                     "this line is indented deeper (column 4) than the lines beside it at the "
                     "same level (column 3), so YAML fails here (while parsing a block "
                     "mapping did not find expected key): indent it to column 3",
                     id="later-key-indented-too-little"),
    ],
)  # fmt: skip
def test_a_syntax_error_elsewhere_keeps_the_mirror_findings(
    old: str, new: str, column: int, words: str
) -> None:
    text = broken_elsewhere(old, new)
    broken = line_of(text, new.rstrip("\n"))
    endpoint = line_of(text, "    endpoint:")
    found = expect(
        text,
        [
            ("RM024", E, (broken, column, broken, column + 1)),
            ("RM009", E, (endpoint, 14, endpoint, 47)),
        ],
    )
    assert one(found, "RM024").message.startswith("the YAML cannot be parsed: ")
    assert words in one(found, "RM024").message
    assert one(found, "RM009").message == RM009_MESSAGE


def test_a_syntax_error_in_a_spec_key_after_the_mirror_keeps_its_findings() -> None:
    """The mirror section ends at the first line as shallow as its key."""
    text = cluster(ENDPOINT_WITH_PORT).replace("---\n", "  kubernetesVersion: a: b\n---\n", 1)
    broken = line_of(text, "  kubernetesVersion")
    endpoint = line_of(text, "    endpoint:")
    found = expect(
        text,
        [
            ("RM024", E, (broken, 22, broken, 23)),
            ("RM009", E, (endpoint, 14, endpoint, 47)),
        ],
    )
    assert one(found, "RM009").message == RM009_MESSAGE


def test_a_word_being_typed_in_the_mirror_keeps_its_findings() -> None:
    """A lone word is a key being typed: the rest of the mirror is still judged."""
    text = cluster(ENDPOINT_WITH_PORT + "\ninsec")
    found = expect(text, [("RM024", E, body_span(1, 0, 1)), ("RM009", E, body_span(0, 10, 43))])
    assert one(found, "RM009").message == RM009_MESSAGE
    assert one(found, "RM024").message == (
        "the YAML cannot be parsed: this line is not a key: value pair, so YAML reads it as "
        "text that runs on into line 21 and fails there (while scanning a simple key could not "
        "find expected ':'): finish the key with \":\" and its value, or delete the line"
    )


def test_a_word_being_typed_may_be_the_key_it_starts() -> None:
    """``endp`` may become ``endpoint``: no RM001 "no endpoint" while it is typed; ``insec``
    cannot, so the missing endpoint is said."""
    expect(cluster('port: "443"\nendp'), [("RM024", E, body_span(1, 0, 1))])
    expect(
        cluster('port: "443"\ninsec'), [("RM024", E, body_span(1, 0, 1)), ("RM001", E, MIRROR_KEY)]
    )


def test_a_broken_value_in_the_mirror_hides_what_it_held() -> None:
    """A blanked line that held a key and value would read as missing: no RM001 for an
    endpoint whose quote is not closed yet, only RM024 where the quote opens."""
    found = expect(
        cluster('endpoint: \'registry.example.com\nport: "443"'),
        [("RM024", E, body_span(0, 10, 11))],
    )
    assert one(found, "RM024").message.startswith("the YAML cannot be parsed: ")


def test_the_documentation_example_pasted_as_it_is() -> None:
    found = analyze(DOCS_PASTE, options()).findings
    summary = [(f.code, f.span.start.line + 1, f.span.start.column + 1) for f in found]
    assert summary == [
        ("RM024", 6, 3),  # "..." under spec
        ("RM009", 8, 15),  # the endpoint is still checked below it
        ("RM032", 9, 11),
        ("RM032", 11, 19),
        ("RM032", 12, 20),
        ("RM024", 13, 7),  # "..." in the list
        ("RM032", 14, 20),  # the shortened certificate, not RM014
    ]
    placeholder = found[0]
    assert placeholder.message == (
        '"..." is a placeholder from the EKS Anywhere documentation, not YAML: delete this line'
    )
    assert (placeholder.span.start.column, placeholder.span.end.column) == (2, 5)
    assert found[2].message == (
        "port is still the documentation placeholder <private registry port>: replace it with "
        'the registry\'s port as a quoted string, e.g. "443" (or remove it for 443)'
    )
    assert found[6].message.startswith("caCertContent is the shortened example")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param("endpoint: <private registry IP or hostname>",
                     [("RM032", E, body_span(0, 10, 43))], id="endpoint"),
        pytest.param('endpoint: r.local\nport: "<port>"', [("RM032", E, body_span(1, 6, 14))],
                     id="quoted-port"),
        pytest.param("endpoint: r.local\nociNamespaces:\n  - registry: <registry>\n"
                     '    namespace: ""', [("RM032", E, body_span(2, 14, 24))],
                     id="registry-and-no-rm010"),
        pytest.param("endpoint: r.local\nociNamespaces:\n  - registry: public.ecr.aws\n"
                     "    namespace: <namespace in private registry>",
                     [("RM032", E, body_span(3, 15, 46))], id="namespace-not-rm013"),
        pytest.param("endpoint: r.local\nauthenticate: <true|false>",
                     [("RM032", E, body_span(1, 14, 26))], id="boolean-not-rm007"),
        pytest.param("endpoint: r.local\nport: '<443>x'", [("RM002", E, body_span(1, 6, 14))],
                     id="not-a-whole-placeholder"),
    ],
)  # fmt: skip
def test_placeholder_values(body: str, expected: list[Any]) -> None:
    expect(cluster(body), expected)


def test_a_ca_placeholder_in_angle_brackets_is_named_as_such() -> None:
    found = expect(
        cluster("endpoint: r.local\ncaCertContent: <certificate content>"),
        [("RM032", E, body_span(1, 15, 36))],
    )
    assert found[0].message == (
        "caCertContent is still the documentation placeholder <certificate content>: paste the "
        "PEM of the CA that signed the registry certificate, as a literal block (|)"
    )


def test_ignoring_rm032_gives_the_other_findings_back() -> None:
    text = cluster("endpoint: r.local\nport: <private registry port>")
    expect(text, [("RM002", E, body_span(1, 6, 29))], ignore=frozenset({"RM032"}))


def test_column_zero_dots_end_the_document_and_are_not_placeholders() -> None:
    """At column 0, ``...`` is YAML's end-of-document marker: valid, and not reported."""
    text = cluster("endpoint: r.local") + "...\n"
    expect(text, [])


def test_a_file_that_parses_never_enters_recovery(monkeypatch: pytest.MonkeyPatch) -> None:
    """Recovery costs nothing on files that parse: it is only called from the parse error."""

    def refuse(*_: object) -> None:
        raise AssertionError("recovery was called for a file that parses")

    monkeypatch.setattr(recovery, "recover", refuse)
    PARSE_CACHE.clear()
    expect(cluster("endpoint: r.local\nport: 443"), [("RM008", W, body_span(1, 6, 9))])


def test_recovery_is_bounded() -> None:
    """More broken lines than the budget: one RM024 at the first, nothing recovered."""
    lines = "".join(f"  key{n}: [open\n" for n in range(recovery.MAX_ROUNDS + 2))
    text = cluster(ENDPOINT_WITH_PORT).replace("spec:\n", "spec:\n" + lines, 1)
    found = analyze(text, options()).findings
    assert [f.code for f in found] == ["RM024"]


def test_non_eksa_yaml_is_not_recovered() -> None:
    expect("apiVersion: v1\nkind: ConfigMap\ndata:\n  a: [open\n  b: 1\n", [])


# --- RM024 at the line a person broke in a whole spec ----------------------------------------

#: ``examples/valid-mirror.yaml``: a clean spec, one of whose lines is broken by each case below.
VALID = (EXAMPLES / "valid-mirror.yaml").read_text(encoding="utf-8").split("\n")


@pytest.mark.parametrize(
    ("line", "new", "expected"),
    [
        pytest.param(
            14, "  count: 1",
            [(14, 2, "this line is indented less deep (column 3) than the lines after it at the "
                     "same level (column 5), so YAML fails at line 16 (mapping values are not "
                     "allowed in this context): indent it to column 5")],
            id="first-child-one-step-less-deep",
        ),
        pytest.param(
            33, "    insecureSkipVerify: false\n      x: 1",
            [(34, 7, "this line is deeper than the line above it, so YAML reads it as more of "
                     "that line's value and fails at its colon (mapping values are not allowed "
                     "in this context): indent it like the keys it belongs with")],
            id="key-one-step-deeper-after-a-key-with-a-value",
        ),
        pytest.param(
            28, "\t- registry: 783794618700.dkr.ecr.us-west-2.amazonaws.com",
            [(28, 0, "a tab in the indentation: YAML allows only spaces there; replace the tab "
                     "with spaces")],
            id="tab-before-a-list-item",
        ),
        pytest.param(
            32, "    - authenticate: false",
            [(32, 4, "this line does not line up with the lines above it (while parsing a "
                     "block mapping did not find expected key): indent it like the keys or "
                     "list items it belongs with")],
            id="list-item-among-keys",
        ),
        pytest.param(
            26, '    port: "unclosed',
            # At the quote, in the file's line numbers: the next " closes it on line 32.
            [(26, 10, 'the quote " opened here is not closed on its line, so YAML reads the '
                      "lines after it as its text and fails at line 32 (while scanning a "
                      "quoted scalar found unexpected end of stream): close the quote opened "
                      "here")],
            id="unclosed-quote-closed-by-a-later-quote",
        ),
    ],
)  # fmt: skip
def test_rm024_only_at_the_broken_line(
    line: int, new: str, expected: list[tuple[int, int, str]]
) -> None:
    lines = list(VALID)
    lines[line : line + 1] = new.split("\n")
    found = [f for f in analyze("\n".join(lines)).findings if f.code == "RM024"]
    assert [
        (f.span.start.line, f.span.start.column, f.span.end.line, f.span.end.column, f.message)
        for f in found
    ] == [(n, c, n, c + 1, "the YAML cannot be parsed: " + m) for n, c, m in expected]


@pytest.mark.parametrize(
    ("first_line", "expected"),
    [
        pytest.param(
            "\tapiVersion: anywhere.eks.amazonaws.com/v1alpha1",
            # The apiVersion line is masked, but the document is still a Cluster: its kind
            # says so and its text names EKS-A; its empty endpoint is still said.
            [("RM024", (0, 0, 0, 1), "a tab in the indentation: YAML allows only spaces "
              "there; replace the tab with spaces"),
             ("RM001", (18, 14, 18, 16), None)],
            id="tab-before-the-first-line",
        ),
        pytest.param(
            "apiVersion: anywhere.eks.amazonaws.com/v1alpha1: x",
            [("RM024", (0, 47, 0, 48), 'a value cannot contain ": " unless it is quoted '
              '(mapping values are not allowed in this context): quote the value, or remove '
              'this ":"'),
             ("RM001", (18, 14, 18, 16), None)],
            id="second-colon-on-the-first-line",
        ),
    ],
)  # fmt: skip
def test_a_syntax_error_on_the_first_line(
    first_line: str, expected: list[tuple[str, tuple[int, int, int, int], str | None]]
) -> None:
    text = first_line + "\n" + cluster('endpoint: ""').split("\n", 1)[1]
    found = analyze(text).findings
    spans = [(f.span.start.line, f.span.start.column, f.span.end.line, f.span.end.column)
             for f in found]  # fmt: skip
    assert list(zip([f.code for f in found], spans, strict=True)) == [
        (code, span) for code, span, _ in expected
    ]
    for finding, (_, _, words) in zip(found, expected, strict=True):
        if words is not None:
            assert finding.message == "the YAML cannot be parsed: " + words

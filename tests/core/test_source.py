"""How a text becomes documents: the split at ``---``, the line breaks the editor counts,
and where a document that does not parse says its problem is (the position ``validate``
prints in "could not be parsed as YAML (line L, column C: ...)")."""

from __future__ import annotations

import pytest

from eksa_mirror.core import source


def _problem(text: str) -> tuple[str, int, int] | None:
    parsed = source.split(source.normalize(text)).documents[0].parsed
    problem = parsed.problem
    return None if problem is None else (problem.message, problem.line, problem.column)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an unclosed quote is reported where it opens, not at the end of the text
        (
            'a: 1\nb: "open\nc: 2\n',
            ("while scanning a quoted scalar found unexpected end of stream", 1, 3),
        ),
        # a control character: its column counts code points, not UTF-8 bytes
        (
            'kind: X\nb: "é\x01"\n',
            ("unacceptable character #x0001: control characters are not allowed", 1, 5),
        ),
        (
            "a: [1, 2\n",
            ("while parsing a flow sequence did not find expected ',' or ']'", 1, 0),
        ),
    ],
)
def test_where_a_broken_document_says_its_problem_is(
    text: str, expected: tuple[str, int, int]
) -> None:
    assert _problem(text) == expected


@pytest.mark.parametrize("extra", ["\x85", "\u2028", "\u2029"])
def test_line_breaks_lsp_does_not_count_become_spaces(extra: str) -> None:
    text = f"a: x{extra}y\nb: 2\n"
    assert source.normalize(text) == "a: x y\nb: 2\n"
    assert source.normalize("a: 1\rb: 2\r\n") == "a: 1\nb: 2\r\n"


def test_comments_before_a_separator_belong_to_the_next_document() -> None:
    text = "# header\n# more\n---\na: 1\n---\nb: 2\n"
    documents = source.split(text).documents
    assert [(d.index, d.line_offset, d.parsed.text) for d in documents] == [
        (0, 0, "# header\n# more\n---\na: 1\n"),
        (1, 4, "---\nb: 2\n"),
    ]

"""``fixes``: text edits on core positions, and which fixes ``--fix`` takes."""

from __future__ import annotations

import pytest

from eksa_mirror.core.findings import Finding, Fix, Severity, TextEdit
from eksa_mirror.core.fixes import apply_edits, line_starts, offset_of, safe_edits
from eksa_mirror.core.positions import Position, Span
from eksa_mirror.rules.analysis import Options, analyze
from eksa_mirror.rules.lint import fix_text
from support import EXAMPLES


def edit(line: int, col: int, end_line: int, end_col: int, text: str) -> TextEdit:
    return TextEdit(Span(Position(line, col), Position(end_line, end_col)), text)


def finding(*edits: TextEdit, safe: bool = True, line: int = 0) -> Finding:
    fix = Fix("t", edits, safe=safe) if edits else None
    return Finding(
        "RM008", Severity.WARNING, "m", Span(Position(line, 0), Position(line, 1)), "/p", fix
    )


def test_offsets_clamp_to_the_line_and_the_text() -> None:
    text = "ab\ncdé\n"
    starts = line_starts(text)
    assert starts == [0, 3, 7]
    assert offset_of(text, Position(1, 2), starts) == 5
    assert offset_of(text, Position(1, 99), starts) == 6  # end of line 1, before "\n"
    assert offset_of(text, Position(9, 0), starts) == len(text)


@pytest.mark.parametrize(
    ("edits", "after"),
    [
        pytest.param([edit(0, 0, 0, 1, "A")], "Abc\ndef\n", id="replace"),
        pytest.param([edit(1, 3, 1, 3, "!")], "abc\ndef!\n", id="insert-at-line-end"),
        pytest.param([edit(0, 0, 1, 0, "")], "def\n", id="delete-whole-line"),
        pytest.param([edit(1, 0, 1, 1, "D"), edit(0, 2, 0, 3, "C")], "abC\nDef\n",
                     id="order-independent"),
        pytest.param([edit(0, 0, 0, 2, "X"), edit(0, 1, 0, 3, "Y")], "Xc\ndef\n",
                     id="overlap-skipped"),
        pytest.param([edit(2, 0, 2, 0, "ghi\n")], "abc\ndef\nghi\n", id="insert-at-eof"),
        pytest.param([edit(1, 0, 1, 0, "y: 2\n"), edit(1, 0, 1, 0, "x: 1\n")],
                     "abc\ny: 2\nx: 1\ndef\n", id="inserts-at-one-place-keep-their-order"),
    ],
)  # fmt: skip
def test_apply_edits(edits: list[TextEdit], after: str) -> None:
    assert apply_edits("abc\ndef\n", edits) == after


def test_apply_edits_code_point_columns_and_crlf() -> None:
    text = "🚀: 1\r\nport: 443\r\n"
    assert apply_edits(text, [edit(0, 3, 0, 4, "2"), edit(1, 6, 1, 9, '"443"')]) == (
        '🚀: 2\r\nport: "443"\r\n'
    )


def test_safe_edits_takes_safe_non_overlapping_fixes_only() -> None:
    a = finding(edit(0, 0, 0, 2, "A"))
    unsafe = finding(edit(1, 0, 1, 2, "U"), safe=False)
    overlapping = finding(edit(0, 1, 0, 3, "B"))
    same_start_insert = finding(edit(0, 0, 0, 0, "I"))
    none = finding()
    assert a.fix is not None
    assert safe_edits([a, unsafe, overlapping, same_start_insert, none]) == list(a.fix.edits)


def test_fix_text_reaches_a_fixed_point() -> None:
    text = (EXAMPLES / "invalid-mirror.yaml").read_text(encoding="utf-8")
    once, applied = fix_text(text, Options())
    assert applied > 0
    again, more = fix_text(once, Options())
    assert (again, more) == (once, 0)
    assert [f for f in analyze(once).findings if f.fix is not None and f.fix.safe] == []

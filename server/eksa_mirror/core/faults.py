"""What RM024 says about a syntax error: at its cause (the quote, bracket or tab, the line
that runs on, the key indented off), in words that say what to do, with the parser's own
symptom. A line mentioned in a message is counted in the file (``SyntaxProblem.text``).
"""

from __future__ import annotations

from dataclasses import dataclass

from eksa_mirror.core.causes import (
    ParserError,
    first_key_indented,
    key_off,
    meant_column,
    over_indented,
    tab_column,
)
from eksa_mirror.core.lines import bare_item, bare_text, key_column, open_flow, open_quote
from eksa_mirror.core.lines import indent as indent_of

_CLOSERS = {"[": "]", "{": "}"}


@dataclass(frozen=True)
class SyntaxProblem:
    """Why a document could not be parsed: a position in it (0-based), ``width`` characters.

    ``message`` may name lines of the document as ``{0}``, ``{1}``…: ``mentions`` (0-based);
    ``text`` writes them as the file's line numbers."""

    message: str
    line: int
    column: int
    width: int = 1
    mentions: tuple[int, ...] = ()

    def text(self, line_offset: int = 0) -> str:
        """The message, its lines counted in the file (the document starts at
        ``line_offset``)."""
        if not self.mentions:
            return self.message.replace("{{", "{").replace("}}", "}")
        return self.message.format(*(n + line_offset + 1 for n in self.mentions))


def plain(message: str) -> str:
    """``message`` as a template that mentions no line."""
    return message.replace("{", "{{").replace("}", "}}")


def fault(
    lines: list[str], line: int, error: ParserError, placeholders: dict[int, tuple[int, int]]
) -> SyntaxProblem:
    """The problem to report for ``error`` when ``line`` is its cause."""
    text = lines[line]
    symptom = plain(error.message)
    marked = _marked(text, line, placeholders) or _opened(line, text, error, symptom)
    if marked is not None:
        return marked
    if bare_text(text) or bare_item(lines, line):
        return SyntaxProblem(
            "this line is not a key: value pair, so YAML reads it as text that runs on into "
            f'line {{0}} and fails there ({symptom}): finish the key with ":" and its value, '
            "or delete the line",
            line,
            key_column(text),
            mentions=(error.line,),
        )
    indented = _indented(lines, line, error, symptom)
    if indented is not None:
        return indented
    if line == error.line:
        return _own_line(text, error, symptom)
    if line == error.context_line:
        return SyntaxProblem(symptom, line, error.context_column)
    return SyntaxProblem(
        f"YAML fails at line {{0}} ({symptom}) because of this line: check its indentation "
        "and quotes",
        line,
        indent_of(text),
        mentions=(error.line,),
    )


def _marked(text: str, line: int, placeholders: dict[int, tuple[int, int]]) -> SyntaxProblem | None:
    """A documentation ``...`` or a tab in the indentation: at it."""
    if line in placeholders:
        column, width = placeholders[line]
        return SyntaxProblem(
            plain(
                f'"{text.strip()[:width]}" is a placeholder from the EKS Anywhere '
                "documentation, not YAML: delete this line"
            ),
            line,
            column,
            width,
        )
    tab = tab_column(text)
    if tab is None:
        return None
    return SyntaxProblem(
        "a tab in the indentation: YAML allows only spaces there; replace the tab with spaces",
        line,
        tab,
    )


def _opened(line: int, text: str, error: ParserError, symptom: str) -> SyntaxProblem | None:
    """An unclosed quote or bracket on ``line``: at the character that opened it."""
    later = error.line > line
    quote = open_quote(text)
    if quote is not None:
        mark = text[quote]
        if later:
            return SyntaxProblem(
                f"the quote {mark} opened here is not closed on its line, so YAML reads the "
                f"lines after it as its text and fails at line {{0}} ({symptom}): close the "
                "quote opened here",
                line,
                quote,
                mentions=(error.line,),
            )
        return SyntaxProblem(
            f"the quote {mark} opened here is never closed: close the quote opened here",
            line,
            quote,
        )
    bracket = open_flow(text)
    if bracket is None:
        return None
    mark = text[bracket]
    close = _CLOSERS[mark]
    where = "fails at line {0}" if later else "fails"
    return SyntaxProblem(
        f"the {plain(mark)} opened here is not closed on its line, so YAML {where} "
        f"({symptom}): close it with {plain(close)}",
        line,
        bracket,
        mentions=(error.line,) if later else (),
    )


def _indented(
    lines: list[str], line: int, error: ParserError, symptom: str
) -> SyntaxProblem | None:
    """A key or list item indented off the lines beside it."""
    column = indent_of(lines[line])
    if line in (over_indented(lines, error), first_key_indented(lines, error)):
        meant = indent_of(lines[error.line])
        beside = "after it"
    elif line == key_off(lines, error.line):
        # ``- key:`` one off its item's other keys: the dash moves with the key.
        meant = indent_of(lines[error.line]) - (key_column(lines[line]) - column)
        beside = "after it"
    else:
        sibling = meant_column(lines, line)
        if sibling is None:
            return None
        meant, beside = sibling, "beside it"
    how = "deeper" if column > meant else "less deep"
    where = "here" if error.line == line else "at line {0}"
    return SyntaxProblem(
        f"this line is indented {how} (column {column + 1}) than the lines {beside} at the "
        f"same level (column {meant + 1}), so YAML fails {where} ({symptom}): indent it to "
        f"column {meant + 1}",
        line,
        column,
        mentions=(error.line,) if error.line != line else (),
    )


def _own_line(text: str, error: ParserError, symptom: str) -> SyntaxProblem:
    """The error at its own line, with what to do about the usual ones."""
    key = key_column(text)
    message = symptom
    if "mapping values are not allowed" in error.message and ":" in text[key : error.column]:
        message = (
            f'a value cannot contain ": " unless it is quoted ({symptom}): quote the value, '
            'or remove this ":"'
        )
    elif "mapping values are not allowed" in error.message:
        message = (
            "this line is deeper than the line above it, so YAML reads it as more of that "
            f"line's value and fails at its colon ({symptom}): indent it like the keys it "
            "belongs with"
        )
    elif "did not find expected" in error.message:
        message = (
            f"this line does not line up with the lines above it ({symptom}): indent it like "
            "the keys or list items it belongs with"
        )
    return SyntaxProblem(message, error.line, error.column)

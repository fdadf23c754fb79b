"""Recovery from YAML syntax errors: find the line at fault, mask it, parse again.

Used only when a document fails to parse. Each round blanks one line with spaces, so every
other line and column stays where it was and the findings of the recovered parse are at the
file's real positions. Rounds and parses are bounded; when the budget runs out the document
counts as unparsed.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import yaml
from yaml.nodes import Node

from eksa_mirror.core.lines import (
    bare_text,
    blanked,
    block_end,
    indent_step,
    is_item,
    key_column,
    open_quote,
    parent_block_end,
    run_above,
)
from eksa_mirror.core.lines import (
    indent as indent_of,
)
from eksa_mirror.core.lines import (
    live as is_live,
)

#: Lines masked at most per document: more syntax errors than this and nothing is recovered.
MAX_ROUNDS = 6
#: Parses at most per document (every candidate mask costs one).
MAX_PARSES = 40
#: Documents longer than this are not recovered: parsing 100,000 characters takes about 25 ms
#: here, so the worst case (``MAX_PARSES`` parses) stays near one second. A Cluster document
#: is a few thousand characters; a typical recovery takes one to five parses.
MAX_CHARS = 100_000

#: A line that is only a documentation ellipsis (with an optional comment after it).
_PLACEHOLDER = re.compile(r"^([ \t]+)(\.\.\.|…)[ \t]*(?:#.*)?$")
#: A value that starts with a quote: after ``key: ``, ``- `` or alone on its line.
#: A key with a value on its own line (``key: value``, ``- key: value``), not ``key:``.
_INLINE_VALUE = re.compile(r"^\s*(?:-\s+)?[^\s#][^#]*?:[ \t]+[^\s#]")
#: Contexts whose mark is the start of the faulty token (a quote, a bracket, a key).
_TOKEN_CONTEXTS = ("while scanning", "while parsing a flow")


@dataclass(frozen=True)
class SyntaxProblem:
    """Why a document could not be parsed: a position in it (0-based), ``width`` characters."""

    message: str
    line: int
    column: int
    width: int = 1
    #: The lines blanked for it (first, last), and whether they held nothing: a
    #: documentation placeholder (``...``), or a lone word being typed (no key, no value yet).
    masked: tuple[int, int] = (0, -1)
    held_nothing: bool = False


@dataclass(frozen=True)
class _Error:
    message: str
    line: int
    column: int
    context_line: int | None
    context_column: int
    context: str

    @property
    def at(self) -> tuple[int, int]:
        return (self.line, self.column)


Compose = Callable[[str], list[Node]]


def placeholder_lines(text: str) -> dict[int, tuple[int, int]]:
    """Indented ``...`` lines (documentation placeholders): line → (column, width).

    At column 0 ``...`` is YAML's end-of-document marker, so only indented ones count.
    """
    found: dict[int, tuple[int, int]] = {}
    for index, line in enumerate(text.split("\n")):
        match = _PLACEHOLDER.match(line.rstrip("\r"))
        if match:
            found[index] = (len(match.group(1)), len(match.group(2)))
    return found


def recover(text: str, compose: Compose, first: yaml.MarkedYAMLError) -> tuple[
    list[Node], list[SyntaxProblem]
] | None:  # fmt: skip
    """The roots of ``text`` with its faulty lines masked, and one fault per masked line;
    ``None`` when the budget runs out first."""
    if len(text) > MAX_CHARS:
        return None
    lines = text.split("\n")
    placeholders = placeholder_lines(text)
    budget = [MAX_PARSES]
    faults: list[SyntaxProblem] = []
    error = _error(first)
    for _ in range(MAX_ROUNDS):
        found = _best_mask(lines, error, placeholders, compose, budget)
        if found is None:
            return None
        line, masked, outcome = found
        changed = [n for n, (a, b) in enumerate(zip(lines, masked, strict=True)) if a != b]
        fault = _fault(lines, line, error, placeholders)
        span = (changed[0], changed[-1]) if changed else (line, line)
        typed = span == (line, line) and bare_text(lines[line]) and ":" not in lines[line]
        faults.append(replace(fault, masked=span, held_nothing=fault.held_nothing or typed))
        lines = masked
        if isinstance(outcome, list):
            return outcome, faults
        error = outcome
    return None


def _best_mask(
    lines: list[str],
    error: _Error,
    placeholders: dict[int, tuple[int, int]],
    compose: Compose,
    budget: list[int],
) -> tuple[int, list[str], list[Node] | _Error] | None:
    """The first mask that parses; else the one that gets the parser furthest, if any."""
    best: tuple[int, list[str], _Error] | None = None
    for line in _candidates(lines, error, placeholders):
        for masked in _masks(lines, line, error):
            if budget[0] <= 0:
                return best
            budget[0] -= 1
            outcome = _try(compose, "\n".join(masked))
            if isinstance(outcome, list):
                return line, masked, outcome
            if outcome.at > error.at and line in placeholders:
                return line, masked, outcome  # a placeholder held nothing: always drop it
            if outcome.at > error.at and (best is None or outcome.at > best[2].at):
                best = (line, masked, outcome)
    return best


def _masks(lines: list[str], n: int, error: _Error) -> list[list[str]]:
    """Ways to blank line ``n``: from the faulty token on (the key stays), the line with the
    block of lines under it (a broken key takes its children along), the line alone."""
    result = []
    text = lines[n]
    indent = indent_of(text)
    columns = [
        column
        for at_line, column in (
            (error.context_line, error.context_column),
            (error.line, error.column),
            (n, open_quote(text)),
        )
        if at_line == n and column is not None and indent < column < len(text.rstrip())
    ]
    if "nesting depth" in error.message:
        columns = []  # what is left of the line is still too deep: blank all of it
    if "mapping values" in error.message and ":" not in text[: error.column]:
        # The line's own key colon: cut there, the key would run on into the value above.
        columns = [c for c in columns if c != error.column or n != error.line]
    for column in dict.fromkeys(columns):
        result.append(blanked(lines, n, n, column))
    # A key indented off the step keeps its children at the siblings' depth or deeper.
    off_step = n == _over_indented(lines, error) and error.line < len(lines)
    depth = indent_of(lines[error.line]) if off_step else None
    last = block_end(lines, n, depth)
    alone = blanked(lines, n, n, 0)
    block = [blanked(lines, n, last, 0)] if last > n else []
    # A key with its value on the line rarely owns the lines below it: try it alone first.
    result.extend([alone, *block] if _INLINE_VALUE.match(text) else [*block, alone])
    if text.startswith("\t"):
        # A tab at column 0 also cuts a block scalar short (a CA, a script): its other lines
        # then fail one by one. Blank the rest of the value it was in.
        rest = parent_block_end(lines, n)
        if rest > n:
            result.append(blanked(lines, n, rest, 0))
    return result


def _candidates(
    lines: list[str], error: _Error, placeholders: dict[int, tuple[int, int]]
) -> list[int]:
    """Lines that may cause ``error``, most likely first: the cause, not the symptom (a
    documentation placeholder ``...`` above the error, the start of an unclosed quote or
    bracket, a half-typed key whose text runs into the next line), then the error's own line.
    ``_best_mask`` takes the first whose mask parses, else the one that gets furthest."""
    above = run_above(lines, error.line)
    ordered = [n for n in placeholders if n <= error.line and is_live(lines, n)]
    ordered.sort(key=lambda n: error.line - n)
    # A quote left open runs on to the next quote, lines later: the error is far below it
    # (and often in the token that quote began, so this comes before the error's context).
    ordered.extend(
        n for n in range(min(error.line, len(lines) - 1), -1, -1) if open_quote(lines[n])
    )
    if error.context_line is not None and error.context.startswith(_TOKEN_CONTEXTS):
        ordered.append(error.context_line)
    # A line without a colon (a half-typed key) runs into the next one as a multi-line text:
    # the earliest such line before the error is the cause (tried before the error's line).
    ordered.extend(n for n in above if bare_text(lines[n]))
    # A block mapping takes its indentation from its first key: when that key is indented
    # deeper than the file's step, the error shows at the next sibling, and the cause is the key.
    deeper = _over_indented(lines, error)
    if deeper is not None:
        ordered.append(deeper)
    ordered.append(error.line)
    seen: set[int] = set()
    result = []
    for n in ordered:
        if n not in seen and 0 <= n < len(lines) and is_live(lines, n):
            seen.add(n)
            result.append(n)
    return result


def _over_indented(lines: list[str], error: _Error) -> int | None:
    """For "did not find expected key": the key above the error that is indented off the
    file's step while the error's line is on it: a mapping's first key shallower than its
    siblings, or a key that opened a mapping deeper than its siblings after it."""
    if error.line >= len(lines):
        return None
    depth = indent_of(lines[error.line])
    step = indent_step(lines, error.line)
    if "mapping values are not allowed" in error.message:
        return _value_run_on(lines, error.line, depth, step)
    if not error.context.startswith("while parsing a block"):
        return None
    first = error.context_line
    if first is not None and first < error.line and indent_of(lines[first]) < depth:
        # The mapping's first key sits shallower than its siblings (`` a:`` then ``··b:``).
        parent = next(
            (key_column(lines[n]) for n in range(first - 1, -1, -1) if is_live(lines, n)), None
        )
        if parent is not None and depth - parent == step != indent_of(lines[first]) - parent > 0:
            return first
    live = [n for n in range(error.line - 1, -1, -1) if is_live(lines, n)]
    for here, before in itertools.pairwise(live):
        if indent_of(lines[here]) <= depth:
            return None
        parent = key_column(lines[before])
        if parent == depth and is_item(lines[here]) and lines[before].rstrip().endswith(":"):
            # ``key:`` then its list one off: at the key's depth or a step deeper is right.
            return here if indent_of(lines[here]) - parent not in (0, step) else None
        if parent < depth:
            # The one that breaks the file's usual indentation step is the one at fault.
            fits = depth - parent == step and indent_of(lines[here]) - parent != step
            return here if fits else None
    return None


def _value_run_on(lines: list[str], line: int, depth: int, step: int) -> int | None:
    """``··a: 1`` then ``···b:``: a key one off the step above a key on it; YAML reads the
    second line as more text of the first value and fails at its colon. The cause is the key
    off the step."""
    live = [n for n in range(line - 1, -1, -1) if is_live(lines, n)]
    if not live or ":" not in lines[live[0]] or indent_of(lines[live[0]]) >= depth:
        return None
    previous = live[0]
    own = indent_of(lines[previous])
    parents = [key_column(lines[n]) for n in live[1:] if key_column(lines[n]) < own]
    if len(live) > 1 and _opens_block_at(lines[live[1]], own):
        # ``a:`` then ``b: 1`` at a's column then ``··c:``: b was meant as a's first child,
        # one step deeper; c is on that step.
        parents.insert(0, own)
    if not parents:
        return None
    parent = parents[0]
    if depth - parent == step != indent_of(lines[previous]) - parent:
        return previous
    return None


def _opens_block_at(line: str, column: int) -> bool:
    """Whether ``line`` is a key without a value (``key:``) whose key starts at ``column``."""
    return key_column(line) == column and line.split(" #")[0].rstrip().endswith(":")


def _fault(
    lines: list[str], line: int, error: _Error, placeholders: dict[int, tuple[int, int]]
) -> SyntaxProblem:
    if line in placeholders:
        column, width = placeholders[line]
        return SyntaxProblem(
            f'"{lines[line].strip()[:width]}" is a placeholder from the EKS Anywhere '
            "documentation, not YAML: delete this line",
            line,
            column,
            width,
            held_nothing=True,
        )
    if line == error.line:
        return SyntaxProblem(error.message, error.line, error.column)
    if line == _over_indented(lines, error):
        column = indent_of(lines[line])
        how = "deeper" if column > indent_of(lines[error.line]) else "less deep"
        return SyntaxProblem(
            f"this line is indented {how} (column {column + 1}) than the lines after it at the "
            f"same level (column {indent_of(lines[error.line]) + 1}), so YAML fails at line "
            f"{error.line + 1}: {error.message}",
            line,
            column,
        )
    if line == error.context_line:
        return SyntaxProblem(error.message, line, error.context_column)
    column = len(lines[line]) - len(lines[line].lstrip())
    return SyntaxProblem(
        f"this line is not a key: value pair, so YAML reads it as text that runs on into line "
        f"{error.line + 1} and fails there: {error.message}",
        line,
        column,
    )


def _try(compose: Compose, text: str) -> list[Node] | _Error:
    try:
        return compose(text)
    except yaml.MarkedYAMLError as exc:
        return _error(exc)
    except (yaml.YAMLError, RecursionError):
        return _Error("invalid YAML", 1 << 30, 0, None, 0, "")


def _error(exc: yaml.MarkedYAMLError) -> _Error:
    mark = exc.problem_mark or exc.context_mark
    context = exc.context or ""
    context_line = exc.context_mark.line if exc.context_mark is not None else None
    context_column = exc.context_mark.column if exc.context_mark is not None else 0
    message = " ".join(" ".join(p for p in (exc.context, exc.problem) if p).split())
    if exc.context_mark is not None and "end of stream" in (exc.problem or ""):
        # An unclosed quote or bracket: the end of the text says nothing, its start does.
        mark = exc.context_mark
    line, column = (mark.line, mark.column) if mark is not None else (0, 0)
    return _Error(message or "invalid YAML", line, column, context_line, context_column, context)

"""Recovery from YAML syntax errors: find the line at fault, mask it, parse again.

Used only when a document fails to parse. Each round blanks one line (or a line with the lines
it owns), so every other line and column stays where it was and the findings of the recovered
parse are at the file's real positions; what a blanked line held is unknown (``core.known``).
Rounds and parses are bounded: past the budget the document is unparsed, with its first fault.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import yaml
from yaml.nodes import Node

from eksa_mirror.core.causes import ParserError, candidates, meant_column, over_indented
from eksa_mirror.core.faults import SyntaxProblem, fault
from eksa_mirror.core.lines import (
    blanked,
    block_end,
    is_item,
    key_column,
    open_flow,
    open_quote,
    parent_block_end,
    value_column,
)
from eksa_mirror.core.lines import indent as indent_of
from eksa_mirror.core.lines import live as is_live

__all__ = ["MAX_CHARS", "MAX_PARSES", "MAX_ROUNDS", "Recovery", "SyntaxProblem", "recover"]

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
#: A key with a value on its own line (``key: value``, ``- key: value``), not ``key:`` nor
#: ``key: |`` (a block scalar: its text is the lines below).
_INLINE_VALUE = re.compile(r"^\s*(?:-\s+)?[^\s#][^#]*?:[ \t]+(?![|>][-+0-9]*[ \t]*(?:#.*)?$)[^\s#]")

Compose = Callable[[str], list[Node]]


@dataclass
class Recovery:
    """What the recovery made of a document: its roots (empty when the budget ran out), one
    problem per masked line (at least the first, at its cause), the lines as parsed."""

    roots: list[Node]
    problems: list[SyntaxProblem]
    lines: list[str] = field(default_factory=list)


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


def recover(text: str, compose: Compose, first: yaml.MarkedYAMLError) -> Recovery:
    """The roots of ``text`` with its faulty lines masked, one problem per masked line, and
    the lines as parsed; no roots when the budget runs out first."""
    lines = text.split("\n")
    placeholders = placeholder_lines(text)
    error = ParserError.of(first)
    if len(text) > MAX_CHARS:
        return Recovery([], [_first_fault(lines, error, placeholders)])
    budget = [MAX_PARSES]
    faults: list[SyntaxProblem] = []
    for _ in range(MAX_ROUNDS):
        found = _best_mask(lines, error, placeholders, compose, budget)
        if found is None:
            break
        line, masked, outcome = found
        faults.append(fault(lines, line, error, placeholders))
        lines = masked
        if isinstance(outcome, list):
            return Recovery(outcome, faults, lines)
        error = outcome
    return Recovery([], faults[:1] or [_first_fault(lines, error, placeholders)])


def _first_fault(
    lines: list[str], error: ParserError, placeholders: dict[int, tuple[int, int]]
) -> SyntaxProblem:
    """The problem of an error no mask gets past: at its cause where its line tells it."""
    found = candidates(lines, error, placeholders)
    line = found[0] if found else None
    if line is None or not 0 <= error.line < len(lines):
        return SyntaxProblem(error.message.replace("{", "{{").replace("}", "}}"), *error.at)
    return fault(lines, line, error, placeholders)


def _best_mask(
    lines: list[str],
    error: ParserError,
    placeholders: dict[int, tuple[int, int]],
    compose: Compose,
    budget: list[int],
) -> tuple[int, list[str], list[Node] | ParserError] | None:
    """The first mask that parses; else the one that gets the parser furthest, if any."""
    best: tuple[int, list[str], ParserError] | None = None
    suspects = candidates(lines, error, placeholders)
    for wide in (False, True):
        # The wide masks (the rest of a block) only when no narrow one gets any further: a
        # second broken line below must not be blanked with the first.
        for line in suspects:
            dropped: tuple[int, list[str], ParserError] | None = None
            for masked in _masks(lines, line, error, wide=wide, dots=line in placeholders):
                if budget[0] <= 0:
                    return dropped or best
                budget[0] -= 1
                outcome = _try(compose, "\n".join(masked))
                if isinstance(outcome, list):
                    return line, masked, outcome
                if (
                    outcome.at > error.at
                    and dropped is None
                    and _sure(lines[line], line, placeholders)
                ):
                    # A placeholder, an unclosed quote or bracket, a tab: the cause whenever
                    # blanking it gets the parser further, even if another line gets further.
                    dropped = (line, masked, outcome)
                if outcome.at > error.at and (best is None or outcome.at > best[2].at):
                    best = (line, masked, outcome)
            if dropped is not None:
                return dropped
        if best is not None:
            return best
    return best


def _sure(text: str, line: int, placeholders: dict[int, tuple[int, int]]) -> bool:
    """Whether the line is surely at fault where it is a suspect: a documentation ``...``,
    a quote or bracket it leaves open, a tab in its indentation."""
    lead = text[: len(text) - len(text.lstrip(" \t"))]
    return line in placeholders or bool(open_quote(text) or open_flow(text)) or "\t" in lead


def _masks(
    lines: list[str], n: int, error: ParserError, *, wide: bool, dots: bool = False
) -> list[list[str]]:
    """Ways to blank line ``n``: from its value on (the key stays), a list item's line after
    its dash, the line with the block of lines under it (a broken key takes its children
    along), the line alone; ``wide``: the rest of the block a tab at column 0 was in;
    ``dots``: a documentation ``...`` with the lines under it (what it stands for may have
    begun there), else alone."""
    text = lines[n]
    if dots:
        ends = dict.fromkeys((block_end(lines, n), block_end(lines, n, indent_of(text)), n))
        return [blanked(lines, n, last, 0) for last in ends]
    if wide:
        # A tab at column 0 also cuts a block scalar short (a CA, a script): its other lines
        # then fail one by one. Blank the rest of the value it was in.
        rest = parent_block_end(lines, n) if text.startswith("\t") else n
        return [blanked(lines, n, rest, 0)] if rest > n else []
    result = _value_mask(lines, n, error)
    scalar_end = _scalar_rest(lines, n)
    if scalar_end > n:
        # A tab on the first line of a ``|`` text ends the text there: its other lines go too.
        result.append(blanked(lines, n, scalar_end, 0))
    if is_item(text):
        result.extend(_item_masks(lines, n))
    last = _block_last(lines, n, error)
    alone = blanked(lines, n, n, 0)
    block = [blanked(lines, n, last, 0)] if last > n else []
    # A key with its value on the line rarely owns the lines below it: try it alone first.
    result.extend([alone, *block] if _INLINE_VALUE.match(text) else [*block, alone])
    return result


def _value_mask(lines: list[str], n: int, error: ParserError) -> list[list[str]]:
    """The line from its value on, when the error is in it: the key stays, its whole value
    goes (a value cut short would read as another)."""
    text = lines[n]
    indent = indent_of(text)
    columns = [
        column
        for at_line, column in (
            (error.context_line, error.context_column),
            (error.line, error.column),
            (n, open_quote(text)),
            (n, open_flow(text)),
        )
        if at_line == n and column is not None and indent < column < len(text.rstrip())
    ]
    if "nesting depth" in error.message:
        columns = []  # what is left of the line is still too deep: blank all of it
    if "mapping values" in error.message and ":" not in text[: error.column]:
        # The line's own key colon: cut there, the key would run on into the value above.
        columns = [c for c in columns if c != error.column or n != error.line]
    value = value_column(text)
    return [blanked(lines, n, n, min(value, *columns))] if columns and value is not None else []


def _item_masks(lines: list[str], n: int) -> list[list[str]]:
    """A list item keeps its dash (alone, or with the lines under its text: the block of a
    key being typed on it), or goes with its lines: they must not join the item above."""
    text = lines[n]
    result = []
    if "\t" not in text[: indent_of(text)]:
        key = key_column(text)
        result.append(blanked(lines, n, n, key))
        own = block_end(lines, n, key)
        if own > n:
            kept = blanked(lines, n, own, 0)
            kept[n] = lines[n][:key].rstrip(" ")
            result.append(kept)
    item_end = _item_end(lines, n)
    if item_end > n:
        result.append(blanked(lines, n, item_end, 0))
    return result


def _block_last(lines: list[str], n: int, error: ParserError) -> int:
    """The last line of the block under line ``n``. A key indented off the step keeps its
    children at the siblings' depth or deeper; a line one column off takes along only the
    lines deeper than where it was meant."""
    off_step = n == over_indented(lines, error) and error.line < len(lines)
    meant = None if off_step else meant_column(lines, n)
    if meant is not None:
        return n if _INLINE_VALUE.match(lines[n]) else block_end(lines, n, meant, items_too=True)
    return block_end(lines, n, indent_of(lines[error.line]) if off_step else None)


def _scalar_rest(lines: list[str], n: int) -> int:
    """For a tab-indented line right under ``key: |`` (or ``>``): the last line of that text
    (the lines deeper than the key); else ``n``."""
    if "\t" not in lines[n][: indent_of(lines[n])]:
        return n
    above = next((m for m in range(n - 1, -1, -1) if is_live(lines, m)), None)
    if above is None or not re.search(r":[ \t]+[|>][-+0-9]*[ \t]*$", lines[above]):
        return n
    floor = key_column(lines[above])
    last = n
    for m in range(n + 1, len(lines)):
        if lines[m].strip() and indent_of(lines[m]) <= floor:
            break
        if lines[m].strip():
            last = m
    return last


def _item_end(lines: list[str], n: int) -> int:
    """The last line of list item ``n``: the lines after it deeper than its dash, up to the
    next item. When a tab hides the dash: deeper than the key above it that opens the list
    (the item is the list's first), else than the dash of the item above it."""
    text = lines[n]
    floor: int | None = indent_of(text)
    if "\t" in text[: indent_of(text)]:
        above = [m for m in range(n - 1, max(-1, n - 50), -1) if is_live(lines, m)]
        floor = None
        if above and lines[above[0]].split(" #")[0].rstrip().endswith(":"):
            floor = key_column(lines[above[0]])
        else:
            floor = next((indent_of(lines[m]) for m in above if is_item(lines[m])), None)
    if floor is None:
        return n
    last = n
    body: int | None = None  # the column of the item's own lines (its first one's)
    for m in range(n + 1, len(lines)):
        if not is_live(lines, m):
            continue
        depth = indent_of(lines[m])
        item = is_item(lines[m])
        if body is None:
            body = -1 if item else depth  # a list item right after it: it has no lines
        if depth <= floor or (item and depth <= body) or "\t" in lines[m][:1]:
            break
        last = m
    return last


def _try(compose: Compose, text: str) -> list[Node] | ParserError:
    try:
        return compose(text)
    except yaml.MarkedYAMLError as exc:
        return ParserError.of(exc)
    except (yaml.YAMLError, RecursionError):
        return ParserError("invalid YAML", 1 << 30, 0, None, 0, "")

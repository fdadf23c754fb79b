"""Which line causes a YAML syntax error: the parser reports where it gave up, often lines
after the cause (a quote or bracket left open, a half-typed key that runs on, a key indented
one space off, a tab). ``candidates`` orders the suspects, most likely first.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

import yaml

from eksa_mirror.core.lines import (
    bare_item,
    bare_text,
    indent_step,
    is_item,
    key_column,
    open_flow,
    open_quote,
    run_above,
)
from eksa_mirror.core.lines import indent as indent_of
from eksa_mirror.core.lines import live as is_live

#: Contexts whose mark is the start of the faulty token (a quote, a bracket, a key).
_TOKEN_CONTEXTS = ("while scanning", "while parsing a flow")


@dataclass(frozen=True)
class ParserError:
    """A parse error: its message, where the parser gave up and its context mark (0-based)."""

    message: str
    line: int
    column: int
    context_line: int | None
    context_column: int
    context: str

    @property
    def at(self) -> tuple[int, int]:
        return (self.line, self.column)

    @classmethod
    def of(cls, exc: yaml.MarkedYAMLError) -> ParserError:
        mark = exc.problem_mark or exc.context_mark
        context = exc.context or ""
        context_line = exc.context_mark.line if exc.context_mark is not None else None
        context_column = exc.context_mark.column if exc.context_mark is not None else 0
        message = " ".join(" ".join(p for p in (exc.context, exc.problem) if p).split())
        if exc.context_mark is not None and "end of stream" in (exc.problem or ""):
            # An unclosed quote or bracket: the end of the text says nothing, its start does.
            mark = exc.context_mark
        line, column = (mark.line, mark.column) if mark is not None else (0, 0)
        return cls(message or "invalid YAML", line, column, context_line, context_column, context)


def tab_column(line: str) -> int | None:
    """The column of the first tab in the indentation of ``line``, if any."""
    lead = line[: len(line) - len(line.lstrip(" \t"))]
    return lead.index("\t") if "\t" in lead else None


def candidates(
    lines: list[str], error: ParserError, placeholders: dict[int, tuple[int, int]]
) -> list[int]:
    """Lines that may cause ``error``, most likely first: the cause, not the symptom (a
    documentation placeholder ``...`` above the error, a tab in the indentation, the start
    of an unclosed quote or bracket, a half-typed key whose text runs into the next line, a
    key indented off its siblings), then the error's own line."""
    last = min(error.line, len(lines) - 1)
    above = run_above(lines, error.line)
    ordered = [n for n in placeholders if n <= error.line and is_live(lines, n)]
    ordered.sort(key=lambda n: error.line - n)
    if 0 <= error.line < len(lines) and tab_column(lines[error.line]) is not None:
        ordered.append(error.line)  # a tab: the parser stops on it or on the line above
    # A quote or bracket left open runs on, lines later: the error is far below it (and
    # often in the token it began, so this comes before the error's context).
    ordered.extend(n for n in range(last, -1, -1) if open_quote(lines[n]) or open_flow(lines[n]))
    if (
        error.context_line is not None
        and error.context.startswith(_TOKEN_CONTEXTS)
        and "tab character" not in error.message
    ):
        ordered.append(error.context_line)
    # A line without a colon (a half-typed key) runs into the next one as a multi-line text:
    # the earliest such line before the error is the cause (tried before the error's line).
    ordered.extend(n for n in above if bare_text(lines[n]) or bare_item(lines, n))
    for cause in (over_indented(lines, error), first_key_indented(lines, error)):
        if cause is not None:
            ordered.append(cause)
    ordered.extend(one_off(lines, error.line))
    ordered.append(error.line)
    seen: set[int] = set()
    result = []
    for n in ordered:
        if n not in seen and 0 <= n < len(lines) and is_live(lines, n):
            seen.add(n)
            result.append(n)
    return result


def first_key_indented(lines: list[str], error: ParserError) -> int | None:
    """``·apiVersion:`` then ``kind:``: the document's first line indented while the lines
    after it start at column 0; YAML fails at the first of them."""
    if "document start" not in error.message or not 0 <= error.line < len(lines):
        return None
    first = next((n for n in range(len(lines)) if is_live(lines, n)), None)
    if first is None or first >= error.line or indent_of(lines[first]) == 0:
        return None
    return first if indent_of(lines[error.line]) == 0 else None


def key_off(lines: list[str], line: int) -> int | None:
    """The line above ``line`` whose key sits one column off ``line``'s: the first key of the
    mapping ``line`` was meant to continue (a list item's ``- key:`` one off, its other keys
    lines below). Lines deeper than both are skipped; a key on ``line``'s column ends it."""
    if not 0 <= line < len(lines) or tab_column(lines[line]) is not None:
        return None
    depth = indent_of(lines[line])
    for n in range(line - 1, max(-1, line - 200), -1):
        if not is_live(lines, n) or tab_column(lines[n]) is not None:
            continue
        column = key_column(lines[n])
        if column > depth + 1:
            continue
        if abs(column - depth) == 1 and column != indent_of(lines[n]):
            return n  # a list item whose key is one off
        return None
    return None


def one_off(lines: list[str], line: int) -> list[int]:
    """The lines at or just above ``line`` indented one column off: off a sibling of the same
    kind (a list item among list items, a key among keys) next to them, or off the file's
    indentation step; and the list item whose key is one off ``line`` (``key_off``)."""
    near = [n for n in range(min(line, len(lines) - 1), -1, -1) if is_live(lines, n)][:3]
    off = [n for n in near if meant_column(lines, n) is not None]
    opener = key_off(lines, line)
    if opener is not None and opener not in off:
        off.append(opener)
    # Of two lines one column apart, the one off the file's indentation step is at fault.
    step = indent_step(lines, min(line, len(lines) - 1))
    return sorted(off, key=lambda n: indent_of(lines[n]) % step == 0)


def meant_column(lines: list[str], n: int) -> int | None:
    """The column line ``n`` was meant at, when it is one column off (``one_off``)."""
    sibling = one_off_sibling(lines, n)
    if sibling is not None:
        return sibling
    text = lines[n]
    depth = indent_of(text)
    step = indent_step(lines, n)
    if step < 2 or depth % step == 0 or tab_column(text) is not None:
        return None
    following = next((m for m in range(n + 1, len(lines)) if is_live(lines, m)), None)
    if not is_item(text) or following is None or indent_of(lines[following]) <= depth:
        return None  # off the step, but where it was meant only a sibling would tell
    meant = indent_of(lines[following]) - (key_column(text) - depth)
    return meant if abs(meant - depth) == 1 else None


def one_off_sibling(lines: list[str], n: int) -> int | None:
    """The column of the nearest line of the same kind one column off line ``n`` (above or
    below, with no shallower line between), if any. A line whose own lines follow it deeper
    was meant shallower than they are."""
    text = lines[n]
    if tab_column(text) is not None:
        return None
    depth = indent_of(text)
    following = next((m for m in range(n + 1, len(lines)) if is_live(lines, m)), None)
    below = indent_of(lines[following]) if following is not None else None
    opens = not is_item(text) and text.split(" #")[0].rstrip().endswith(":")
    listed = opens and below is not None and abs(below - depth) == 1
    ceiling = below if opens and below is not None and below > depth else None
    item = is_item(text)
    found: list[tuple[int, int]] = []
    for step in (-1, 1):
        m = n + step
        while 0 <= m < len(lines):
            if is_live(lines, m) and tab_column(lines[m]) is None:
                # A key is compared with keys (a list item's too), a dash with dashes.
                other = indent_of(lines[m]) if item else key_column(lines[m])
                if other == depth and (not item or is_item(lines[m])):
                    return None  # a sibling on its column: this line is not the odd one
                if other < depth - 1 or other == depth:
                    break  # a parent: not this way
                same_kind = is_item(lines[m]) if item else True
                fits = ceiling is None or other < ceiling
                if abs(other - depth) == 1 and same_kind and fits:
                    found.append((abs(m - n), other))
                    break
            m += step
    if listed and below is not None and is_item(lines[following or 0]):
        return below  # ``key:`` then its list at the key's column, no sibling on its own
    return min(found)[1] if found else None


def over_indented(lines: list[str], error: ParserError) -> int | None:
    """For "did not find expected key": the key above the error that is indented off the
    file's step while the error's line is on it: a mapping's first key shallower than its
    siblings, or a key that opened a mapping deeper than its siblings after it."""
    return _over_indented(tuple(lines), error)


@functools.lru_cache(maxsize=16)
def _over_indented(text: tuple[str, ...], error: ParserError) -> int | None:
    """``over_indented`` (asked for each suspect line of a round: measured once)."""
    lines = list(text)
    if error.line >= len(lines):
        return None
    depth = indent_of(lines[error.line])
    step = indent_step(lines, error.line)
    if "mapping values are not allowed" in error.message:
        return _value_run_on(lines, error, depth, step)
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


def _value_run_on(lines: list[str], error: ParserError, depth: int, step: int) -> int | None:
    """``··a: 1`` then ``···b:``: a key one off the step above a key on it; YAML reads the
    second line as more text of the first value and fails at its colon. The cause is the key
    off the step. (A second colon on the error's own line is that line's fault.)"""
    text = lines[error.line]
    if ":" in text[key_column(text) : error.column]:
        return None
    live = [n for n in range(error.line - 1, -1, -1) if is_live(lines, n)]
    if not live or ":" not in lines[live[0]] or key_column(lines[live[0]]) >= depth:
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

"""The shape of YAML lines as text, for the recovery of a syntax error: indentation,
the extent of a block, list items, unclosed quotes, blanking a line in place.
"""

from __future__ import annotations

import re

#: How many lines above the error a half-typed line is looked for, at most.
LOOK_BACK_MAX = 50

#: The part of a line before its value: indentation, list dashes, a key and its colon.
_BEFORE_VALUE = re.compile(
    r"""^[ \t]*(?:-[ \t]+)*(?:(?:"[^"\\]*"|'[^']*'|[^\s:#'"\[\]{},][^:#]*?)[ \t]*:[ \t]+)?"""
)
#: The end of a line whose value is the lines under it: ``key:`` or ``key: |`` (or ``>``).
_OPENS_BLOCK = re.compile(r":(?:[ \t]+[|>][-+0-9]*)?[ \t]*$")
_QUOTED_VALUE = re.compile(r"^(\s*(?:-\s+)?(?:[^\s\"'#][^:#]*:\s+)?)([\"'])")
_CLOSE_DOUBLE = re.compile(r'(?:[^"\\]|\\.)*"')
_CLOSE_SINGLE = re.compile(r"(?:[^']|'')*'(?!')")


def parent_block_end(lines: list[str], n: int) -> int:
    """The last line after ``n`` that is deeper than the live line above ``n``."""
    above = next((m for m in range(n - 1, -1, -1) if live(lines, m)), None)
    if above is None:
        return n
    depth = indent(lines[above])
    last = n
    for m in range(n + 1, len(lines)):
        if not lines[m].strip():
            continue
        if indent(lines[m]) <= depth:
            break
        last = m
    return last


def blanked(lines: list[str], first: int, last: int, column: int) -> list[str]:
    """``lines`` with lines ``first``..``last`` blanked, the first from ``column`` on. A blanked
    line keeps no trailing spaces: inside a ``|`` value, spaces deeper than its text would be
    an error of their own."""
    masked = list(lines)
    masked[first] = _trimmed(lines[first][:column] + blank(lines[first][column:]))
    for n in range(first + 1, last + 1):
        masked[n] = _trimmed(blank(lines[n]))
    return masked


def _trimmed(line: str) -> str:
    return line.rstrip(" ") if not line.endswith("\r") else line[:-1].rstrip(" ") + "\r"


def key_column(line: str) -> int:
    """Where the key of a line starts: after its indentation and any ``- `` of list items."""
    column = indent(line)
    while line[column : column + 2] == "- ":
        column += 2
        column += len(line) - column - len(line[column:].lstrip(" "))
    return column


def indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def block_end(
    lines: list[str], n: int, depth: int | None = None, *, items_too: bool = False
) -> int:
    """The last line of the block under line ``n`` (``n`` if none).

    The block is the lines at least as deep as the first line after it, when that one is
    deeper than ``n`` (so an under-indented key takes its children along, not its siblings),
    plus a list at the key's own depth.
    ``depth`` instead: the lines deeper than it (and ``items_too``: a list at ``depth``).
    """
    following = [m for m in range(n + 1, len(lines)) if live(lines, m)]
    if not following:
        return n
    if depth is not None:
        return deeper_than(lines, n, following, depth, items_too=items_too)
    own = indent(lines[n])
    child = indent(lines[following[0]])
    if "\t" in lines[following[0]][:child]:
        return n  # a tab hides whether the next line is a child
    if is_item(lines[following[0]]) and child < own and lines[n].rstrip().endswith(":"):
        # A key indented too deep, with its list at the depth where the key belongs.
        return deeper_than(lines, n, following, child, items_too=True)
    if "\t" in lines[n][:own] or child <= own:
        # A tab hides the depth; a shallower or equal next line is no child (but a list).
        if "\t" in lines[n][:own]:
            if not _OPENS_BLOCK.search(lines[n].split(" #")[0]) or child == 0:
                return n
            return deeper_than(lines, n, following, child - 1, items_too=False)
        return deeper_than(lines, n, following, own, items_too=not is_item(lines[n]))
    return deeper_than(lines, n, following, child - 1, items_too=False)


def is_item(line: str) -> bool:
    """Whether ``line`` starts a list item (``- x`` or a lone ``-``; not ``-----BEGIN``)."""
    body = line.strip()
    return body == "-" or body[:2] in ("- ", "-\t")


def deeper_than(
    lines: list[str], n: int, following: list[int], depth: int, *, items_too: bool
) -> int:
    last = n
    for m in following:
        deeper = indent(lines[m]) > depth
        item = items_too and indent(lines[m]) == depth and lines[m].lstrip()[:2] in ("- ", "-")
        if not (deeper or item) or lines[m].startswith("---"):
            break
        last = m
    return last


def indent_step(lines: list[str], around: int) -> int:
    """The most common indentation step of the text (2 when it cannot tell), leaving out the
    two lines around the error, which are the suspects."""
    steps: dict[int, int] = {}
    previous = 0
    suspects = {around, max((n for n in range(around) if live(lines, n)), default=-1)}
    for number, line in enumerate(lines):
        if number in suspects:
            continue
        if not line.strip() or line.lstrip().startswith("#") or "\t" in line[: indent(line)]:
            continue
        here = indent(line)
        if here > previous:
            steps[here - previous] = steps.get(here - previous, 0) + 1
        previous = here
    return max(steps, key=lambda s: steps[s]) if steps else 2


def run_above(lines: list[str], line: int) -> list[int]:
    """The lines above ``line`` back to the first one indented no deeper than it (where a
    multi-line text that the parser ran into ``line`` can have started), earliest first."""
    if not 0 <= line < len(lines):
        return []
    depth = indent(lines[line])
    run = []
    for n in range(line - 1, max(-1, line - LOOK_BACK_MAX - 1), -1):
        if not live(lines, n):
            continue
        run.append(n)
        if indent(lines[n]) <= depth:
            break
    return run[::-1]


def value_column(line: str) -> int | None:
    """Where the value of a ``key: value`` line or a ``- value`` item starts (``None`` when the
    line has neither)."""
    match = _BEFORE_VALUE.match(line)
    end = match.end() if match else 0
    if not line[:end].strip() or end >= len(line.rstrip()) or line[end] == "#":
        return None
    return end


def open_flow(line: str) -> int | None:
    """The column of a ``[`` or ``{`` value that the line does not close, if any."""
    start = value_column(line)
    if start is None or line[start] not in "[{":
        return None
    depth = 0
    quote = ""
    for char in line[start:]:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#" and depth == 0:
            break
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
    return start if depth > 0 else None


def open_quote(line: str) -> int | None:
    """The column of a quoted value that the line does not close, if any."""
    match = _QUOTED_VALUE.match(line)
    if match is None:
        return None
    quote, rest = match.group(2), line[match.end() :]
    closed = _CLOSE_DOUBLE.match(rest) if quote == '"' else _CLOSE_SINGLE.match(rest)
    return None if closed else match.start(2)


def bare_text(line: str) -> bool:
    """A line of plain text that is neither a key nor a list item nor a flow collection."""
    stripped = line.strip()
    return ":" not in stripped and not stripped.startswith(("-", "#", "[", "{", '"', "'"))


def bare_item(lines: list[str], n: int) -> bool:
    """A list item of plain text (``- regi``) followed by a line deeper than its dash: a key
    being typed, whose item's other keys (or its own) YAML reads as more of its text."""
    line = lines[n]
    if not is_item(line) or not bare_text(line[key_column(line) :]):
        return False
    following = next((m for m in range(n + 1, len(lines)) if live(lines, m)), None)
    return following is not None and indent(lines[following]) > indent(line)


def live(lines: list[str], n: int) -> bool:
    stripped = lines[n].strip()
    return bool(stripped) and not stripped.startswith("#")


def blank(line: str) -> str:
    """The line with every character but a CR turned into a space (same length)."""
    return re.sub(r"[^\r]", " ", line)

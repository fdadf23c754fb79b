"""Where the cursor is, read from the text's indentation: works while the YAML is half typed.

Completion and hover must answer on lines that do not parse yet (``  endp`` on a new
line, a list item with only ``- ``), so the path is rebuilt from the lines above the
cursor, the way a person reads YAML, instead of from the parse tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_KEY_LINE = re.compile(
    r"^(?P<indent> *)(?P<dash>- +)?(?P<key>[^\s:#][^:#]*?)\s*:(?:\s+|$)(?P<value>.*)$"
)
_ONLY_DASH = re.compile(r"^(?P<indent> *)- *$")
_DOC_MARK = re.compile(r"^(---|\.\.\.)(\s|$)")
_CLUSTER_KIND = re.compile(r"^kind:\s*['\"]?Cluster['\"]?\s*(#.*)?$", re.MULTILINE)
_EKSA_API = re.compile(r"^apiVersion:\s*['\"]?anywhere\.eks\.amazonaws\.com/", re.MULTILINE)

#: A path step for "inside a list item".
ITEM = "[]"


@dataclass
class Cursor:
    """What is at a position: the key path, and whether a key or a value is being typed."""

    path: list[str]
    #: "key": typing a key (``prefix`` is what is typed so far); "value": after ``key:``.
    mode: str
    prefix: str
    #: Column where the word being typed starts (code points).
    word_start: int
    key: str = ""
    #: Column of the key being typed (or of the value's key).
    key_column: int = 0
    #: The key sits right after a ``- `` on the cursor's line (a list item starts here).
    after_dash: bool = False
    #: Column of that ``-``.
    dash_column: int = 0
    #: Keys already present beside the cursor's key, in the same mapping.
    siblings: set[str] = field(default_factory=set)


def document_bounds(lines: list[str], line: int) -> tuple[int, int]:
    """First and last line of the YAML document that contains ``line``."""
    start = line
    while start > 0 and not _DOC_MARK.match(lines[start]):
        start -= 1
    end = line + 1
    while end < len(lines) and not _DOC_MARK.match(lines[end]):
        end += 1
    return start, end - 1


def is_eksa_cluster(lines: list[str], line: int) -> bool:
    """Whether the document around ``line`` is an EKS-A Cluster (by text, parse or not)."""
    start, end = document_bounds(lines, line)
    text = "\n".join(lines[start : end + 1])
    return bool(_CLUSTER_KIND.search(text) and _EKSA_API.search(text))


def _key(match: re.Match[str]) -> str:
    """The key of a ``key: value`` line, without the quotes of ``"key":``."""
    key = match.group("key").strip()
    if len(key) >= 2 and key[0] == key[-1] and key[0] in "'\"":
        return key[1:-1]
    return key


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _content(text: str) -> bool:
    stripped = text.strip()
    return bool(stripped) and not stripped.startswith("#")


def locate(lines: list[str], line: int, column: int) -> Cursor | None:
    """The cursor context at (line, column), code-point column; None on a comment or scalar body."""
    if line >= len(lines):
        return None
    text = lines[line].rstrip("\r")
    column = min(column, len(text))
    before = text[:column]
    if "#" in before and before.lstrip().startswith("#"):
        return None
    cursor = _on_line(before, text)
    if cursor is None:
        return None
    cursor.path = _parents(lines, line, cursor)
    cursor.siblings = _siblings(lines, line, cursor)
    return cursor


def _on_line(before: str, text: str) -> Cursor | None:
    dash = _ONLY_DASH.match(before)
    if dash is not None:
        column = len(before)
        return Cursor(
            path=[],
            mode="key",
            prefix="",
            word_start=column,
            key_column=column,
            after_dash=True,
            dash_column=len(dash.group("indent")),
        )
    typed = re.match(r"^(?P<indent> *)(?P<dash>- +)?(?P<word>[A-Za-z0-9_.-]*)$", before)
    if typed is not None:
        key_column = len(typed.group("indent")) + len(typed.group("dash") or "")
        return Cursor(
            path=[],
            mode="key",
            prefix=typed.group("word"),
            word_start=key_column,
            key_column=key_column,
            after_dash=bool(typed.group("dash")),
            dash_column=len(typed.group("indent")),
        )
    match = _KEY_LINE.match(before)
    if match is not None and ":" in before:
        key_column = len(match.group("indent")) + len(match.group("dash") or "")
        value = match.group("value")
        word_start = len(before) - len(value)
        if value.startswith(("|", ">")):
            return None
        return Cursor(
            path=[],
            mode="value",
            prefix=value,
            word_start=word_start,
            key=_key(match),
            key_column=key_column,
            after_dash=bool(match.group("dash")),
            dash_column=len(match.group("indent")),
        )
    return None


def _parents(lines: list[str], line: int, cursor: Cursor) -> list[str]:
    """Keys of the enclosing mappings, outermost first; ``ITEM`` marks a list item."""
    path: list[str] = [ITEM] if cursor.after_dash else []
    column = cursor.dash_column if cursor.after_dash else cursor.key_column
    in_item = False
    index = line - 1
    while index >= 0 and column > 0:
        raw = lines[index].rstrip("\r")
        if _DOC_MARK.match(raw):
            break
        index -= 1
        if not _content(raw):
            continue
        indent = _indent(raw)
        stripped = raw.strip()
        is_dash = stripped.startswith("- ") or stripped == "-"
        if is_dash:
            inner = indent + (len(stripped) - len(stripped[1:].lstrip()))
            if inner == column and not in_item:
                in_item = True  # a sibling key of ours sits on this item's dash line
            if indent < column or (inner == column and in_item):
                if not in_item:
                    continue
                path.append(ITEM)
                in_item = False
                column = indent
                # The list's key may sit at the dash's own column.
                continue
            continue
        if indent < column or (indent == column and path and path[-1] == ITEM):
            match = _KEY_LINE.match(raw)
            if match is None:
                break
            if match.group("value").strip() and not match.group("value").strip().startswith("#"):
                break  # a scalar, not a parent
            path.append(_key(match))
            column = indent
    path.reverse()
    return path


def _siblings(lines: list[str], line: int, cursor: Cursor) -> set[str]:
    """Keys at the cursor's key column in the same mapping (above and below the cursor)."""
    found: set[str] = set()
    column = cursor.key_column
    for step in (-1, 1):
        if step == -1 and cursor.after_dash:
            continue  # a new list item starts on the cursor's line
        index = line + step
        while 0 <= index < len(lines):
            raw = lines[index].rstrip("\r")
            if _DOC_MARK.match(raw):
                break
            index += step
            if not _content(raw):
                continue
            indent = _indent(raw)
            stripped = raw.strip()
            dash = stripped.startswith("- ") or stripped == "-"
            key_col = indent + (len(stripped) - len(stripped[1:].lstrip())) if dash else indent
            if key_col < column or (dash and step == 1 and indent < column):
                break
            if key_col == column:
                match = _KEY_LINE.match(raw)
                if match is not None:
                    found.add(_key(match))
                if dash:
                    break  # the first key of our list item: the item starts here
    return found

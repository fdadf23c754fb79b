"""What a recovered document still knows: a key is present, absent, or unknown.

A line the syntax recovery blanked is not a line that was never written: a key that may sit
under it (its depth and name fit) is unknown, and so is a value it may have held. ``Scope`` is
a node with the lines that are its own; every inference from absence (a missing ``osFamily``
that defaults, a missing ``endpoint``) asks it. A document that parsed gets the plain answers.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from eksa_mirror.core.masks import MaskedLine
from eksa_mirror.core.source import ParsedDocument, get_item, go_fold, scalar_text


class Known(enum.Enum):
    PRESENT = "present"
    ABSENT = "absent"
    UNKNOWN = "unknown"


@dataclass(slots=True)
class Lookup:
    """A key of a mapping: present (with its nodes), absent, or unknown."""

    state: Known
    key: ScalarNode | None = None
    value: Node | None = None

    @property
    def pair(self) -> tuple[ScalarNode, Node] | None:
        if self.key is None or self.value is None or self.state is not Known.PRESENT:
            return None
        return self.key, self.value


#: The answer for a key that is not there (shared: a ``Lookup`` is never changed).
_ABSENT = Lookup(Known.ABSENT)


@dataclass(slots=True)
class Scope:
    """``node`` of ``parsed`` with its own lines: from its owner's line (a key, a list item's
    dash; ``-1`` for the root) to the last line before one as shallow as the owner."""

    parsed: ParsedDocument
    node: Node | None
    first: int = -1
    column: int = -1
    #: What is known of the node itself: absent (nothing under it), unknown (its owner may
    #: have held more than was recovered), present.
    state: Known = Known.PRESENT
    #: The owner is a list item's dash (a sibling item at its column ends the node).
    item: bool = False
    #: Answers already given (a recovered document is asked the same things many times).
    _answers: dict[tuple[str, str, bool], Any] | None = field(
        default=None, compare=False, repr=False
    )

    @property
    def _memo(self) -> dict[tuple[str, str, bool], Any]:
        if self._answers is None:
            self._answers = {}
        return self._answers

    def get(self, key: str, *, fold_case: bool = False) -> Lookup:
        """``key`` of this mapping: present, absent, or unknown (it may be on a masked line)."""
        if not self.parsed.masks:  # a document that parsed: the plain answer
            if self.state is not Known.PRESENT:
                return Lookup(self.state)
            pair = get_item(self.node, key, fold_case=fold_case)
            return _ABSENT if pair is None else Lookup(Known.PRESENT, pair[0], pair[1])
        memo = ("get", key, fold_case)
        if memo not in self._memo:
            self._memo[memo] = self._get(key, fold_case)
        found: Lookup = self._memo[memo]
        return found

    def _get(self, key: str, fold_case: bool) -> Lookup:
        if self.state is Known.ABSENT:
            return Lookup(Known.ABSENT)
        node = self.node
        pair = get_item(node, key, fold_case=fold_case) if isinstance(node, MappingNode) else None
        if pair is not None:
            if self.parsed.masks and _value_scope(self, pair).scalar_unknown():
                return Lookup(Known.UNKNOWN, pair[0], pair[1])
            return Lookup(Known.PRESENT, pair[0], pair[1])
        if self.state is Known.UNKNOWN or (
            self.parsed.masks
            and (self.value_masked() or any(self._may_hold(m, key) for m in self.masks))
        ):
            return Lookup(Known.UNKNOWN)
        return Lookup(Known.ABSENT)

    def child(self, key: str, *, fold_case: bool = False) -> Scope:
        """The scope of ``key``'s value (absent or unknown like the key)."""
        if not self.parsed.masks:
            found = self.get(key, fold_case=fold_case)
            return Scope(self.parsed, found.value, state=found.state)
        memo = ("child", key, fold_case)
        if memo in self._memo:
            known: Scope = self._memo[memo]
            return known
        found = self.get(key, fold_case=fold_case)
        if found.key is not None and found.value is not None:
            scope = _value_scope(self, (found.key, found.value))
            if found.state is Known.UNKNOWN:
                scope.state = Known.UNKNOWN  # its value may be under a masked line
        else:
            scope = Scope(self.parsed, None, self.first, self.column, found.state)
        self._memo[memo] = scope
        return scope

    def text(self, key: str, *, fold_case: bool = False) -> str | None:
        """The text of a scalar ``key`` ("" when absent or not a text), ``None`` if unknown."""
        if not self.parsed.masks and self.state is Known.PRESENT:
            pair = get_item(self.node, key, fold_case=fold_case)
            return "" if pair is None else scalar_text(pair[1])
        found = self.get(key, fold_case=fold_case)
        if found.state is Known.UNKNOWN:
            return None
        return scalar_text(found.value)

    def path(self, *keys: str) -> Scope:
        """The scope of the value at ``keys`` under this one."""
        if not self.parsed.masks and self.state is Known.PRESENT:
            node = self.node
            for key in keys:
                pair = get_item(node, key)
                if pair is None:
                    return Scope(self.parsed, None, state=Known.ABSENT)
                node = pair[1]
            return Scope(self.parsed, node)
        scope = self
        for key in keys:
            scope = scope.child(key)
        return scope

    def entries(self) -> Entries:
        """The items of this sequence, and from which line on they are not all known: where a
        line that may have been a list item (a dash, no readable key) was masked among them."""
        if not self.parsed.masks:
            return self._entries()
        memo = ("entries", "", False)
        if memo not in self._memo:
            self._memo[memo] = self._entries()
        listed: Entries = self._memo[memo]
        return listed

    def _entries(self) -> Entries:
        node = self.node
        values = node.value if isinstance(node, SequenceNode) else []
        dash = node.start_mark.column if isinstance(node, SequenceNode) else -1
        scopes = [
            Scope(self.parsed, v, v.start_mark.line, dash, self.state, item=True) for v in values
        ]
        if self.state is Known.ABSENT or not self.parsed.masks:
            return Entries(scopes)
        # An item's lines start at its dash, which may be on a line of its own above it.
        scopes = [replace(s, first=self._dash_line(s.first, dash)) for s in scopes]
        if self.state is Known.UNKNOWN or self.value_masked():
            return Entries(scopes, self.first)
        flow = not isinstance(node, SequenceNode) or bool(node.flow_style)
        for m in self.masks:
            if m.line == self.first:
                continue
            near = m.indent is None or abs(m.indent - dash) <= 1
            # A list item's line blanked after its dash keeps the item in the list.
            lost = m.item and (m.indent is None or m.column <= m.indent)
            if flow or (near and (lost or (not m.item and (m.key is None or m.typed)))):
                return Entries(scopes, m.line)
        return Entries(scopes)

    def _dash_line(self, line: int, dash: int) -> int:
        lines = self.parsed.masked_lines
        for number in range(line, max(self.first, -1), -1):
            if lines[number][dash : dash + 1] == "-":
                return number
        return line

    # --- the lines of the node -------------------------------------------------------------

    @property
    def masks(self) -> list[MaskedLine]:
        """The masked lines inside this node's lines."""
        if not self.parsed.masks:
            return []
        memo = ("masks", "", False)
        if memo not in self._memo:
            last = self._last_line()
            self._memo[memo] = [m for m in self.parsed.masks if self.first <= m.line <= last]
        found: list[MaskedLine] = self._memo[memo]
        return found

    def _last_line(self) -> int:
        lines = self.parsed.masked_lines
        end = len(lines) - 1
        for number in range(self.first + 1, len(lines)):
            text = lines[number]
            body = text.lstrip(" ")
            if not body.strip() or body.startswith("#"):
                continue
            depth = len(text) - len(body)
            sibling = body[:1] == "-" and body[1:2] in ("", " ", "\r")
            if depth < self.column or (depth == self.column and (self.item or not sibling)):
                end = number - 1
                break
        node = self.node
        if node is not None and node.end_mark is not None:
            end = max(end, node.end_mark.line - (1 if node.end_mark.column == 0 else 0))
        return end

    def value_masked(self) -> bool:
        """Whether the owner's own line was blanked after the owner (its value cut off). A
        list item's mapping that starts on its line is cut off only if its first key is."""
        node = self.node
        start = None
        if self.item and isinstance(node, (MappingNode, SequenceNode)):
            start = node.start_mark.column if node.start_mark.line == self.first else None
        return any(
            m.line == self.first and m.column > self.column and (start is None or m.column <= start)
            for m in self.masks
        )

    def _may_hold(self, masked: MaskedLine, key: str) -> bool:
        """Whether ``masked`` may have held ``key`` of this mapping: its name fits and its
        depth is the keys' depth, one off, or hidden by a tab."""
        if masked.line == self.first or masked.item:
            return False
        if masked.key is not None:
            wanted, held = go_fold(key), go_fold(masked.key)
            if not (wanted.startswith(held) if masked.typed else wanted == held):
                return False
        node = self.node
        if masked.indent is None or not isinstance(node, MappingNode) or node.flow_style:
            return True
        if not node.value:
            return True
        column: int = node.value[0][0].start_mark.column
        return abs(masked.indent - column) <= 1

    def scalar_unknown(self) -> bool:
        """Whether this scalar value may have lost text to a masked line: its owner's line
        was cut after the key, or a deeper line under it was masked that can be its text."""
        node = self.node
        if not isinstance(node, ScalarNode) or not self.masks:
            return False
        if self.value_masked():
            return True
        # A text over several lines may have run on over a masked line into lines that were
        # meant as something else (a block under a masked key). An empty value over masked
        # keys is a mapping of them: its other keys are absent (``_may_hold``).
        styled = node.style in ("|", ">") or node.end_mark.line > node.start_mark.line
        inside = range(node.start_mark.line + 1, node.end_mark.line + 1)
        return any(
            (styled or m.key is None or m.typed)
            for m in self.masks
            if m.line != self.first and (m.indent is None or m.indent > self.column)
        ) or any(m.line in inside for m in self.masks)


@dataclass(frozen=True)
class Entries:
    """The items of a sequence; ``gap``: the first line where an item may have been masked
    (items before it keep their index, the list may be longer)."""

    items: list[Scope]
    gap: int | None = None

    @property
    def complete(self) -> bool:
        return self.gap is None

    def index_known(self, index: int) -> bool:
        """Whether item ``index`` is the ``index``-th of the list as written."""
        return self.gap is None or self.items[index].first < self.gap


def _value_scope(scope: Scope, pair: tuple[ScalarNode, Node]) -> Scope:
    key, value = pair
    return Scope(scope.parsed, value, key.start_mark.line, key.start_mark.column, scope.state)


def root(parsed: ParsedDocument) -> Scope:
    """The scope of a document's root mapping (unknown when nothing could be recovered)."""
    if parsed.problem is not None and not parsed.roots:
        return Scope(parsed, None, state=Known.UNKNOWN)
    return Scope(parsed, parsed.root)

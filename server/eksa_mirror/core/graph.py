"""The shape of a YAML node graph: alias bombs, recursive aliases, deep nesting.

PyYAML gives an alias the very node object of its anchor, so a document is a graph that
may share nodes and contain cycles; ``NodeGraph`` measures it without expanding it. The
limits are in ``docs/security.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

#: How many nodes a document may expand to through aliases before it counts as an alias
#: bomb. A real Cluster document has a few hundred nodes; a bomb has billions.
NODE_BUDGET = 100_000
#: How many levels a mirror section may nest. A valid one nests 3 levels; the checks walk
#: nodes recursively, and Python's recursion limit (1,000 frames) must never be reached.
MAX_DEPTH = 100


#: A step of a path: a mapping key, a sequence index, or ``None`` for a key node itself.
Step = tuple[str | int | None, Node, ScalarNode | None]


@dataclass(frozen=True)
class GraphProblem:
    """A node that makes a document unsafe to walk, with how to reach it from the start."""

    kind: str  # "cycle", "expansion" or "depth"
    node: Node
    #: The mapping key whose value ``node`` is, if any.
    key: ScalarNode | None
    path: tuple[str | int, ...]


def _children(node: Node) -> list[Step]:
    if isinstance(node, MappingNode):
        steps: list[Step] = []
        for key, value in node.value:
            label = key.value if isinstance(key, ScalarNode) else "?"
            steps.append((None, key, None))
            steps.append((label, value, key if isinstance(key, ScalarNode) else None))
        return steps
    if isinstance(node, SequenceNode):
        return [(index, child, None) for index, child in enumerate(node.value)]
    return []


class NodeGraph:
    """Sizes (nodes after alias expansion, capped at ``NODE_BUDGET + 1``) and depths of the
    nodes of one document, memoised: an alias bomb costs its text, not its expansion.

    PyYAML gives an alias the very node object of its anchor, so a document is a graph
    that may share nodes and, through a recursive alias (``&a [*a]``), contain cycles.
    Everything here is iterative.
    """

    def __init__(self) -> None:
        self._size: dict[int, int] = {}
        self._depth: dict[int, int] = {}

    def problem(self, start: Node, *, max_depth: int | None = None) -> GraphProblem | None:
        """The first cycle, expansion past ``NODE_BUDGET`` or (if given) nesting deeper than
        ``max_depth`` levels below ``start``; ``None`` when it is safe to walk."""
        cycle = self._measure(start)
        if cycle is not None:
            return cycle
        if self._size[id(start)] > NODE_BUDGET:
            return self._descend(start, lambda n: self._size[id(n)] > NODE_BUDGET, "expansion")
        if max_depth is not None and self._depth[id(start)] > max_depth:
            return self._deepest(start, max_depth)
        return None

    def _measure(self, start: Node) -> GraphProblem | None:
        if id(start) in self._size:
            return None
        on_path = {id(start)}
        stack: list[tuple[Node, Iterator[Step], str | int | None, ScalarNode | None]] = [
            (start, iter(_children(start)), None, None)
        ]
        while stack:
            node, pending, _, _ = stack[-1]
            for label, child, key in pending:
                if id(child) in self._size:
                    continue
                if id(child) in on_path:
                    index = next(i for i, entry in enumerate(stack) if entry[0] is child)
                    path = tuple(e[2] for e in stack[1 : index + 1] if e[2] is not None)
                    return GraphProblem("cycle", child, stack[index][3], path)
                on_path.add(id(child))
                stack.append((child, iter(_children(child)), label, key))
                break
            else:
                stack.pop()
                on_path.discard(id(node))
                kids = [child for _, child, _ in _children(node)]
                self._size[id(node)] = min(
                    NODE_BUDGET + 1, 1 + sum(self._size[id(c)] for c in kids)
                )
                nested = isinstance(node, (MappingNode, SequenceNode))
                self._depth[id(node)] = int(nested) + max(
                    (self._depth[id(c)] for c in kids), default=0
                )
        return None

    def _descend(self, start: Node, bad: Callable[[Node], bool], kind: str) -> GraphProblem:
        """Follow the first bad child down to the smallest bad node."""
        node, key, path = start, None, list[str | int]()
        while True:
            step = next(((lb, c, k) for lb, c, k in _children(node) if bad(c)), None)
            if step is None:
                return GraphProblem(kind, node, key, tuple(path))
            label, node, key = step
            if label is not None:
                path.append(label)

    def _deepest(self, start: Node, max_depth: int) -> GraphProblem:
        """The node ``max_depth`` levels below ``start`` on its deepest branch."""
        node, key, path = start, None, list[str | int]()
        for _ in range(max_depth):
            deepest = max(self._depth[id(c)] for _, c, _ in _children(node))
            label, node, key = next(s for s in _children(node) if self._depth[id(s[1])] == deepest)
            if label is not None:
                path.append(label)
        return GraphProblem("depth", node, key, tuple(path))

"""Source: split a multi-document YAML text and parse each document with positions.

Documents are parsed one by one with PyYAML's composer (the libyaml C parser when
available) and cached by their own text, so an edit in one document re-parses only
that document. Nodes keep positions relative to their document; ``Document`` adds the
line offset when it turns a node into a ``Span``.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from eksa_mirror.core import recovery
from eksa_mirror.core.positions import Position, Span


def _libyaml_version() -> tuple[int, ...]:
    try:
        from yaml import _yaml

        return tuple(int(part) for part in _yaml.get_version_string().split(".")[:3])
    except (ImportError, AttributeError, ValueError):
        return ()


#: libyaml's C parser when it is 0.2.5 or later: from that version it refuses to nest more
#: than 1,000 levels (before, its C composer recursed without limit and could overflow the
#: C stack). Otherwise the pure-Python parser, whose recursion ends in a RecursionError.
_Loader: type = (
    yaml.CSafeLoader
    if hasattr(yaml, "CSafeLoader") and _libyaml_version() >= (0, 2, 5)
    else yaml.SafeLoader
)

#: A line that starts a new YAML document (``---`` alone or followed by content).
_DOC_START = re.compile(r"^---(?=[ \t\r\n]|$)", re.MULTILINE)
#: Characters PyYAML counts as line breaks but LSP clients do not; they become spaces.
_EXTRA_BREAKS = re.compile("[\x85\u2028\u2029]")
_LONE_CR = re.compile(r"\r(?!\n)")
_SURROGATE = re.compile("[\ud800-\udfff]")

EKSA_GROUP = "anywhere.eks.amazonaws.com/"

#: Cache size in documents. A 5,000-line file of 264 documents fits many times over.
_CACHE_SIZE = 4096
#: Cache size in characters of document text. Parsed nodes take about 20 bytes per
#: character, so this holds the cache near 40 MB: an editing session caches a new text of
#: the edited document at every keystroke, and 4,096 large Cluster documents are 200 MB.
_CACHE_CHARS = 2_000_000

#: How many nodes a document may expand to through aliases before it counts as an alias
#: bomb. A real Cluster document has a few hundred nodes; a bomb has billions.
NODE_BUDGET = 100_000
#: How many levels a mirror section may nest. A valid one nests 3 levels; the checks walk
#: nodes recursively, and Python's recursion limit (1,000 frames) must never be reached.
MAX_DEPTH = 100


@dataclass(frozen=True)
class SyntaxProblem:
    """Why a document could not be parsed, at a position relative to the document."""

    message: str
    line: int
    column: int
    width: int = 1
    #: In a recovered parse, the lines blanked for this problem (first, last), and whether
    #: they held nothing (a documentation ``...``, a lone word being typed).
    masked: tuple[int, int] = (0, -1)
    held_nothing: bool = False


@dataclass
class ParsedDocument:
    """The parse of one document's text. Shared between files that contain the same text."""

    text: str
    roots: list[Node]
    problem: SyntaxProblem | None
    #: Every syntax problem, the first being ``problem``. When there is a problem and
    #: ``roots`` is not empty, the roots are those of a recovered parse (``recovery``).
    problems: tuple[SyntaxProblem, ...] = ()

    @property
    def recovered(self) -> bool:
        return self.problem is not None and bool(self.roots)

    @cached_property
    def root(self) -> MappingNode | None:
        for node in self.roots:
            if isinstance(node, MappingNode):
                return node
        return None

    @cached_property
    def api_version(self) -> str:
        return scalar_text(get_value(self.root, "apiVersion"))

    @cached_property
    def kind(self) -> str:
        return scalar_text(get_value(self.root, "kind"))

    @cached_property
    def name(self) -> str:
        return scalar_text(get_value(get_value(self.root, "metadata"), "name"))

    @cached_property
    def looks_like_eksa(self) -> bool:
        """Whether the text is an EKS-A object, even when it does not parse."""
        if self.api_version:
            return self.api_version.startswith(EKSA_GROUP)
        return EKSA_GROUP in self.text

    @property
    def is_cluster(self) -> bool:
        return self.kind == "Cluster" and self.api_version.startswith(EKSA_GROUP)

    @cached_property
    def graph(self) -> NodeGraph:
        """Expanded sizes and depths of the document's nodes (measured on demand, once)."""
        return NodeGraph()


@dataclass
class Document:
    """One document of a file: its parse plus where it sits in the file."""

    index: int
    line_offset: int
    parsed: ParsedDocument

    @property
    def root(self) -> MappingNode | None:
        return self.parsed.root

    def pos(self, mark: yaml.Mark) -> Position:
        return Position(mark.line + self.line_offset, mark.column)

    def span(self, node: Node) -> Span:
        """The exact span of a node: it ends where its own text ends.

        PyYAML ends a block collection where the next token starts (column 0 of a later
        line, or the ``-`` of the next sequence item after any comment lines) and a block
        scalar after its trailing blank lines; both are pulled back to the last character
        of their content.
        """
        start = self.pos(node.start_mark)
        line, column = _content_end(node, self.parsed.text)
        end = Position(line + self.line_offset, column)
        return Span(start, max(start, end))


@dataclass
class SourceFile:
    """A whole text split into documents."""

    text: str
    documents: list[Document] = field(default_factory=list)

    @cached_property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    def line_text(self, line: int) -> str:
        if 0 <= line < len(self.lines):
            return self.lines[line].rstrip("\r")
        return ""

    @cached_property
    def newline(self) -> str:
        return "\r\n" if "\r\n" in self.text else "\n"


class _ParseCache:
    """A small thread-safe LRU cache of parsed documents keyed by their text."""

    def __init__(self, size: int, chars: int = _CACHE_CHARS) -> None:
        self._size = size
        self._chars = chars
        self._held = 0  # characters of the cached texts
        self._items: OrderedDict[str, ParsedDocument] = OrderedDict()
        self._lock = threading.Lock()
        self.misses = 0

    def get(self, text: str) -> ParsedDocument:
        with self._lock:
            found = self._items.get(text)
            if found is not None:
                self._items.move_to_end(text)
                return found
        parsed = _parse(text)
        with self._lock:
            self.misses += 1
            if text not in self._items:
                self._held += len(text)
            self._items[text] = parsed
            while len(self._items) > 1 and (
                len(self._items) > self._size or self._held > self._chars
            ):
                old, _ = self._items.popitem(last=False)
                self._held -= len(old)
        return parsed

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._held = 0
            self.misses = 0


PARSE_CACHE = _ParseCache(_CACHE_SIZE)


def normalize(text: str) -> str:
    """Make PyYAML's line structure match the editor's, keeping every column in place.

    A lone CR becomes LF (same length); NEL, LS and PS, which YAML 1.1 treats as line
    breaks but LSP does not, become spaces.
    """
    if "\r" in text:
        text = _LONE_CR.sub("\n", text)
    if _EXTRA_BREAKS.search(text):
        text = _EXTRA_BREAKS.sub(" ", text)
    return text


def split(text: str) -> SourceFile:
    """Split ``text`` (already normalised, no BOM) into documents and parse each one."""
    source = SourceFile(text)
    cuts = sorted({0, *(m.start() for m in _DOC_START.finditer(text))})
    cuts.append(len(text))
    chunks: list[tuple[int, int]] = []
    carry: int | None = None
    for begin, end in itertools.pairwise(cuts):
        if carry is not None:
            begin, carry = carry, None
        if end != len(text) and _is_preamble(text[begin:end]):
            # Comments and directives before a '---' belong to the next document.
            carry = begin
            continue
        chunks.append((begin, end))
    if not chunks:
        chunks.append((0, len(text)))
    line = 0
    previous = 0
    with gc_paused():
        for index, (begin, end) in enumerate(chunks):
            line += text.count("\n", previous, begin)
            previous = begin
            source.documents.append(Document(index, line, PARSE_CACHE.get(text[begin:end])))
    return source


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while documents are parsed and analysed.

    Parsing creates millions of node objects and no reference cycles; with the collector
    on, CPython walks the ever-growing set of live nodes again and again, and parsing a
    200,000-line file costs 4x more per line than a 1,000-line one. Paused, it is linear.
    The nodes that stay alive (the parse cache) are scanned once, at the next collection.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _is_preamble(chunk: str) -> bool:
    for raw in chunk.splitlines():
        stripped = raw.strip()
        if stripped and not stripped.startswith(("#", "%")):
            return False
    return bool(chunk)


def _parse(text: str) -> ParsedDocument:
    surrogate = _SURROGATE.search(text)
    if surrogate is not None:
        # Only LSP's JSON can carry one (a file is decoded as strict UTF-8); libyaml would
        # fail to encode the text and the Python reader rejects it, without a position.
        line, column = _line_column(text, surrogate.start())
        message = f"unacceptable character #x{ord(surrogate.group()):04x}: a lone surrogate"
        return ParsedDocument(text, [], SyntaxProblem(message, line, column))
    try:
        roots = _compose(text)
    except yaml.MarkedYAMLError as exc:
        if EKSA_GROUP in text:
            recovered = recovery.recover(text, _compose, exc)
            if recovered is not None:
                found = tuple(
                    SyntaxProblem(f.message, f.line, f.column, f.width, f.masked, f.held_nothing)
                    for f in recovered[1]
                )
                return ParsedDocument(text, recovered[0], found[0], found)
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and "end of stream" in (exc.problem or ""):
            # An unclosed quote or bracket: the end of the text says nothing, its start does.
            mark = exc.context_mark
        line, column = (mark.line, mark.column) if mark is not None else (0, 0)
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        return ParsedDocument(text, [], SyntaxProblem(_clean(problem), line, column))
    except yaml.YAMLError as exc:  # e.g. a reader error for a non-printable character
        offset = getattr(exc, "position", None)
        line = column = 0
        if isinstance(offset, int) and _Loader is not yaml.SafeLoader:
            # libyaml counts UTF-8 bytes, the Python reader code points.
            offset = len(text.encode("utf-8")[:offset].decode("utf-8", "ignore"))
        if isinstance(offset, int) and 0 <= offset <= len(text):
            line, column = _line_column(text, offset)
        message = re.sub(r'\s+in "<[^>]*>", position \d+$', "", _clean(str(exc)))
        return ParsedDocument(text, [], SyntaxProblem(message, line, column))
    except RecursionError:
        # Only the pure-Python composer recurses; its (iterative) parser finds the spot.
        line, column = _too_deep(text)
        return ParsedDocument(
            text, [], SyntaxProblem(f"the document is nested more than {MAX_DEPTH} levels deep",
                                    line, column)
        )  # fmt: skip
    return ParsedDocument(text, roots, None)


def _compose(text: str) -> list[Node]:
    return [node for node in yaml.compose_all(text, Loader=_Loader) if node is not None]


def _line_column(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset), offset - (text.rfind("\n", 0, offset) + 1)


def _too_deep(text: str) -> tuple[int, int]:
    """Where the nesting of ``text`` first exceeds ``MAX_DEPTH`` (0, 0 if it does not)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH and event.start_mark is not None:
                    return event.start_mark.line, event.start_mark.column
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except (yaml.YAMLError, RecursionError):
        pass
    return 0, 0


def _clean(message: str) -> str:
    return " ".join(message.split())


# --- the shape of a node graph: alias bombs, recursive aliases, deep nesting ---------------

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


# --- node helpers -------------------------------------------------------------------------


def items(node: Node | None) -> Iterator[tuple[ScalarNode, Node]]:
    """(key, value) pairs of a mapping whose keys are scalars."""
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode):
                yield key, value


def get_item(
    node: Node | None, key: str, *, fold_case: bool = False
) -> tuple[ScalarNode, Node] | None:
    """The last (key, value) pair for ``key``; ``fold_case`` matches like Go's encoding/json."""
    found = None
    wanted = key.lower() if fold_case else key
    for k, v in items(node):
        name = k.value.lower() if fold_case else k.value
        if name == wanted:
            found = (k, v)
            if not fold_case:
                continue
    if fold_case:
        # An exact match wins over a case-folded one, as in encoding/json.
        exact = get_item(node, key)
        if exact is not None:
            return exact
    return found


def get_value(node: Node | None, key: str) -> Node | None:
    pair = get_item(node, key)
    return pair[1] if pair else None


def scalar_text(node: Node | None) -> str:
    return node.value if isinstance(node, ScalarNode) and isinstance(node.value, str) else ""


def is_null(node: Node | None) -> bool:
    return node is None or (isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null")


def _content_end(node: Node, text: str) -> tuple[int, int]:
    """(line, column) where a node's own text ends, relative to its document."""
    floor = (node.start_mark.line, node.start_mark.column)
    seen: set[int] = set()
    # Walk down the last child of each block collection (iteratively: no recursion limit;
    # ``seen`` stops at a recursive alias, whose last child may be the node itself).
    while (
        isinstance(node, (MappingNode, SequenceNode))
        and not node.flow_style
        and node.value
        and id(node) not in seen
    ):
        seen.add(id(node))
        if isinstance(node, MappingNode):
            key, node = node.value[-1]
            floor = max(floor, (key.end_mark.line, key.end_mark.column))
        else:
            node = node.value[-1]
    mark = node.end_mark
    end = (mark.line, mark.column)
    if (
        isinstance(node, ScalarNode)
        and node.style in ("|", ">")
        and mark.column == 0
        and mark.line > node.start_mark.line
    ):
        # A block scalar ends after its trailing blank lines: stop at the last content.
        lines = text.split("\n")
        line = min(mark.line, len(lines)) - 1
        while line > node.start_mark.line and not lines[line].strip():
            line -= 1
        end = (line, len(lines[line].rstrip("\r")))
    # An alias points at its anchor, which may come earlier: never end before the last key.
    return max(floor, end)

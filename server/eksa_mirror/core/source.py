"""Source: split a multi-document YAML text and parse each document with positions.

Documents are parsed one by one with PyYAML's composer (the libyaml C parser when
available) and cached by their own text, so an edit in one document re-parses only
that document. Nodes keep positions relative to their document; ``Document`` adds the
line offset when it turns a node into a ``Span``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from eksa_mirror.core import recovery
from eksa_mirror.core.cache import TextCache, gc_paused
from eksa_mirror.core.faults import SyntaxProblem, plain
from eksa_mirror.core.graph import MAX_DEPTH, NodeGraph
from eksa_mirror.core.masks import MaskedLine
from eksa_mirror.core.masks import describe as describe_masks
from eksa_mirror.core.positions import Origin, Position, Span


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


@dataclass
class ParsedDocument:
    """The parse of one document's text. Shared between files that contain the same text."""

    text: str
    roots: list[Node]
    problem: SyntaxProblem | None
    #: Every syntax problem, the first being ``problem``. When there is a problem and
    #: ``roots`` is not empty, the roots are those of a recovered parse (``recovery``).
    problems: tuple[SyntaxProblem, ...] = ()
    #: The lines the recovery blanked (``core.masks``), and the text's lines as parsed.
    masks: tuple[MaskedLine, ...] = ()
    masked_lines: tuple[str, ...] = ()

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
    #: Where the text starts in its file (after a byte-order mark or not).
    origin: Origin = field(default_factory=Origin)

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
        return ParsedDocument(text, [], SyntaxProblem(plain(message), line, column))
    try:
        roots = _compose(text)
    except yaml.MarkedYAMLError as exc:
        if EKSA_GROUP in text:
            found = recovery.recover(text, _compose, exc)
            problems = tuple(found.problems)
            if not found.roots:
                return ParsedDocument(text, [], problems[0], problems)
            masks = describe_masks(text.split("\n"), found.lines)
            return ParsedDocument(
                text, found.roots, problems[0], problems, masks, tuple(found.lines)
            )
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and "end of stream" in (exc.problem or ""):
            # An unclosed quote or bracket: the end of the text says nothing, its start does.
            mark = exc.context_mark
        line, column = (mark.line, mark.column) if mark is not None else (0, 0)
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        return ParsedDocument(text, [], SyntaxProblem(plain(_clean(problem)), line, column))
    except yaml.YAMLError as exc:  # e.g. a reader error for a non-printable character
        offset = getattr(exc, "position", None)
        line = column = 0
        if isinstance(offset, int) and _Loader is not yaml.SafeLoader:
            # libyaml counts UTF-8 bytes, the Python reader code points.
            offset = len(text.encode("utf-8")[:offset].decode("utf-8", "ignore"))
        if isinstance(offset, int) and 0 <= offset <= len(text):
            line, column = _line_column(text, offset)
        message = re.sub(r'\s+in "<[^>]*>", position \d+$', "", _clean(str(exc)))
        return ParsedDocument(text, [], SyntaxProblem(plain(message), line, column))
    except RecursionError:
        # Only the pure-Python composer recurses; its (iterative) parser finds the spot.
        line, column = _too_deep(text)
        return ParsedDocument(
            text, [], SyntaxProblem(f"the document is nested more than {MAX_DEPTH} levels deep",
                                    line, column)
        )  # fmt: skip
    return ParsedDocument(text, roots, None)


#: The parsed documents of recent texts: an edit re-parses only the documents it touched.
PARSE_CACHE: TextCache[ParsedDocument] = TextCache(_parse)


def _compose(text: str) -> list[Node]:
    return [node for node in yaml.compose_all(text, Loader=_Loader) if node is not None]


def compose_first(text: str) -> Node | None:
    """The first YAML document of ``text`` (Go's ``yaml.Unmarshal`` reads only the first),
    composed by the same parser as the rest; raises ``yaml.YAMLError``."""
    loader = _Loader(text)
    try:
        return loader.get_node() if loader.check_node() else None
    finally:
        loader.dispose()


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


# --- node helpers -------------------------------------------------------------------------


def items(node: Node | None) -> Iterator[tuple[ScalarNode, Node]]:
    """(key, value) pairs of a mapping whose keys are scalars."""
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode):
                yield key, value


def go_fold(name: str) -> str:
    """``name`` case-folded as Go's encoding/json folds field names (``foldName``).

    ASCII letters are upper-cased; any other character becomes upper(lower(c)), so the long
    s ``ſ`` matches ``s`` and the Kelvin sign matches ``k``. Go uses Unicode's simple case
    mapping; Python's is the full one, used here only where it maps to one character.
    """
    if name.isascii():
        return name.upper()
    out: list[str] = []
    for char in name:
        if char < "\x80":
            out.append(char.upper())
            continue
        lower = char.lower() if len(char.lower()) == 1 else char
        out.append(lower.upper() if len(lower.upper()) == 1 else lower)
    return "".join(out)


def get_item(
    node: Node | None, key: str, *, fold_case: bool = False
) -> tuple[ScalarNode, Node] | None:
    """The (key, value) pair for ``key`` that EKS-A reads; the last one of equal keys.

    ``fold_case`` matches keys as Go's encoding/json does (``go_fold``). Among case variants
    the key that is greatest in byte order wins, wherever it is in the file: EKS-A parses a
    spec with sigs.k8s.io/yaml, which turns YAML into JSON through a Go map (keys sorted by
    bytes), and encoding/json then assigns every variant in turn to the same field
    (``docs/rules.md``, RM006). Two gaps: where Go merges the variants' mappings field by field,
    or skips a null variant on a string field, this returns the winner's node alone.
    """
    if not isinstance(node, MappingNode):
        return None
    found: tuple[ScalarNode, Node] | None = None
    wanted = go_fold(key) if fold_case else key
    for k, v in node.value:  # items(), inlined: this runs for every key looked up
        if not isinstance(k, ScalarNode):
            continue
        name = k.value
        if fold_case:
            name = name.upper() if name.isascii() else go_fold(name)
        if name == wanted and (found is None or k.value >= found[0].value):
            found = (k, v)
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

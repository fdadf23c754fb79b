"""What every check shares: options, the Cluster being checked, spans, pointers and edits."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from eksa_mirror.core.findings import Finding, Fix, Severity, TextEdit
from eksa_mirror.core.model import MIRROR_POINTER, ClusterModel
from eksa_mirror.core.positions import Position, Span
from eksa_mirror.core.source import SourceFile, get_item
from eksa_mirror.rules.registry import rule


@dataclass(frozen=True)
class Options:
    """How to analyse: rule selection, severity overrides and environment checks."""

    select: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    check_env: bool = False
    #: The environment for ``check_env``; ``None`` means the process environment.
    env: Mapping[str, str] | None = None
    #: The time certificates are checked at; ``None`` means now.
    now: datetime | None = None
    #: The EKS-A release to check against when the Cluster has no ``spec.eksaVersion``
    #: ("" means the latest release known, ``releases.LATEST``).
    eksa_version: str = ""

    def environ(self) -> Mapping[str, str]:
        return os.environ if self.env is None else self.env

    def enabled(self, code: str) -> bool:
        if code in self.ignore:
            return False
        return self.select is None or code in self.select


@dataclass
class Check:
    """The Cluster under check and the findings collected for it."""

    model: ClusterModel
    options: Options
    findings: list[Finding] = field(default_factory=list)

    @property
    def doc_lines(self) -> list[str]:
        return self.model.source.lines

    def line(self, index: int) -> str:
        return self.model.source.line_text(index)

    @property
    def newline(self) -> str:
        return self.model.source.newline

    def span(self, node: Node) -> Span:
        return self.model.doc.span(node)

    def emit(
        self,
        code: str,
        message: str,
        span: Span,
        pointer: str,
        fix: Fix | None = None,
        severity: Severity | None = None,
    ) -> None:
        if not self.options.enabled(code):
            return
        chosen = self.options.severity.get(code) or severity or rule(code).severity
        self.findings.append(
            Finding(code, chosen, message, span, pointer, fix, document=self.model.doc.index)
        )

    # --- edits --------------------------------------------------------------------------

    def replace(self, node: Node, text: str) -> TextEdit:
        return TextEdit(self.span(node), text)

    def line_end(self, line: int) -> Position:
        return Position(line, len(self.line(line)))

    def delete_lines(self, first: int, last: int) -> TextEdit:
        """Delete whole lines ``first``..``last`` (inclusive) with their line break."""
        if last + 1 < len(self.doc_lines):
            return TextEdit(Span(Position(first, 0), Position(last + 1, 0)), "")
        # The last line of the file: take the line break before it instead.
        start = self.line_end(first - 1) if first > 0 else Position(first, 0)
        return TextEdit(Span(start, self.line_end(last)), "")

    def insert_line_after(self, line: int, text: str) -> TextEdit:
        end = self.line_end(line)
        return TextEdit(Span(end, end), self.newline + text)


def quote_like(node: ScalarNode, value: str) -> str:
    """``value`` as a YAML scalar in the same quoting style as ``node`` (double quotes if plain
    text would change meaning)."""
    if node.style == "'":
        return "'" + value.replace("'", "''") + "'"
    if node.style == '"' or not value or value[0] in "!&*-?{}[],#|>@`'\"%:" or ": " in value:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return value


def json_pointer(*parts: str | int) -> str:
    """An RFC 6901 pointer from the document root: ``~`` and ``/`` escaped in each part."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def pointer(*parts: str | int) -> str:
    """A JSON pointer into the mirror section (``pointer("port")``)."""
    return MIRROR_POINTER + json_pointer(*parts)


def node_at(root: Node | None, path: list[str | int]) -> tuple[ScalarNode | None, Node | None]:
    """(key node, value node) at a data path under ``root``; keys match case-insensitively."""
    key: ScalarNode | None = None
    node = root
    for part in path:
        if isinstance(part, int):
            if not isinstance(node, SequenceNode) or part >= len(node.value):
                return key, None
            key, node = None, node.value[part]
        else:
            if not isinstance(node, MappingNode):
                return key, None
            pair = get_item(node, part, fold_case=True)
            if pair is None:
                return key, None
            key, node = pair
    return key, node


@dataclass
class Analysis:
    """The result of analysing one text."""

    source: SourceFile
    clusters: list[ClusterModel]
    findings: list[Finding] = field(default_factory=list)
    bom: bool = False

    @property
    def has_cluster(self) -> bool:
        return bool(self.clusters)


def _shift(pos: Position) -> Position:
    return Position(pos.line, pos.column + 1) if pos.line == 0 else pos


def _shift_span(span: Span) -> Span:
    return Span(_shift(span.start), _shift(span.end))


def shift_bom(finding: Finding) -> Finding:
    """Columns on line 0 count the byte-order mark that the parser did not see."""
    fix = finding.fix
    if fix is not None:
        fix = replace(
            fix, edits=tuple(TextEdit(_shift_span(e.span), e.new_text) for e in fix.edits)
        )
    return replace(finding, span=_shift_span(finding.span), fix=fix)

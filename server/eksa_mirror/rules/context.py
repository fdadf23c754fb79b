"""What every check shares: options, the Cluster being checked, spans, pointers and edits."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from eksa_mirror.core.findings import Finding, Fix, Severity, TextEdit
from eksa_mirror.core.known import Scope
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


class Emitter(ABC):
    """What collects findings: ``emit`` makes each one with ``make_finding``."""

    options: Options
    findings: list[Finding]

    @abstractmethod
    def _where(self) -> tuple[SourceFile, int]:
        """The source the findings are in and the document they belong to by default."""

    def emit(
        self,
        code: str,
        message: str,
        span: Span,
        pointer: str,
        fix: Fix | None = None,
        severity: Severity | None = None,
        *,
        document: int | None = None,
    ) -> None:
        source, index = self._where()
        found = make_finding(
            source, self.options, code, message, span, pointer,
            fix=fix, severity=severity, document=index if document is None else document,
        )  # fmt: skip
        if found is not None:
            self.findings.append(found)


@dataclass
class Check(Emitter):
    """The Cluster under check and the findings collected for it."""

    model: ClusterModel
    options: Options
    findings: list[Finding] = field(default_factory=list)

    @property
    def mirror_scope(self) -> Scope:
        """The mirror section with what the syntax recovery may have masked in it."""
        return self.model.mirror_scope

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

    def _where(self) -> tuple[SourceFile, int]:
        return self.model.source, self.model.doc.index

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
class Analysis(Emitter):
    """The result of analysing one text; a file check's findings are emitted on it."""

    source: SourceFile
    clusters: list[ClusterModel]
    findings: list[Finding] = field(default_factory=list)
    options: Options = field(default_factory=Options)

    @property
    def has_cluster(self) -> bool:
        return bool(self.clusters)

    def _where(self) -> tuple[SourceFile, int]:
        return self.source, 0


def make_finding(
    source: SourceFile,
    options: Options,
    code: str,
    message: str,
    span: Span,
    pointer: str,
    *,
    fix: Fix | None = None,
    severity: Severity | None = None,
    document: int = 0,
) -> Finding | None:
    """The one way every stage makes a finding: ``None`` if ``--select``/``--ignore`` turn
    ``code`` off; the severity an override gives, else the one passed, else the rule's; the
    span and the fix's edits as the file counts them (its byte-order mark, ``Origin``)."""
    if not options.enabled(code):
        return None
    chosen = options.severity.get(code) or severity or rule(code).severity
    origin = source.origin
    if origin.bom:
        span = origin.shown(span)
        if fix is not None:
            edits = tuple(TextEdit(origin.shown(e.span), e.new_text) for e in fix.edits)
            fix = replace(fix, edits=edits)
    return Finding(code, chosen, message, span, pointer, fix, document=document)

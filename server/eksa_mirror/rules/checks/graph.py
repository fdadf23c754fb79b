"""RM024 for a document's syntax (``check_syntax``) and its node graph: an alias bomb, a
recursive alias, a mirror section nested too deep, a list or mapping used as a key.
``graph_guard`` runs before the mirror rules and says whether they may walk the section
(docs/rules.md, RM024).
"""

from __future__ import annotations

import re

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from eksa_mirror.core.graph import MAX_DEPTH, NODE_BUDGET, GraphProblem
from eksa_mirror.core.positions import Position, Span
from eksa_mirror.core.source import Document, SourceFile
from eksa_mirror.rules.context import Analysis, Check, json_pointer
from eksa_mirror.rules.registry import E, declare

declare("RM024", "yaml-syntax", E, "the YAML cannot be parsed", since="v0.6.0")

#: An alias token: ``*`` at the start of a node (after space, a flow indicator or ``-``).
_ALIAS = re.compile(r"(?:^|[\s\[{,])\*[^\s\]},]")


def check_syntax(analysis: Analysis) -> None:
    """RM024 at each syntax problem of an EKS-A document (several when its parse was
    recovered)."""
    for doc in analysis.source.documents:
        if doc.parsed.problem is not None and doc.parsed.looks_like_eksa:
            _syntax(analysis, doc)


def _syntax(analysis: Analysis, doc: Document) -> None:
    parsed = doc.parsed
    source = analysis.source
    for problem in parsed.problems or (parsed.problem,):
        if problem is None:
            continue
        message = problem.text(doc.line_offset)
        if not message.startswith('"'):  # a placeholder's message stands alone
            message = f"the YAML cannot be parsed: {message}"
        span = point_span(source, problem.line + doc.line_offset, problem.column)
        if problem.width > 1:
            end = Position(span.start.line, span.start.column + problem.width)
            span = Span(span.start, end)
        analysis.emit("RM024", message, span, "", document=doc.index)


def graph_guard(check: Check) -> bool:
    """RM024 for an alias bomb or a recursive alias anywhere in the Cluster document, and for
    a mirror section nested deeper than ``MAX_DEPTH``; whether the mirror checks may run.

    The checks walk the mirror section's nodes recursively and expand its aliases; this
    measures the node graph first, without expanding it (``NodeGraph``).
    """
    model = check.model
    root = model.doc.root
    if root is None:
        return True
    graph = model.doc.parsed.graph
    mirror, key = model.mirror, model.mirror_key
    in_mirror = None
    if mirror is not None and key is not None:
        in_mirror = graph.problem(mirror, max_depth=MAX_DEPTH)
        if in_mirror is not None:
            at = in_mirror.key if in_mirror.node is not mirror else key
            prefix = ("spec", key.value, *in_mirror.path)
            in_mirror = GraphProblem(in_mirror.kind, in_mirror.node, at, prefix)
            _report_graph(check, in_mirror, mirror=True)
    # Without an alias (``*name``) a document is a tree as big as its text: nothing to expand.
    anywhere = graph.problem(root) if _ALIAS.search(model.doc.parsed.text) else None
    if anywhere is not None and (in_mirror is None or anywhere.node is not in_mirror.node):
        _report_graph(check, anywhere, mirror=False)
    if in_mirror is None and mirror is not None:
        _complex_keys(check, mirror)
    return in_mirror is None


def _complex_keys(check: Check, mirror: Node) -> None:
    """RM024 for a sequence or mapping used as a key (``? [a] : b``) in the mirror section:
    the checks skip such keys, and sigs.k8s.io/yaml cannot turn them into JSON."""
    seen: set[int] = set()
    pending = [mirror]
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, MappingNode):
            for key, value in node.value:
                if not isinstance(key, ScalarNode):
                    check.emit(
                        "RM024",
                        f"a {'list' if isinstance(key, SequenceNode) else 'mapping'} cannot be "
                        "a mapping key: sigs.k8s.io/yaml, which EKS-A uses, fails with "
                        '"invalid map key"',
                        _head_span(check, key),
                        "",
                    )
                pending.append(value)
        elif isinstance(node, SequenceNode):
            pending.extend(node.value)


def _head_span(check: Check, node: Node) -> Span:
    """A one-character span where ``node`` starts (its own span may cover many lines)."""
    start = check.model.doc.pos(node.start_mark)
    return point_span(check.model.source, start.line, start.column)


def _report_graph(check: Check, problem: GraphProblem, *, mirror: bool) -> None:
    what = f'the value of "{problem.key.value}"' if problem.key is not None else "this node"
    after = "; the mirror section is not analysed further" if mirror else ""
    if problem.kind == "cycle":
        message = (
            f"{what} contains an alias to itself (a recursive anchor): sigs.k8s.io/yaml, "
            f"which EKS-A and kubectl use, cannot decode it{after}"
        )
    elif problem.kind == "expansion":
        message = (
            f"{what} expands through YAML aliases into more than {NODE_BUDGET:,} nodes "
            f"(an alias bomb?): sigs.k8s.io/yaml rejects excessive aliasing{after}"
        )
    else:
        message = f"the mirror section nests more than {MAX_DEPTH} levels deep here" + (
            "; it is not analysed further"
        )
    span = check.span(problem.key) if problem.key is not None else _head_span(check, problem.node)
    check.emit("RM024", message, span, json_pointer(*problem.path) if problem.path else "")


def point_span(source: SourceFile, line: int, column: int) -> Span:
    """A one-character span at a parse error, clamped to the line and to the text (libyaml
    may report the end of a text without a final line break on the line after it)."""
    last = len(source.lines) - 1
    if line > last:
        line, column = last, len(source.line_text(last))
    text = source.line_text(line)
    if column >= len(text):
        start = max(0, len(text) - 1) if text else 0
        return Span(Position(line, start), Position(line, len(text)))
    return Span(Position(line, column), Position(line, column + 1))

"""The one analysis entry point: text in, findings out.

Both faces call ``analyze``: the command line formats its findings, the language
server turns them into diagnostics and code actions. Nothing here imports pygls.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from eksa_mirror.core.findings import Finding, Fix, TextEdit
from eksa_mirror.core.model import MIRROR_KEY, ClusterModel, ExpansionError, clusters, load_source
from eksa_mirror.core.positions import Position, Span
from eksa_mirror.core.source import (
    EKSA_GROUP,
    MAX_DEPTH,
    NODE_BUDGET,
    Document,
    GraphProblem,
    SourceFile,
    gc_paused,
    items,
    normalize,
)
from eksa_mirror.rules.certificates import check_ca
from eksa_mirror.rules.context import Check, Options
from eksa_mirror.rules.node_format import check_node_format
from eksa_mirror.rules.placeholders import check_placeholders
from eksa_mirror.rules.providers import check_providers
from eksa_mirror.rules.registry import rule
from eksa_mirror.rules.structure import check_structure
from eksa_mirror.rules.values import check_duplicate_keys, check_flags, check_namespaces
from eksa_mirror.rules.versions import check_versions

__all__ = ["MAX_LINES", "MAX_TEXT_CHARS", "Analysis", "Options", "analyze"]

#: Texts longer than this are not analysed: a clear finding instead of a long freeze in
#: the editor. Analysis runs at about 3 MB/s on dense Cluster documents, so the limit keeps
#: the worst case near two seconds; a real cluster spec is a few kilobytes, rarely 100 KB.
#: The command line refuses files over ``cli.validate.MAX_FILE_BYTES`` before reading them.
MAX_TEXT_CHARS = 5_000_000
#: Lines are bounded too: the editor features work line by line.
MAX_LINES = 200_000

# Each check reads the document, never another check's findings.
_CHECKS = (check_duplicate_keys, check_structure, check_namespaces, check_flags, check_ca,
           check_providers, check_node_format, check_versions)  # fmt: skip


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


def analyze(text: str, options: Options | None = None) -> Analysis:
    """Analyse a whole (multi-document) YAML text."""
    # The cyclic GC would re-scan every live node again and again while a big file is
    # analysed (4x the cost per line at 200,000 lines); nodes are freed by reference
    # counting, so the collector is paused for the call (see source.gc_paused).
    with gc_paused():
        return _analyze(text, options or Options())


def _analyze(text: str, options: Options) -> Analysis:
    bom = text.startswith("\ufeff")
    if len(text) > MAX_TEXT_CHARS or text.count("\n") >= MAX_LINES:
        return _too_large(text, options, bom)
    source = load_source(text)
    models = clusters(source)
    result = Analysis(source, models, bom=bom)
    findings = result.findings
    for doc in source.documents:
        if doc.parsed.problem is not None and doc.parsed.looks_like_eksa:
            _syntax(source, doc, options, findings)
    for model in models:
        check = Check(model, options)
        _spec_key_typos(check)
        if _graph_guard(check) and model.mirror_item is not None and _mirror_intact(model):
            try:
                for run in _CHECKS:
                    run(check)
                _one_finding_per_placeholder(check)
            except ExpansionError:  # not reached: _graph_guard measured the section first
                key = model.mirror_key
                assert key is not None
                check.findings = [f for f in check.findings if f.code == "RM006"]
                check.emit(
                    "RM024",
                    f"the mirror section expands through YAML aliases into more than "
                    f"{NODE_BUDGET:,} nodes (an alias bomb?); it is not analysed further",
                    model.doc.span(key),
                    "/spec/registryMirrorConfiguration",
                )
        findings.extend(check.findings)
    _later_clusters(models, options, findings)
    findings.sort(key=Finding.sort_key)
    findings[:] = _unique(findings)
    if bom:
        result.findings = [_shift_bom(f) for f in findings]
    return result


def _syntax(source: SourceFile, doc: Document, options: Options, found: list[Finding]) -> None:
    """RM024 at each syntax problem of a document (several when its parse was recovered)."""
    if not options.enabled("RM024"):
        return
    parsed = doc.parsed
    for problem in parsed.problems or (parsed.problem,):
        if problem is None:
            continue
        message = problem.message
        if not message.startswith('"'):  # a placeholder's message stands alone
            message = f"the YAML cannot be parsed: {message}"
        span = _point_span(source, problem.line + doc.line_offset, problem.column)
        if problem.width > 1:
            end = Position(span.start.line, span.start.column + problem.width)
            span = Span(span.start, end)
        found.append(
            Finding(
                "RM024",
                options.severity.get("RM024") or rule("RM024").severity,
                message,
                span,
                "",
                document=doc.index,
            )
        )


def _too_large(text: str, options: Options, bom: bool) -> Analysis:
    """An unanalysed text, with one finding on its first line if it is an EKS-A file."""
    source = SourceFile(normalize(text.removeprefix("\ufeff")))
    result = Analysis(source, [], bom=bom)
    if EKSA_GROUP in text and options.enabled("RM024"):
        lines = text.count("\n") + 1
        result.findings.append(
            Finding(
                "RM024",
                options.severity.get("RM024") or rule("RM024").severity,
                f"the file is too large to analyse ({len(text):,} characters, {lines:,} "
                f"lines; the limits are {MAX_TEXT_CHARS:,} characters and {MAX_LINES:,} "
                "lines): split it or check it with a smaller excerpt",
                Span(Position(0, 0), Position(0, len(source.line_text(0)))),
                "",
            )
        )
        if bom:
            result.findings = [_shift_bom(f) for f in result.findings]
    return result


#: An alias token: ``*`` at the start of a node (after space, a flow indicator or ``-``).
_ALIAS = re.compile(r"(?:^|[\s\[{,])\*[^\s\]},]")


def _graph_guard(check: Check) -> bool:
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
    return _point_span(check.model.source, start.line, start.column)


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
    where = "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in problem.path)
    check.emit("RM024", message, span, where if problem.path else "")


def _mirror_intact(model: ClusterModel) -> bool:
    """Whether no line of the mirror section was blanked to recover from a syntax error.

    A blanked line loses what it held (a blanked ``endpoint:`` is a missing endpoint, a
    half-typed key is not there yet), so the mirror rules run only on a section recovered
    whole; a documentation placeholder (``...``) or a lone word being typed held nothing and
    does not count. The section's lines are read from the text: the key's line and every line
    after it that is deeper. RM024 says where the problem is either way.
    """
    parsed = model.doc.parsed
    key = model.mirror_key
    if not parsed.recovered or key is None:
        return True
    lines = parsed.text.split("\n")
    first = key.start_mark.line
    depth = key.start_mark.column
    last = first
    for n in range(first + 1, len(lines)):
        text = lines[n]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        if len(text) - len(text.lstrip()) <= depth and not text.startswith("\t"):
            break
        last = n
    return not any(
        p.masked[0] <= last and first <= p.masked[1] for p in parsed.problems if not p.held_nothing
    )


def _one_finding_per_placeholder(check: Check) -> None:
    """RM032 for each documentation placeholder, and no other finding on that value: the
    others would only describe the placeholder (docs/rules.md, RM032)."""
    spans = check_placeholders(check)
    if spans and check.options.enabled("RM032"):
        held = set(spans)
        check.findings = [f for f in check.findings if f.code == "RM032" or f.span not in held]


def _unique(findings: list[Finding]) -> list[Finding]:
    """Drop repeats of the same code at the same span with the same message."""
    seen: set[tuple[str, Span, str]] = set()
    result = []
    for finding in findings:
        key = (finding.code, finding.span, finding.message)
        if key not in seen:
            seen.add(key)
            result.append(finding)
    return result


def _later_clusters(models: list[ClusterModel], options: Options, findings: list[Finding]) -> None:
    """RM030 on the mirror section of every Cluster after the first: ``eksctl anywhere``
    (``ParseClusterConfigFromContent``) uses the first document of kind Cluster only."""
    first = models[0] if models else None
    for model in models[1:]:
        key = model.mirror_key
        if key is None or first is None:
            continue
        check = Check(model, options)
        line = first.doc.span(first.doc.root).start.line + 1 if first.doc.root else 1
        check.emit(
            "RM030",
            f'eksctl anywhere reads only the first Cluster of a file ("{first.doc.parsed.name}" '
            f'at line {line}): this Cluster ("{model.doc.parsed.name}") and its '
            "registryMirrorConfiguration are not used by create or upgrade cluster -f; put "
            "each cluster in its own file",
            model.doc.span(key),
            "/spec/registryMirrorConfiguration",
        )
        findings.extend(check.findings)


def _spec_key_typos(check: Check) -> None:
    """RM006 for a near miss of ``registryMirrorConfiguration`` under ``spec``."""
    for key, _ in items(check.model.spec):
        name = key.value
        if name == MIRROR_KEY:
            continue
        cased = name.lower() == MIRROR_KEY.lower()
        close = False
        if not cased and abs(len(name) - len(MIRROR_KEY)) <= 6:
            # quick_ratio() bounds ratio() from above at a fraction of its cost.
            matcher = difflib.SequenceMatcher(None, name.lower(), MIRROR_KEY.lower())
            close = matcher.quick_ratio() >= 0.85 and matcher.ratio() >= 0.85
        if not (cased or close):
            continue
        fix = Fix(
            f'Rename "{name}" to "{MIRROR_KEY}"', (check.replace(key, MIRROR_KEY),), safe=cased
        )
        detail = (
            "key names are case-sensitive for kubectl and GitOps"
            if cased
            else f'did you mean "{MIRROR_KEY}"?'
        )
        check.emit(
            "RM006",
            f'json: unknown field "{name}" ({detail})',
            check.span(key),
            f"/spec/{name}",
            fix,
        )


def _point_span(source: SourceFile, line: int, column: int) -> Span:
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


def _shift(pos: Position) -> Position:
    return Position(pos.line, pos.column + 1) if pos.line == 0 else pos


def _shift_span(span: Span) -> Span:
    return Span(_shift(span.start), _shift(span.end))


def _shift_bom(finding: Finding) -> Finding:
    """Columns on line 0 count the byte-order mark that the parser did not see."""
    fix = finding.fix
    if fix is not None:
        fix = replace(
            fix, edits=tuple(TextEdit(_shift_span(e.span), e.new_text) for e in fix.edits)
        )
    return replace(finding, span=_shift_span(finding.span), fix=fix)

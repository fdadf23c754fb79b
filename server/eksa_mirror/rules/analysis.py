"""The one analysis entry point: text in, findings out.

Both faces call ``analyze``: the command line formats its findings, the language
server turns them into diagnostics and code actions. Nothing here imports pygls.
"""

from __future__ import annotations

from eksa_mirror.core.cache import gc_paused
from eksa_mirror.core.findings import Finding
from eksa_mirror.core.graph import NODE_BUDGET
from eksa_mirror.core.model import ClusterModel, ExpansionError, clusters, load_source
from eksa_mirror.core.positions import Position, Span
from eksa_mirror.core.source import (
    EKSA_GROUP,
    Document,
    SourceFile,
    normalize,
)
from eksa_mirror.rules.catalogue import MIRROR_CHECKS, rule
from eksa_mirror.rules.context import Analysis, Check, Options, shift_bom
from eksa_mirror.rules.graph import graph_guard, point_span
from eksa_mirror.rules.placeholders import check_placeholders
from eksa_mirror.rules.spec import check_later_clusters, check_spec_key

__all__ = ["MAX_LINES", "MAX_TEXT_CHARS", "Analysis", "Options", "analyze"]

#: Texts longer than this are not analysed: a clear finding instead of a long freeze in
#: the editor. Analysis runs at about 3 MB/s on dense Cluster documents, so the limit keeps
#: the worst case near two seconds; a real cluster spec is a few kilobytes, rarely 100 KB.
#: The command line refuses files over ``cli.files.MAX_FILE_BYTES`` before reading them.
MAX_TEXT_CHARS = 5_000_000
#: Lines are bounded too: the editor features work line by line.
MAX_LINES = 200_000


def analyze(text: str, options: Options | None = None) -> Analysis:
    """Analyse a whole (multi-document) YAML text."""
    # The cyclic GC would re-scan every live node again and again while a big file is
    # analysed (4x the cost per line at 200,000 lines); nodes are freed by reference
    # counting, so the collector is paused for the call (see core/cache.gc_paused).
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
        check_spec_key(check)
        if graph_guard(check) and model.mirror_item is not None and _mirror_intact(model):
            try:
                for run in MIRROR_CHECKS:
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
    check_later_clusters(models, options, findings)
    findings.sort(key=Finding.sort_key)
    findings[:] = _unique(findings)
    if bom:
        result.findings = [shift_bom(f) for f in findings]
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
        span = point_span(source, problem.line + doc.line_offset, problem.column)
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
            result.findings = [shift_bom(f) for f in result.findings]
    return result


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

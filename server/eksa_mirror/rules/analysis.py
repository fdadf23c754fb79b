"""The one analysis entry point: text in, findings out. Both faces call ``analyze``.

It runs the stages the families registered (``rules/registry.py``) without naming a family;
only the analysis's own limits stay here: a text too large to parse, and the safety net of
an alias expansion, which both report RM024.
"""

from __future__ import annotations

from dataclasses import replace

from eksa_mirror.core.cache import gc_paused
from eksa_mirror.core.findings import Finding
from eksa_mirror.core.graph import NODE_BUDGET
from eksa_mirror.core.model import ExpansionError, clusters, load_source
from eksa_mirror.core.positions import Position, Span
from eksa_mirror.core.source import EKSA_GROUP, SourceFile
from eksa_mirror.rules.catalogue import (
    CLUSTER_CHECKS,
    FILE_CHECKS,
    MIRROR_CHECKS,
    MIRROR_GUARDS,
    rule,
)
from eksa_mirror.rules.context import Analysis, Check, Options, pointer

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
    """The stages the families registered (docs/architecture.md, "The flow")."""
    if len(text) > MAX_TEXT_CHARS or text.count("\n") >= MAX_LINES:
        return _too_large(text, options)
    source = load_source(text)
    result = Analysis(source, clusters(source), options=options)
    for run_file in FILE_CHECKS:
        run_file(result)
    for model in result.clusters:
        result.findings.extend(_cluster(Check(model, options)))
    findings = sorted(result.findings, key=Finding.sort_key)
    result.findings = _unique(_without_blind_fixes(source, findings))
    return result


def _cluster(check: Check) -> list[Finding]:
    """The findings of one Cluster: its cluster checks, its guards, and when they all pass
    the mirror checks (on what the syntax recovery kept of the section: ``core.known``)."""
    for run in CLUSTER_CHECKS:
        run(check)
    before_guards = len(check.findings)
    passed = [guard(check) for guard in MIRROR_GUARDS]  # every guard runs: they report
    model = check.model
    if not all(passed) or model.mirror_item is None:
        return check.findings
    try:
        for run in MIRROR_CHECKS:
            run(check)
    except ExpansionError:  # not reached: the guards measured the section first
        # The analysis's own safety net (its RM024 is written here, not in a family): only
        # what the cluster checks found is kept.
        key = model.mirror_key
        assert key is not None
        check.findings = check.findings[:before_guards]
        check.emit(
            "RM024",
            f"the mirror section expands through YAML aliases into more than "
            f"{NODE_BUDGET:,} nodes (an alias bomb?); it is not analysed further",
            model.doc.span(key),
            pointer(),
        )
        return check.findings
    return _exclusive(check.findings)


def _too_large(text: str, options: Options) -> Analysis:
    """An unanalysed text, with one finding on its first line if it is an EKS-A file."""
    source = load_source(text, parse=False)
    result = Analysis(source, [], options=options)
    if EKSA_GROUP in text:
        lines = text.count("\n") + 1
        result.emit(
            "RM024",
            f"the file is too large to analyse ({len(text):,} characters, {lines:,} "
            f"lines; the limits are {MAX_TEXT_CHARS:,} characters and {MAX_LINES:,} "
            "lines): split it or check it with a smaller excerpt",
            Span(Position(0, 0), Position(0, len(source.line_text(0)))),
            "",
        )
    return result


def _without_blind_fixes(source: SourceFile, findings: list[Finding]) -> list[Finding]:
    """Findings whose fix edits a line next to one the syntax recovery masked lose the fix:
    where an entry or a key ends, and so where to insert or what to delete, is not known."""
    masked = {
        doc.line_offset + m.line + near
        for doc in source.documents
        for m in doc.parsed.masks
        for near in (-1, 0, 1)
    }
    if not masked:
        return findings
    return [
        replace(f, fix=None)
        if f.fix is not None
        and any(
            line in masked
            for edit in f.fix.edits
            for line in range(edit.span.start.line, edit.span.end.line + 1)
        )
        else f
        for f in findings
    ]


def _exclusive(findings: list[Finding]) -> list[Finding]:
    """Only the finding of an ``exclusive`` rule on its span (RM032: the others would only
    describe the placeholder, docs/rules.md)."""
    held = {f.span for f in findings if rule(f.code).exclusive}
    if not held:
        return findings
    return [f for f in findings if rule(f.code).exclusive or f.span not in held]


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

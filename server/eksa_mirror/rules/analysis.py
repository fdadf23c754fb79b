"""The one analysis entry point: text in, findings out. Both faces call ``analyze``.

It runs the stages the families registered (``rules/registry.py``) without naming a family;
only the analysis's own limits stay here: a text too large to parse, and the safety net of
an alias expansion, which both report RM024.
"""

from __future__ import annotations

from eksa_mirror.core.cache import gc_paused
from eksa_mirror.core.findings import Finding
from eksa_mirror.core.graph import NODE_BUDGET
from eksa_mirror.core.model import ClusterModel, ExpansionError, clusters, load_source
from eksa_mirror.core.positions import Position, Span
from eksa_mirror.core.source import EKSA_GROUP, SourceFile, normalize
from eksa_mirror.rules.catalogue import (
    CLUSTER_CHECKS,
    FILE_CHECKS,
    MIRROR_CHECKS,
    MIRROR_GUARDS,
    rule,
)
from eksa_mirror.rules.context import Analysis, Check, Options, pointer, shift_bom

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
    bom = text.startswith("\ufeff")
    if len(text) > MAX_TEXT_CHARS or text.count("\n") >= MAX_LINES:
        return _too_large(text, options, bom)
    source = load_source(text)
    result = Analysis(source, clusters(source), bom=bom)
    for run_file in FILE_CHECKS:
        run_file(result, options)
    for model in result.clusters:
        result.findings.extend(_cluster(Check(model, options)))
    findings = sorted(result.findings, key=Finding.sort_key)
    result.findings = _unique(findings)
    if bom:
        result.findings = [shift_bom(f) for f in result.findings]
    return result


def _cluster(check: Check) -> list[Finding]:
    """The findings of one Cluster: its cluster checks, its guards, and when they all pass
    and the section is intact, the mirror checks."""
    for run in CLUSTER_CHECKS:
        run(check)
    before_guards = len(check.findings)
    passed = [guard(check) for guard in MIRROR_GUARDS]  # every guard runs: they report
    model = check.model
    if not all(passed) or model.mirror_item is None or not _mirror_intact(model):
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

"""The one analysis entry point: text in, findings out.

Both faces call ``analyze``: the command line formats its findings, the language
server turns them into diagnostics and code actions. Nothing here imports pygls.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace

from eksa_mirror.checks.certificates import check_ca
from eksa_mirror.checks.context import Check, Options
from eksa_mirror.checks.providers import check_providers
from eksa_mirror.checks.structure import check_structure
from eksa_mirror.checks.values import check_duplicate_keys, check_flags, check_namespaces
from eksa_mirror.checks.versions import check_versions
from eksa_mirror.findings import Finding, Fix, TextEdit
from eksa_mirror.model import MIRROR_KEY, ClusterModel, ExpansionError, clusters, load_source
from eksa_mirror.positions import Position, Span
from eksa_mirror.rules import rule
from eksa_mirror.source import SourceFile, items

__all__ = ["Analysis", "Options", "analyze"]

# check_versions stays last: it reads the RM015 findings of check_ca.
_CHECKS = (check_duplicate_keys, check_structure, check_namespaces, check_flags, check_ca,
           check_providers, check_versions)  # fmt: skip


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
    options = options or Options()
    bom = text.startswith("\ufeff")
    source = load_source(text)
    models = clusters(source)
    result = Analysis(source, models, bom=bom)
    findings = result.findings
    for doc in source.documents:
        problem = doc.parsed.problem
        if problem is not None and doc.parsed.looks_like_eksa and options.enabled("RM024"):
            line = problem.line + doc.line_offset
            findings.append(
                Finding(
                    "RM024",
                    options.severity.get("RM024") or rule("RM024").severity,
                    f"the YAML cannot be parsed: {problem.message}",
                    _point_span(source, line, problem.column),
                    "",
                    document=doc.index,
                )
            )
    for model in models:
        check = Check(model, options)
        _spec_key_typos(check)
        if model.mirror_item is not None:
            try:
                for run in _CHECKS:
                    run(check)
            except ExpansionError:
                key = model.mirror_key
                assert key is not None
                check.findings = [f for f in check.findings if f.code == "RM006"]
                check.emit(
                    "RM024",
                    "the document expands through YAML aliases into more than 100,000 nodes "
                    "(an alias bomb?); it is not analysed further",
                    model.doc.span(key),
                    "/spec/registryMirrorConfiguration",
                )
        findings.extend(check.findings)
    findings.sort(key=Finding.sort_key)
    findings[:] = _unique(findings)
    if bom:
        result.findings = [_shift_bom(f) for f in findings]
    return result


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


def _spec_key_typos(check: Check) -> None:
    """RM006 for a near miss of ``registryMirrorConfiguration`` under ``spec``."""
    for key, _ in items(check.model.spec):
        name = key.value
        if name == MIRROR_KEY:
            continue
        cased = name.lower() == MIRROR_KEY.lower()
        close = difflib.SequenceMatcher(None, name.lower(), MIRROR_KEY.lower()).ratio() >= 0.85
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
    """A one-character span at a parse error, clamped to the line."""
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

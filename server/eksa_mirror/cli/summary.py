"""The last line of ``validate``'s text output: how many files were checked, against which
EKS Anywhere release (saying so when a release asked for is newer than the releases known),
the counts by severity, and the files that could not be parsed."""

from __future__ import annotations

from collections.abc import Set

from eksa_mirror.cli.formatters import FileFinding
from eksa_mirror.core.eksa.releases import LATEST, Target, target_release
from eksa_mirror.core.findings import Severity


def target_text(targets: Set[Target], eksa_version: str) -> str:
    """``EKS Anywhere v0.26.1 (latest known)``, or the releases of the files' Clusters (with
    none, the release of ``--eksa-version``)."""
    targets = targets or {target_release("", eksa_version)}
    if len(targets) == 1 and next(iter(targets)).source == "latest":
        return f"EKS Anywhere {LATEST} (latest known)"
    labels = sorted({t.version for t in targets})
    text = "EKS Anywhere " + ", ".join(str(v) for v in labels)
    newer = sorted({t.newer for t in targets if t.newer})
    if newer:
        text += (
            f" ({', '.join(newer)} {'is' if len(newer) == 1 else 'are'} newer than the releases "
            f"eksa-mirror knows: checked as {LATEST}, the newest it knows)"
        )
    return text


def summary_line(
    files: int, results: list[FileFinding], unparsed: list[str], target: str, verbose: bool
) -> str:
    """The last line of the text output: files checked, the ``target`` release
    (``target_text``), the counts."""
    errors = sum(r.finding.severity is Severity.ERROR for r in results)
    warnings = sum(r.finding.severity is Severity.WARNING for r in results)
    skipped = ""
    if unparsed:
        skipped = (
            f"; {len(unparsed)} file{'s' * (len(unparsed) != 1)} could not be parsed as YAML "
            f"and {'were' if len(unparsed) != 1 else 'was'} not checked"
            + ("" if verbose else " (--verbose lists them)")
        )
    return (
        f"{files} file{'s' * (files != 1)} checked against {target}: "
        f"{errors} error{'s' * (errors != 1)}, "
        f"{warnings} warning{'s' * (warnings != 1)}, {len(results) - errors - warnings} other"
        + skipped
    )

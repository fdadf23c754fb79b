"""The findings a user sees, for every face: the analysis, RM023 against an older text of
the same spec (``validate --against``, the editor's git mode), then the inline suppressions
applied to all of them (docs/configuration.md). ``fix_text`` applies the safe fixes.

The older text is given, never fetched: reading it (a file, git) is the caller's business.
"""

from __future__ import annotations

from eksa_mirror.core.findings import Finding
from eksa_mirror.core.fixes import apply_edits, safe_edits
from eksa_mirror.rules.analysis import Analysis, Options, analyze
from eksa_mirror.rules.suppress import suppress_in

__all__ = ["FIX_ROUNDS", "fix_text", "lint"]

#: Rounds of ``fix_text``: a fix skipped because it overlapped another is applied next round.
FIX_ROUNDS = 5


def lint(text: str, options: Options, old_text: str | None = None) -> Analysis:
    """The analysis of ``text``, RM023 from ``old_text`` when given, then suppressions."""
    analysis = analyze(text, options)
    if old_text is not None:
        from eksa_mirror.rules.upgrade import diff_findings  # only with an older text

        analysis.findings.extend(diff_findings(old_text, text, options))
        analysis.findings.sort(key=Finding.sort_key)
    suppress_in(analysis, options)
    return analysis


def fix_text(text: str, options: Options, old_text: str | None = None) -> tuple[str, int]:
    """``text`` with every safe fix applied (until none is left) and how many were applied.

    Suppressed findings are not fixed; unused suppressions are removed (RM031)."""
    applied = 0
    for _ in range(FIX_ROUNDS):
        edits = safe_edits(lint(text, options, old_text).findings)
        new = apply_edits(text, edits) if edits else text
        if new == text:
            break
        applied += len(edits)
        text = new
    return text, applied

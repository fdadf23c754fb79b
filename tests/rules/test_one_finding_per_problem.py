"""One problem, one finding: no two findings on the same span unless the pair is listed here
with the reason both are true and distinct.

Every spec the project has is run: the EKS-A corpus beside the repository (when present),
the examples, the real-world corpus, and every example of docs/rules.md.
"""

from __future__ import annotations

import itertools
import re
from datetime import datetime, timezone

import pytest

from eksa_mirror.rules.analysis import Options, analyze
from support import MIRROR_HEAD, REPO

ROOT = REPO
CORPUS = ROOT.parent / "shared" / "corpus" / "eksa-testdata"
OPTIONS = Options(now=datetime(2026, 12, 1, tzinfo=timezone.utc))

#: Pairs of codes allowed on one span, each with why both findings are true and distinct.
ALLOWED = {
    ("RM016", "RM017"): "authenticate on Snow Ubuntu or CloudStack: the CLI still demands "
    "REGISTRY_USERNAME/REGISTRY_PASSWORD (RM016), and the nodes get no credentials (RM017)",
    ("RM002", "RM008"): "an integer port out of range: it must be quoted (RM008) and it is not "
    "a port at all (RM002); quoting alone does not fix it",
}


def doc_examples() -> list[tuple[str, str]]:
    """(name, text) of each YAML example of docs/rules.md (each a whole file)."""
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    found = []
    pattern = re.compile(r"<!-- (fails|fixed)([^>]*)-->\n```yaml\n(.*?)```", re.DOTALL)
    for number, match in enumerate(pattern.finditer(text)):
        found.append((f"rules.md example {number + 1} ({match.group(1)})", match.group(3)))
    return found


def specs() -> list[tuple[str, str]]:
    paths = sorted((ROOT / "examples").glob("*.yaml"))
    paths += sorted((ROOT / "tests" / "data" / "realworld").glob("*.yaml"))
    if CORPUS.is_dir():
        paths += sorted(CORPUS.glob("*.yaml"))
    return [(p.name, p.read_text(encoding="utf-8")) for p in paths] + doc_examples()


@pytest.mark.parametrize(("name", "text"), specs(), ids=[n for n, _ in specs()])
def test_no_two_findings_share_a_span_without_a_reason(name: str, text: str) -> None:
    found = analyze(text, OPTIONS).findings
    for a, b in itertools.combinations(found, 2):
        if a.span != b.span:
            continue
        pair = tuple(sorted((a.code, b.code)))
        assert pair in ALLOWED, (
            f"{name}: {a.code} and {b.code} on one span: {a.message} | {b.message}"
        )


def test_the_allowed_pairs_are_still_needed() -> None:
    """Each listed pair still happens (else its entry is stale)."""
    seen = set()
    for _, text in specs():
        found = analyze(text, OPTIONS).findings
        for a, b in itertools.combinations(found, 2):
            if a.span == b.span:
                seen.add(tuple(sorted((a.code, b.code))))
    port = "    endpoint: r.local\n    port: 99999\n"
    for a, b in itertools.combinations(analyze(MIRROR_HEAD + port, OPTIONS).findings, 2):
        if a.span == b.span:
            seen.add(tuple(sorted((a.code, b.code))))
    assert set(ALLOWED) <= seen

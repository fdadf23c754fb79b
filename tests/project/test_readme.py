"""The README's rule table lists every rule with its name, severity and summary."""

from __future__ import annotations

import re

from eksa_mirror.rules.catalogue import RULES
from support import REPO

README = REPO / "README.md"


def test_readme_rule_table_matches_the_catalogue() -> None:
    rows = re.findall(
        r"^\| \[(RM\d{3})\]\(docs/rules\.md#rm\d{3}\) \| `([^`]+)` \| (\w+) \| (.+) \|$",
        README.read_text(encoding="utf-8"),
        re.MULTILINE,
    )
    assert [(code, name, sev, summary) for code, name, sev, summary in rows] == [
        (r.code, r.name, r.severity.value, r.summary) for r in RULES.values()
    ]

"""Write the rule tables of README.md and docs/rules.md from the rule catalogue.

    python scripts/rule_tables.py          rewrite both tables in place
    python scripts/rule_tables.py --check  exit 1 and name the stale file(s) if a table is not
                                           what the catalogue gives (tests/project runs it)

Each table sits between ``<!-- rule table: ... -->`` and ``<!-- end of rule table -->``;
everything else in the files is left alone.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "server"))

from eksa_mirror.rules.catalogue import RULES  # noqa: E402

COMMAND = "python scripts/rule_tables.py"
_BLOCK = re.compile(
    r"(?P<open><!-- rule table: [^\n]*-->\n)(?P<table>.*?)(?P<close><!-- end of rule table -->)",
    re.S,
)


def readme_table() -> str:
    rows = ["| code | name | severity | what it catches |", "|---|---|---|---|"]
    for code, rule in RULES.items():
        link = f"[{code}](docs/rules.md#{code.lower()})"
        rows.append(f"| {link} | `{rule.name}` | {rule.severity.value} | {rule.summary} |")
    return "\n".join(rows) + "\n"


def rules_md_table() -> str:
    rows = ["| Code | Name | Severity | Fix | Summary |", "|---|---|---|---|---|"]
    for code, rule in RULES.items():
        cells = (f"[{code}](#{code.lower()})", rule.name, rule.severity.value, rule.fix)
        rows.append(f"| {' | '.join(cells)} | {rule.summary} |")
    return "\n".join(rows) + "\n"


TABLES = {"README.md": readme_table, "docs/rules.md": rules_md_table}


def rendered(path: str) -> tuple[str, str]:
    """(the file as it is, the file with its table written from the catalogue)."""
    text = (REPO / path).read_text(encoding="utf-8")
    blocks = list(_BLOCK.finditer(text))
    if len(blocks) != 1:
        raise SystemExit(f"{path}: expected one rule table between the markers, found {len(blocks)}")
    block = blocks[0]
    table = TABLES[path]()
    return text, text[: block.start("table")] + table + text[block.end("table") :]


def main(argv: list[str]) -> int:
    check = argv == ["--check"]
    if argv and not check:
        print(__doc__, file=sys.stderr)
        return 2
    stale = []
    for path in TABLES:
        text, new = rendered(path)
        if new != text:
            stale.append(path)
            if not check:
                (REPO / path).write_text(new, encoding="utf-8")
    if check and stale:
        print(f"the rule table of {', '.join(stale)} is not the catalogue's: run {COMMAND}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

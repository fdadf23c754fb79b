"""A syntax error outside the mirror section hides none of the mirror's findings.

Every line of every real spec (the EKS-A corpus beside the repository, the examples, the
real-world corpus in ``tests/data/realworld``) is broken in the ways a person breaks YAML
while editing: an unclosed bracket, a half-typed key, a tab in the indentation, an unclosed
quote, a second colon in a value. Each break keeps the line count, so positions are
comparable. Whenever the break makes the document unparsable, the file must give RM024 on the
broken line only, and every other finding exactly as the unbroken file gives it (code, span,
message).

Lines left out, with the reason:

- the mirror section itself: a broken mirror line loses what that line held (a blanked
  ``endpoint:`` is a missing endpoint), so the findings may rightly differ;
- the lines that hold a fact the mirror rules read from elsewhere (``apiVersion``, ``kind``,
  ``metadata.name``, ``datacenterRef``, ``machineGroupRef``, ``osFamily``, ``eksaVersion``,
  ``hookImagesURLPath``, ``osImageURL``) and the keys above them: a broken fact is a lost fact
  (a machine whose ``osFamily`` line is gone has no OS family), not a recovery failure;
- ``---`` lines, comments and blank lines, which the breaks do not apply to;
- one space more or less on a line of a ``|`` or ``>`` value: that is text, and YAML only
  notices where the text's indentation breaks, lines later.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from eksa_mirror.core.findings import Finding
from eksa_mirror.core.model import MIRROR_KEY
from eksa_mirror.rules.analysis import Options, analyze
from support import REPO

ROOT = REPO
CORPUS = ROOT.parent / "shared" / "corpus" / "eksa-testdata"
OPTIONS = Options(now=datetime(2026, 8, 18, tzinfo=timezone.utc))

FACTS = {
    "apiVersion", "kind", "name", "datacenterRef", "machineGroupRef", "osFamily", "eksaVersion",
    "hookImagesURLPath", "osImageURL",
}  # fmt: skip
_KEY_LINE = re.compile(r"^(?P<prefix>\s*(?:-\s+)?)(?P<key>[A-Za-z_][\w.-]*):(?P<rest>.*)$")


def specs() -> list[Path]:
    """Every spec that parses (the real-world specs that are broken on purpose are left out:
    there is no unbroken file to compare with)."""
    found = sorted((ROOT / "examples").glob("*.yaml"))
    found += sorted((ROOT / "tests" / "data" / "realworld").glob("*.yaml"))
    if CORPUS.is_dir():
        found += sorted(CORPUS.glob("*.yaml"))
    return [p for p in found if not _broken(p)]


def _broken(path: Path) -> bool:
    return any(f.code == "RM024" for f in analyze(path.read_text("utf-8"), OPTIONS).findings)


def breaks(line: str) -> Iterator[tuple[str, str]]:
    """(name, broken line) for each way of breaking ``line`` that keeps it one line."""
    match = _KEY_LINE.match(line)
    indent = len(line) - len(line.lstrip(" "))
    if match:
        prefix, key = match.group("prefix"), match.group("key")
        yield "unclosed-bracket", f"{prefix}{key}: [unclosed, list"
        yield "half-typed-key", f"{prefix}{key[: max(1, len(key) // 2)]}"
        yield "unclosed-quote", f'{prefix}{key}: "unclosed'
        yield "colon-in-value", f"{prefix}{key}: value: more"
    if indent:
        yield "tab-indentation", "\t" + line.lstrip(" ")
        yield "one-space-less", line[1:]
    yield "one-space-more", " " + line


def _block_scalar_lines(node: Node | None, found: set[int]) -> None:
    """The content lines of ``|`` and ``>`` values (text, not YAML structure)."""
    if isinstance(node, ScalarNode) and node.style in ("|", ">"):
        found.update(range(node.start_mark.line + 1, node.end_mark.line + 1))
    elif isinstance(node, MappingNode):
        for key, value in node.value:
            _block_scalar_lines(key, found)
            _block_scalar_lines(value, found)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            _block_scalar_lines(item, found)


def _walk(node: Node | None, protected: set[int], mirror: set[int]) -> bool:
    """Mark the lines of fact keys and their ancestors; returns whether ``node`` holds one."""
    holds = False
    if isinstance(node, MappingNode):
        for key, value in node.value:
            name = key.value if isinstance(key, ScalarNode) else ""
            if name == MIRROR_KEY:
                end = value.end_mark.line if value.end_mark.column else value.end_mark.line - 1
                mirror.update(range(key.start_mark.line, max(end, key.start_mark.line) + 1))
                continue
            inner = _walk(value, protected, mirror)
            if name in FACTS or inner:
                protected.add(key.start_mark.line)
                holds = True
    elif isinstance(node, SequenceNode):
        for item in node.value:
            if _walk(item, protected, mirror):
                protected.add(item.start_mark.line)
                holds = True
    return holds


def text_lines(text: str) -> set[int]:
    """Lines inside block scalars: one space more or less there changes text, and YAML may
    only notice lines later, where the text's indentation breaks (left out for those two)."""
    found: set[int] = set()
    for doc in analyze(text, OPTIONS).source.documents:
        for root in doc.parsed.roots:
            inner: set[int] = set()
            _block_scalar_lines(root, inner)
            found |= {n + doc.line_offset for n in inner}
    return found


def breakable_lines(text: str) -> list[int]:
    skipped: set[int] = set()
    for doc in analyze(text, OPTIONS).source.documents:
        for root in doc.parsed.roots:
            protected: set[int] = set()
            mirror: set[int] = set()
            _walk(root, protected, mirror)
            skipped |= {n + doc.line_offset for n in protected | mirror}
    return [
        n
        for n, line in enumerate(text.split("\n"))
        if n not in skipped
        and line.strip()
        and not line.lstrip().startswith("#")
        and not line.startswith("---")
    ]


def key(finding: Finding) -> tuple[str, int, int, int, int, str]:
    s = finding.span
    return (finding.code, s.start.line, s.start.column, s.end.line, s.end.column, finding.message)


@pytest.mark.parametrize("path", specs(), ids=lambda p: p.name)
def test_a_syntax_error_elsewhere_hides_no_mirror_finding(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    expected = sorted(key(f) for f in analyze(text, OPTIONS).findings)
    assert not [k for k in expected if k[0] == "RM024"], "the unbroken file must parse"
    lines = text.split("\n")
    tried = 0
    inside_text = text_lines(text)
    for number in breakable_lines(text):
        for name, broken in breaks(lines[number]):
            if name.startswith("one-space") and number in inside_text:
                continue
            trial = "\n".join([*lines[:number], broken, *lines[number + 1 :]])
            found = analyze(trial, OPTIONS).findings
            syntax = [f for f in found if f.code == "RM024"]
            if not syntax:
                continue  # this break is still valid YAML here
            tried += 1
            where = f"{path.name}:{number + 1} {name}: {broken!r}"
            assert {f.span.start.line for f in syntax} == {number}, where
            assert sorted(key(f) for f in found if f.code != "RM024") == expected, where
    assert tried > 10, tried

"""The ways people break a line of YAML while typing, and the judge of a broken spec.

``breaks(line)`` gives each way that keeps the line one line (so every other position is
comparable): a tab in the indentation, an unclosed ``"``, ``'``, ``[`` or ``{``, a
half-typed key, a key one space off either way, a stray ``:``, a documentation ``...``.
``judge`` says what is wrong with the findings of a broken spec: they may only be RM024 on
the broken line plus findings the unbroken spec has (the same code, severity, message, span
and pointer; a fix may be dropped, never changed). A finding the unbroken spec does not have
is a false alarm. On a line that holds none of the facts the rules read from around the
mirror (``bystanders``), no finding may be lost either.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from eksa_mirror.core.findings import Finding
from eksa_mirror.rules.analysis import Options, analyze
from support import CORPUS, DATA, EXAMPLES

OPTIONS = Options(now=datetime(2026, 8, 18, tzinfo=timezone.utc))

_KEY_LINE = re.compile(r"^(?P<prefix>\s*(?:-\s+)?)(?P<key>[A-Za-z_][\w.-]*):(?:\s+(?P<value>.*))?$")
_ITEM_LINE = re.compile(r"^(?P<prefix>\s*-\s+)(?P<value>[^\s#].*)$")
_CLOSERS = {'"': '"', "'": "'", "[": "]", "{": "}"}


def _unclosed(opener: str, value: str) -> str:
    """``value`` with ``opener`` left open: its closer dropped if it has one, else opened."""
    value = value.rstrip()
    closer = _CLOSERS[opener]
    if len(value) > 1 and value.startswith(opener) and value.endswith(closer):
        return value[:-1]
    return opener + value


def breaks(line: str) -> Iterator[tuple[str, str]]:
    """(name, broken line) for each way of breaking ``line``."""
    indent = len(line) - len(line.lstrip(" "))
    yield "tab-indentation", "\t" + line.lstrip(" ")
    if indent:
        yield "one-space-less", line[1:]
    yield "one-space-more", " " + line
    keyed = _KEY_LINE.match(line)
    item = _ITEM_LINE.match(line)
    if keyed:
        prefix, key, value = keyed["prefix"], keyed["key"], keyed["value"] or ""
        yield "half-typed-key", f"{prefix}{key[: max(1, len(key) // 2)]}"
        head = f"{prefix}{key}: "
        yield "stray-colon", f"{line.rstrip()}:" if value.strip() else f"{head}:"
    elif item:
        prefix, value = item["prefix"], item["value"]
        head = prefix
    else:
        return
    for opener in _CLOSERS:
        yield f"unclosed-{opener}", head + _unclosed(opener, value)
    yield "dots", " " * indent + "..."


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


def text_lines(text: str) -> set[int]:
    """Lines inside block scalars: a space more or less there only changes the text."""
    found: set[int] = set()
    for doc in analyze(text, OPTIONS).source.documents:
        for root in doc.parsed.roots:
            inner: set[int] = set()
            _block_scalar_lines(root, inner)
            found |= {n + doc.line_offset for n in inner}
    return found


#: Keys whose value the rules read, or under which such a key may sit: a broken line there
#: may rightly silence a finding (what it held is unknown).
FACTS = {
    "apiVersion", "kind", "name", "datacenterRef", "machineGroupRef", "osFamily", "eksaVersion",
    "hookImagesURLPath", "osImageURL", "spec", "metadata", "controlPlaneConfiguration",
    "externalEtcdConfiguration", "workerNodeGroupConfigurations",
}  # fmt: skip


def _walk(node: Node | None, protected: set[int], mirror: set[int]) -> bool:
    """Mark the lines of fact keys and their ancestors; returns whether ``node`` holds one."""
    holds = False
    if isinstance(node, MappingNode):
        for key, value in node.value:
            name = key.value if isinstance(key, ScalarNode) else ""
            if name == "registryMirrorConfiguration":
                end = value.end_mark.line if value.end_mark.column else value.end_mark.line - 1
                mirror.update(range(key.start_mark.line, max(end, key.start_mark.line) + 1))
                continue
            inner = _walk(value, protected, mirror)
            if name in FACTS or inner:
                protected.add(key.start_mark.line)
                holds = True
            if name in FACTS and (isinstance(value, ScalarNode) or value.flow_style):
                protected.update(range(value.start_mark.line, value.end_mark.line + 1))
    elif isinstance(node, SequenceNode):
        for item in node.value:
            if _walk(item, protected, mirror):
                protected.add(item.start_mark.line)
                holds = True
    return holds


def bystanders(text: str) -> set[int]:
    """Lines outside the mirror section that hold no fact the rules read and none of their
    ancestors: breaking one loses no finding (but for a ``...``, which stands for whatever
    the documentation left out, facts included)."""
    skipped: set[int] = set()
    for doc in analyze(text, OPTIONS).source.documents:
        for root in doc.parsed.roots:
            protected: set[int] = set()
            mirror: set[int] = set()
            _walk(root, protected, mirror)
            skipped |= {n + doc.line_offset for n in protected | mirror}
    return set(breakable(text)) - skipped


def breakable(text: str) -> list[int]:
    """Every line with content: not blank, not a comment, not a ``---``."""
    return [
        n
        for n, line in enumerate(text.split("\n"))
        if line.strip() and not line.lstrip().startswith("#") and not line.startswith("---")
    ]


def trials(text: str) -> Iterator[tuple[int, str, str]]:
    """(line, name, broken text) for every break of every breakable line of ``text``."""
    lines = text.split("\n")
    inside_text = text_lines(text)
    for number in breakable(text):
        for name, broken in breaks(lines[number]):
            if number in inside_text and name != "tab-indentation":
                continue  # text inside a | or > value: YAML notices lines later, if at all
            yield number, name, "\n".join([*lines[:number], broken, *lines[number + 1 :]])


def judge(expected: list[Finding], broken: str, line: int, *, bystander: bool = False) -> list[str]:
    """What is wrong with the findings of ``broken`` (whose line ``line`` was broken), given
    the findings of the unbroken text (nothing when the break is still valid YAML);
    ``bystander``: the line holds no fact, so no finding may be lost either."""
    found = analyze(broken, OPTIONS).findings
    syntax = [f for f in found if f.code == "RM024"]
    if not syntax:
        return []  # still valid YAML: a different document, not a broken one
    wrong = [
        f"RM024 at line {f.span.start.line + 1}, not at the break"
        for f in syntax
        if f.span.start.line != line
    ]
    fixes = {_unfixed(f): f.fix for f in expected}
    unfixed = Counter(_unfixed(f) for f in expected)
    extra = Counter(_unfixed(f) for f in found if f.code != "RM024") - unfixed
    wrong += [
        f"{f.code} {f.span.start.line + 1}:{f.span.start.column + 1} {f.message}" for f in extra
    ]
    # A finding may lose its fix where the recovery masked lines near it, never get another.
    wrong += [
        f"{f.code} {f.span.start.line + 1}:{f.span.start.column + 1} has another fix: {f.fix}"
        for f in found
        if f.fix is not None and _unfixed(f) in fixes and fixes[_unfixed(f)] != f.fix
    ]
    if bystander:
        lost = unfixed - Counter(_unfixed(f) for f in found)
        wrong += [f"lost {f.code} {f.span.start.line + 1}:{f.span.start.column + 1}" for f in lost]
    return wrong


def _unfixed(finding: Finding) -> Finding:
    return replace(finding, fix=None)


def spec_files() -> list[Path]:
    """The specs the property runs on: examples, the cross-document specs, the real-world
    specs, the golden specs of explain, the test specs and the EKS-A corpus (when present);
    only those that parse (a broken one has no unbroken version to compare with)."""
    found = sorted(EXAMPLES.glob("*.yaml"))
    found += sorted((DATA / "cross-document").glob("*.yaml"))
    found += sorted((DATA / "realworld").glob("*.yaml"))
    found += sorted((DATA / "explain-golden").glob("*/cluster.yaml"))
    found += sorted((DATA / "specs").glob("*.yaml"))
    if CORPUS.is_dir():
        found += sorted(CORPUS.glob("*.yaml"))
    return [p for p in found if _parses(p)]


def _parses(path: Path) -> bool:
    findings = analyze(path.read_text("utf-8"), OPTIONS).findings
    return "apiVersion" in path.read_text("utf-8") and not any(f.code == "RM024" for f in findings)

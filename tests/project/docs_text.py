"""The documentation read as text: fenced blocks, code spans, links and anchors of README.md,
CHANGELOG.md and docs/*.md, for the tests that hold the docs to the code
(``test_docs_commands.py``, ``test_docs_names.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from support import DOCS, REPO

#: The documents a user reads: the README and docs/ (their commands, flags, paths, links).
USER_DOCS = [REPO / "README.md", *sorted(DOCS.glob("*.md"))]
#: Also read for the names they use (rule codes, settings, paths).
NAMED_IN = [*USER_DOCS, REPO / "CHANGELOG.md", REPO / "vscode-client" / "README.md"]
SHELLS = ("sh", "bash", "shell", "console")

_FENCE = re.compile(r"^( *)(`{3,})([\w-]*)[^\n]*\n(.*?)^\1\2[ \t]*$", re.M | re.S)
_SPAN = re.compile(r"(?<!`)`([^`\n]+(?:\n[^`\n]+)?)`(?!`)")
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_HEADING = re.compile(r"^#{1,6} (.+?)[ \t]*$", re.M)
_ANCHOR = re.compile(r'<a id="([^"]+)"></a>')


@dataclass(frozen=True)
class Block:
    """A fenced block: its file (relative to the repository), line, info string and text."""

    file: str
    line: int
    lang: str
    text: str

    @property
    def first(self) -> str:
        """The first line, without a trailing ``# comment``."""
        return re.sub(r"\s+#\s.*$", "", self.text.split("\n", 1)[0])

    @property
    def key(self) -> tuple[str, str]:
        return (self.file, self.first)


def rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def blocks(path: Path) -> list[Block]:
    text = path.read_text(encoding="utf-8")
    return [
        Block(rel(path), text.count("\n", 0, m.start()) + 1, m.group(3), m.group(4))
        for m in _FENCE.finditer(text)
    ]


def shell_blocks() -> list[Block]:
    return [b for path in USER_DOCS for b in blocks(path) if b.lang in SHELLS]


def transcripts() -> list[Block]:
    """The blocks that show a command after ``$ `` and then what it prints."""
    return [b for path in USER_DOCS for b in blocks(path) if b.first.startswith("$ ")]


def prose(path: Path) -> str:
    """The file's text with every fenced block blanked (line numbers kept)."""
    text = path.read_text(encoding="utf-8")
    return _FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), text)


def code_spans(path: Path) -> list[str]:
    """The inline code of the prose, a span broken over two lines joined by a space."""
    return [" ".join(s.split()) for s in _SPAN.findall(prose(path))]


def links(path: Path) -> list[str]:
    return _LINK.findall(prose(path))


def command_lines(block: Block) -> list[str]:
    """The commands of a shell block: continuation lines joined, comments and blanks left out."""
    joined = block.text.replace("\\\n", " ")
    found = []
    for line in joined.splitlines():
        command = re.sub(r"\s+#\s.*$", "", line).strip()
        if command and not command.startswith("#"):
            found.append(command)
    return found


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as '-'."""
    text = re.sub(r"<[^>]+>", "", heading).lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every anchor of a Markdown file: its headings' (repeats numbered) and ``<a id>``s."""
    text = prose(path)
    found: set[str] = set(_ANCHOR.findall(text))
    seen: dict[str, int] = {}
    for heading in _HEADING.findall(text):
        slug = github_slug(heading)
        found.add(slug if slug not in seen else f"{slug}-{seen[slug]}")
        seen[slug] = seen.get(slug, 0) + 1
    return found

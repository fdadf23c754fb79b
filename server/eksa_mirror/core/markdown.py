"""Markdown pieces that carry text from a spec safely: a table cell, inline code and a fenced
block. Used by the job summaries and review comments (``validate --format markdown``,
``explain --against --format markdown``); what a spec says never turns into markup there."""

from __future__ import annotations

import re

_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_BACKTICKS = re.compile(r"`+")


def escape(text: str) -> str:
    """Plain text in Markdown: HTML characters as entities, one line, pipes escaped (so the
    text can also sit in a table cell) and Markdown's punctuation neutralised."""
    flat = " ".join(text.split())
    out = "".join(_HTML.get(char, char) for char in flat)
    for char in "\\|*_[]#~`":
        out = out.replace(char, f"\\{char}")
    return out


def code(text: str, *, cell: bool = False) -> str:
    """``text`` as inline code on one line; in a table ``cell`` its pipes are escaped, as
    GitHub's tables require even inside code."""
    flat = " ".join(text.split())
    flat = flat.replace("|", "\\|") if cell else flat
    longest = max((len(run) for run in _BACKTICKS.findall(flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def block(text: str, language: str = "") -> list[str]:
    """``text`` as a fenced code block, the fence longer than any backtick run inside."""
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{language}", *text.rstrip("\n").split("\n"), fence]
